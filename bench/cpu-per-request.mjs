// `node bench/cpu-per-request.mjs [server script]`: the ingest load of
// `npm run bench` (50 connections, POST /api/v1/deployments over 100 apps)
// for BENCH_SECONDS (default 8) against one server process, and the CPU
// each of its threads spent per request, read from /proc/<pid>/task (Linux),
// with autocannon's own. BENCH_SERVER_ENV (JSON) adds server settings. Default script: the SVT server; pass
// bench/bare-server.mjs for the baseline. PROF=1 adds a V8 CPU profile of
// the server's threads in bench/results/.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { postRequests, ROOT, SERVER_BIN, start, stop } from './process.mjs';

const script = process.argv[2] ?? SERVER_BIN;
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const dir = '/tmp/svt-bench-cpu';
rmSync(dir, { recursive: true, force: true });
const flags = process.env.PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results')}`]
  : [];
const { proc, port } = await start(
  script,
  {
    SVT_PORT: '0',
    SVT_DB: `${dir}/svt.db`,
    SVT_RATE_LIMIT: '100000000',
    // More settings for an A/B, e.g. BENCH_SERVER_ENV='{"SVT_AUTH":"off"}'.
    ...JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}'),
  },
  undefined,
  flags,
);

/** CPU ticks (1/100 s) of each thread of the server, by thread id and name. */
const ticks = () =>
  Object.fromEntries(
    readdirSync(`/proc/${proc.pid}/task`).map((t) => {
      const stat = readFileSync(`/proc/${proc.pid}/task/${t}/stat`, 'utf8');
      const name = /\((.*)\)/.exec(stat)[1];
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [`${t} ${name}`, Number(fields[11]) + Number(fields[12])];
    }),
  );

const requests = postRequests();
const run = (duration) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration, requests }, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
await run(2);
const before = ticks();
const own = process.cpuUsage();
const result = await run(seconds);
const after = ticks();
const mine = process.cpuUsage(own);
const n = result.requests.total;
console.log(`${script}: ${result.requests.average.toFixed(0)} req/s, ${n} requests`);
console.log('| thread | share of a core | us of CPU per request |');
console.log('| --- | ---: | ---: |');
for (const key of Object.keys(after)) {
  const used = after[key] - (before[key] ?? 0);
  if (used > 0) {
    const share = ((used / 100 / seconds) * 100).toFixed(0);
    console.log(`| ${key} | ${share}% | ${((used * 10_000) / n).toFixed(1)} |`);
  }
}
const cannon = mine.user + mine.system;
console.log(
  `| autocannon | ${((cannon / 1e6 / seconds) * 100).toFixed(0)}% | ${(cannon / n).toFixed(1)} |`,
);
await stop({ proc });

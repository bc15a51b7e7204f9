// `npm run bench:scale`: how the cost grows with history. For 26,000,
// 260,000 and 2,600,000 deployments (BENCH_SCALE=26000,260000 to choose):
// ingest next to the bare Koa route in the same run, read latencies (curl,
// sequential), database size and the server's memory after; and the
// footprint of 260,000 records shaped like the seed's test record, next to
// the seed's ~46 MB in MongoDB.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { start, stop, SERVER_BIN } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { seedHistory, seedLikeTheSeed } from './seed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sizes = (process.env.BENCH_SCALE ?? '26000,260000,2600000').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-scale-'));
const MB = (bytes) => (bytes / 2 ** 20).toFixed(1);

function ingestRate(url) {
  let i = 0;
  const requests = [
    {
      method: 'POST',
      path: '/api/v1/deployments',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => {
        i += 1;
        req.body = JSON.stringify({
          env: 'env-1',
          app: `app-${String(i % 200).padStart(4, '0')}`,
          version: `9.0.${i}`,
        });
        return req;
      },
    },
  ];
  const run = (duration) =>
    new Promise((resolve, reject) =>
      autocannon({ url, connections: 50, duration, requests }, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
  return run(2)
    .then(() => run(seconds))
    .then((r) => {
      if (r.non2xx + r.errors > 0) throw new Error(`${r.non2xx + r.errors} failed requests`);
      return r.requests.average;
    });
}

const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const rows = [];
for (const total of sizes) {
  const db = join(work, `scale-${total}.db`);
  const seeded = seedHistory(db, total);
  const size = statSync(db).size;
  const bare = await start(join(root, 'bench', 'bare-server.mjs'));
  const bareRps = await ingestRate(`http://127.0.0.1:${bare.port}`);
  await stop(bare);
  const svt = await start(SERVER_BIN, {
    SVT_PORT: '0',
    SVT_DB: db,
    SVT_RATE_LIMIT: '100000000', // far above what the benchmark sends: the limiter runs, never refuses
  });
  const url = `http://127.0.0.1:${svt.port}`;
  const reads = {};
  for (const [name, path] of [
    ['current', '/api/v1/environments/env-0'],
    ['at', '/api/v1/environments/env-0?at=2021-06-01T00:00:00Z'],
    ['history', '/api/v1/deployments?env=env-0&limit=50'],
  ]) {
    await readLatencies(url + path, 20);
    const ms = await readLatencies(url + path, 300);
    reads[name] = q(ms, 0.99);
  }
  const svtRps = await ingestRate(url);
  const rss =
    Number(
      /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${svt.proc.pid}/status`, 'utf8'))?.[1] ?? 0,
    ) * 1024;
  await stop(svt);
  rows.push({ total, seeded, size, bareRps, svtRps, reads, rss });
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
}

const seedDb = join(work, 'seed-like.db');
seedLikeTheSeed(seedDb, 260_000);
const seedLike = statSync(seedDb).size;

const lines = [
  `Run ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ingest: ${seconds} s of autocannon, 50 connections, after 2 s of warm-up, bare route then SVT at each size; reads: 300 sequential GETs, curl, p99.`,
  '',
  '| deployments | seeded in s | database MB | ingest SVT / bare (req/s) | ratio | current p99 ms | at an instant p99 ms | history page p99 ms | server RSS MB after |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.total.toLocaleString('en-US')} | ${r.seeded.toFixed(0)} | ${MB(r.size)} | ${r.svtRps.toFixed(0)} / ${r.bareRps.toFixed(0)} | ${(r.svtRps / r.bareRps).toFixed(2)} | ${r.reads.current.toFixed(2)} | ${r.reads.at.toFixed(2)} | ${r.reads.history.toFixed(2)} | ${MB(r.rss)} |`,
  ),
  '',
  `Footprint: 260,000 records shaped like the seed's test record ({env, name, url, version}) take ${MB(seedLike)} MB in SQLite (indexes and the current-state projection included), next to the seed's ~46 MB in MongoDB.`,
];
const summary = lines.join('\n');
console.log(summary);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
  `${summary}\n`,
);
rmSync(work, { recursive: true, force: true });

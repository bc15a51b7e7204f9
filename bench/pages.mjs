// `npm run bench:pages` (also run by `npm run bench`): server time to render
// the overview and an environment page of 1,000 applications over 2.6
// million deployments (ten years of the seed's 260,000 a year), next to the
// JSON current state of the same environment as the baseline, in one run.
// Latency: 200 sequential GETs on one keep-alive connection, timed by curl.
// Then the overview at 1,000 x 5 and 1,000 x 20 (bench/overview-scale.mjs):
// wire size, server time, Chromium's load and a filter keystroke.
// Settings: BENCH_PAGES_ROWS (default 2,600,000; 0 skips the history part),
// BENCH_PAGES_BEFORE (another checkout, built, measured beside this one at scale).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_BIN, start } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { overviewAtScale } from './overview-scale.mjs';
import { seedHistory } from './seed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const total = Number(process.env.BENCH_PAGES_ROWS ?? 2_600_000);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-pages-'));
const dbPath = join(work, 'svt.db');

const lines = [
  `Run ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the start.`,
];
if (total > 0) lines.push('', ...(await historyPages()));
lines.push('', '### The overview at scale', '', ...(await overviewAtScale()));
lines.push(
  '',
  `Load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end.`,
);

/** The pages over `total` deployments of history, next to the JSON baseline. */
async function historyPages() {
  const seconds = seedHistory(dbPath, total);
  const server = await start(SERVER_BIN, { SVT_PORT: '0', SVT_DB: dbPath });
  const url = `http://127.0.0.1:${server.port}`;
  const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
  const rows = [];
  try {
    for (const [name, path] of [
      ['GET /api/v1/environments/env-0 (JSON, baseline)', '/api/v1/environments/env-0'],
      ['GET /env/env-0 (environment page, 1,000 apps)', '/env/env-0'],
      ['GET / (overview, 1,000 apps x 5 environments)', '/'],
    ]) {
      await readLatencies(url + path, 20); // warm-up
      const ms = await readLatencies(url + path, 200);
      rows.push({ name, p50: q(ms, 0.5), p99: q(ms, 0.99) });
    }
  } finally {
    server.proc.kill('SIGTERM');
  }
  const base = rows[0].p50;
  return [
    `${total.toLocaleString('en-US')} deployments seeded in ${seconds.toFixed(0)} s (database ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MB); 200 sequential GETs each, timed by curl.`,
    '',
    '| page | p50 ms | p99 ms | p50 ratio to JSON |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.p50 / base).toFixed(2)} |`,
    ),
  ];
}
const summary = lines.join('\n');
console.log(summary);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', `pages-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
  `${summary}\n`,
);
rmSync(work, { recursive: true, force: true });

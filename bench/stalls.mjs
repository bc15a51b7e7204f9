// `npm run bench:stalls`: does any read stall the server? At 260,000
// seed-shaped deployments (BENCH_STALL_TOTAL to change), the latencies of
// GET /healthz and of recording a deployment, first quiet, then while 8
// clients loop GET /api/v1/dora?window=366d and 4 download the whole history
// as CSV. Heavy-read clients honour 503 + Retry-After, as SvtClient does.
// Prints a Markdown table for BENCHMARKS.md. BENCH_STALL_ROOT runs another
// checkout's build instead (its server bin and its own seed script), for a
// before and after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { start, stop, ROOT } from './process.mjs';

const root = resolve(process.env.BENCH_STALL_ROOT ?? ROOT);
const { seedLikeTheSeed } = await import(join(root, 'bench', 'seed.mjs'));

const total = Number(process.env.BENCH_STALL_TOTAL ?? 260_000);
const seconds = Number(process.env.BENCH_STALL_SECONDS ?? 30);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-stalls-'));
const db = join(work, 'stalls.db');
const seeded = seedLikeTheSeed(db, total);
const server = await start(
  join(root, 'server', 'bin', 'svt-server.js'),
  { SVT_PORT: '0', SVT_DB: db },
  work,
);
const base = `http://127.0.0.1:${server.port}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/**
 * Sorted ms of `fn` run every `everyMs` until `until` (performance.now()).
 * A failed call (a connection the server dropped after its request timeout)
 * counts with the time it took, and in `errors`.
 */
async function probe(fn, everyMs, until, errors = { n: 0 }) {
  const ms = [];
  while (performance.now() < until) {
    const t0 = performance.now();
    try {
      await fn();
    } catch {
      errors.n += 1;
    }
    ms.push(performance.now() - t0);
    await sleep(Math.max(0, everyMs - (performance.now() - t0)));
  }
  return ms.sort((a, b) => a - b);
}

async function health() {
  const res = await fetch(`${base}/healthz`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
}

let written = 0;
async function record() {
  written += 1;
  const res = await fetch(`${base}/api/v1/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ env: 'dev', app: `probe-${written % 10}`, version: `9.0.${written}` }),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`a write answered ${res.status}`);
}

/** Loops GETs of `path` until `until`, counting answers by status; waits out each 503. */
async function loop(path, until, counts) {
  while (performance.now() < until) {
    let res;
    try {
      res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
    } catch {
      counts.error = (counts.error ?? 0) + 1;
      continue;
    }
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    if (res.status === 503) await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
  }
}

async function phase(withLoad) {
  const until = performance.now() + seconds * 1000;
  const dora = {};
  const csv = {};
  const load = withLoad
    ? [
        ...Array.from({ length: 8 }, () => loop('/api/v1/dora?env=dev&window=366d', until, dora)),
        ...Array.from({ length: 4 }, () => loop('/api/v1/deployments?format=csv', until, csv)),
      ]
    : [];
  const errors = { n: 0 };
  const [healthMs, writeMs] = await Promise.all([
    probe(health, 50, until, errors),
    probe(record, 100, until, errors),
  ]);
  await Promise.all(load);
  return { healthMs, writeMs, dora, csv, errors: errors.n };
}

try {
  // Warm-up, not reported: the first seconds of a process measure its JIT.
  await probe(record, 20, performance.now() + 3000);
  console.log(
    `${total.toLocaleString('en')} seed-shaped deployments seeded in ${seeded.toFixed(0)} s; ${seconds} s a phase; build of ${root}\n`,
  );
  console.log(
    '| phase | /healthz p50 ms | /healthz p99 ms | write p50 ms | write p99 ms | probes failed | DORA answers | CSV answers |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const withLoad of [false, true]) {
    const r = await phase(withLoad);
    const fmt = (counts) =>
      Object.entries(counts)
        .map(([s, n]) => `${n}x ${s}`)
        .join(', ') || '-';
    console.log(
      `| ${withLoad ? '8 DORA 366d + 4 CSV loops' : 'quiet'} | ${pct(r.healthMs, 0.5).toFixed(1)} | ${pct(r.healthMs, 0.99).toFixed(1)} | ${pct(r.writeMs, 0.5).toFixed(1)} | ${pct(r.writeMs, 0.99).toFixed(1)} | ${r.errors} | ${fmt(r.dora)} | ${fmt(r.csv)} |`,
    );
  }
} finally {
  await stop(server);
  rmSync(work, { recursive: true, force: true });
}

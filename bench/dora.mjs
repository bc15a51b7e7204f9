// `npm run bench:dora`: GET /api/v1/dora, then the read aims' reads (current,
// an instant, history pages; history pages again under 10 clients, with
// /healthz beside them), at 2.6 million deployments (ten
// years, BENCH_DORA_TOTAL to change), sequential requests on 127.0.0.1, for
// windows of 30 and 365 days over one environment and over all of them.
// Prints a Markdown table for BENCHMARKS.md.
// BENCH_DORA_ROOT runs another checkout's build (its bin and its own seed
// script) instead, for a before and after.
import { mkdtempSync, rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, start, stop } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { idleRoundTrips, quantile } from './wakeup.mjs';

const root = resolve(process.env.BENCH_DORA_ROOT ?? ROOT);
const { seedHistory } = await import(join(root, 'bench', 'seed.mjs'));

const total = Number(process.env.BENCH_DORA_TOTAL ?? 2_600_000);
const runs = Number(process.env.BENCH_DORA_RUNS ?? 20);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-dora-'));
const db = join(work, 'dora.db');
const seeded = seedHistory(db, total);
// The seeded history ends 2026-11-26: windows end there.
const until = '2026-11-26T00:00:00Z';
const server = await start(
  join(root, 'server', 'bin', 'svt-server.js'),
  { SVT_PORT: '0', SVT_DB: db },
  work,
);
try {
  const url = `http://127.0.0.1:${server.port}/api/v1/dora`;
  console.log(
    `${total.toLocaleString('en')} deployments seeded in ${seeded.toFixed(0)} s; build of ${root}\n`,
  );
  console.log('| query | deployments read | p50 ms | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const query of [
    'env=env-0&window=30d',
    'env=env-0&app=app-0001&window=365d',
    'env=env-0&window=365d',
    'window=30d',
    'window=365d',
  ]) {
    const times = [];
    let read = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const res = await fetch(`${url}?${query}&until=${until}`);
      const body = await res.json();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(body)}`);
      const d = body.deployments;
      read = d.success + d.failure + d.rolledBack + d.started;
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
    console.log(
      `| \`${query}\` | ${read.toLocaleString('en')} | ${q(0.5)} | ${q(0.99)} | ${q(1)} |`,
    );
  }
  // The read aims at this size, on the same file: sequential GETs timed by
  // curl, each but the first answered from memory (no commit between them).
  console.log('\n| read at 2.6 million, 300 GETs | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: |');
  const base = `http://127.0.0.1:${server.port}/api/v1`;
  for (const [name, path] of [
    ['current, 1,000 apps (env-0)', '/environments/env-0'],
    ['current at an instant, 1,000 apps', '/environments/env-0?at=2024-06-01T00:00:00Z'],
    ['history page of env-0 (50), read again', '/deployments?env=env-0'],
    ['history page of everything (50), read again', '/deployments'],
    ['history page of an app (50), read again', '/deployments?app=app-0001'],
  ]) {
    const ms = await readLatencies(`${base}${path}`, 300);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(ms.length * p))].toFixed(2);
    console.log(`| ${name} | ${q(0.5)} | ${q(0.99)} |`);
  }
  // Uncached: each GET right after a write to that environment (a state, and
  // a history page, are kept until the next commit).
  for (const [name, path] of [
    ['current, 1,000 apps, right after a write (uncached)', '/environments/env-0'],
    ['history page of env-0 (50), right after a write (uncached)', '/deployments?env=env-0'],
  ]) {
    const ms = await readLatencies(`${base}${path}`, 300, {
      url: `${base}/deployments`,
      body: (i) =>
        JSON.stringify({
          env: 'env-0',
          app: `app-${String(i % 1000).padStart(4, '0')}`,
          version: `9.9.${i}`,
        }),
    });
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(ms.length * p))].toFixed(2);
    console.log(`| ${name} | ${q(0.5)} | ${q(0.99)} |`);
  }
  // History pages under concurrent clients, a health check beside them: the
  // pages are read in reader threads, so the HTTP thread stays free for it.
  // Each asks for env-0's first page with its own `since` (a millisecond
  // of 2000, before all history), so that none is answered from memory.
  let n = 0;
  const { rps, healthz } = await pagesUnderLoad(
    () =>
      `/api/v1/deployments?env=env-0&since=${new Date(Date.UTC(2000, 0, 1) + (n++ % 1e9)).toISOString()}`,
    server.port,
  );
  console.log(
    `| history page of env-0, each uncached, 10 clients for 10 s: ${rps} pages/s; /healthz every 20 ms meanwhile | ${quantile(healthz, 0.5)} | ${quantile(healthz, 0.99)} |`,
  );
  // The floor under the reads a reader thread serves (wakeup.mjs), in the same run.
  const hop = await idleRoundTrips(2, 3000);
  console.log(
    `| this machine: a message to an idle worker thread and back, no SVT code (3,000) | ${quantile(hop, 0.5)} | ${quantile(hop, 0.99)} |`,
  );
} finally {
  await stop(server);
  rmSync(work, { recursive: true, force: true });
}

/** Pages/s of the paths `next()` gives under 10 autocannon connections for 10 s, and /healthz latencies (ms) meanwhile. */
async function pagesUnderLoad(next, port) {
  const healthz = [];
  let loading = true;
  const probe = (async () => {
    while (loading) {
      const t0 = performance.now();
      await (await fetch(`http://127.0.0.1:${port}/healthz`)).arrayBuffer();
      healthz.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const result = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: 10,
        duration: 10,
        requests: [{ setupRequest: (req) => ({ ...req, path: next() }) }],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    ),
  );
  loading = false;
  await probe;
  if (result.non2xx + result.errors > 0) throw new Error(`${next()}: failed requests under load`);
  return { rps: Math.round(result.requests.average), healthz: healthz.sort((a, b) => a - b) };
}

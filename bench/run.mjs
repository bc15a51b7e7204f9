// `npm run bench`: SVT against a bare Koa baseline, side by side, in one run.
//
// 1. Ingest: POST /api/v1/deployments on the server as shipped (its bin,
//    default settings and logging, SQLite with synchronous=FULL) next to the
//    bare Koa JSON POST route (bare-server.mjs), to that route plus one
//    durable row (durable-baseline-server.mjs), and to SVT with a writer
//    thread that answers without SQLite (echo-writer-server.mjs: the HTTP
//    stack and the hand-off between threads, the ceiling of any storage),
//    with autocannon on 127.0.0.1, alternating rounds so that all see the
//    same machine state.
// 2. Reads: GET /api/v1/environments/{env} (and ?at=) for an environment of
//    1,000 apps, with 260,000 deployments in history across 5 environments.
//
// Prints a Markdown summary and writes it, with the raw figures, to
// bench/results/. Settings: BENCH_SECONDS (per round, default 10),
// BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 50).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { postRequests, start, stop } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { SqliteStore } from '../server/dist/store/sqlite.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-'));

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function ingestRound(label, script, env) {
  const server = await start(script, env, work);
  try {
    const url = `http://127.0.0.1:${server.port}`;
    await cannon({ url, connections, duration: 2, requests: postRequests() }); // warm-up
    const r = await cannon({ url, connections, duration: seconds, requests: postRequests() });
    const bad = r.non2xx + r.errors + r.timeouts;
    if (bad > 0) throw new Error(`${label}: ${bad} failed requests`);
    return {
      rps: r.requests.average,
      p99: r.latency.p99,
      p50: r.latency.p50,
      total: r.requests.total,
    };
  } finally {
    await stop(server);
  }
}

async function ingest() {
  const bare = [];
  const durable = [];
  const echo = [];
  const svt = [];
  for (let round = 0; round < rounds; round++) {
    bare.push(await ingestRound('bare', join(root, 'bench', 'bare-server.mjs'), {}));
    durable.push(
      await ingestRound('durable', join(root, 'bench', 'durable-baseline-server.mjs'), {
        SVT_DB: join(work, `durable-${round}.db`),
      }),
    );
    echo.push(
      await ingestRound('echo', join(root, 'bench', 'echo-writer-server.mjs'), {
        SVT_PORT: '0',
        SVT_DB: join(work, `echo-${round}.db`),
        SVT_RATE_LIMIT: '100000000',
      }),
    );
    const db = join(work, `ingest-${round}.db`);
    svt.push(
      await ingestRound('svt', join(root, 'server', 'bin', 'svt-server.js'), {
        SVT_PORT: '0',
        SVT_DB: db,
        // Far above what 50 connections send: the limiter runs, and never refuses.
        SVT_RATE_LIMIT: '100000000',
      }),
    );
  }
  const mean = (xs, key) => xs.reduce((s, x) => s + x[key], 0) / xs.length;
  return {
    bare,
    durable,
    svt,
    durableRps: mean(durable, 'rps'),
    durableP99: mean(durable, 'p99'),
    durableRatio: mean(durable, 'rps') / mean(bare, 'rps'),
    svtToDurable: mean(svt, 'rps') / mean(durable, 'rps'),
    echo,
    echoRps: mean(echo, 'rps'),
    echoP99: mean(echo, 'p99'),
    echoRatio: mean(echo, 'rps') / mean(bare, 'rps'),
    svtToEcho: mean(svt, 'rps') / mean(echo, 'rps'),
    rpsRatio: mean(svt, 'rps') / mean(bare, 'rps'),
    p99Ratio: mean(svt, 'p99') / mean(bare, 'p99'),
    bareRps: mean(bare, 'rps'),
    svtRps: mean(svt, 'rps'),
    bareP99: mean(bare, 'p99'),
    svtP99: mean(svt, 'p99'),
  };
}

/** 260,000 deployments over a year: env-0 has 1,000 apps, env-1..4 have 200 each. */
async function seed(path) {
  const store = new SqliteStore(path);
  await store.open();
  const t0 = Date.parse('2025-11-28T00:00:00Z');
  const year = 365 * 24 * 3600 * 1000;
  const total = 260_000;
  const started = performance.now();
  let pending = [];
  for (let i = 0; i < total; i++) {
    const inBig = i < 104_000;
    const env = inBig ? 'env-0' : `env-${1 + (i % 4)}`;
    const app = inBig
      ? `app-${String(i % 1000).padStart(4, '0')}`
      : `app-${String(i % 200).padStart(4, '0')}`;
    pending.push(
      store.record({
        env,
        app,
        version: `1.${Math.floor(i / 1000)}.${i % 1000}`,
        status: i % 17 === 0 ? 'failure' : 'success',
        deployedAt: t0 + Math.floor((i / total) * year),
        commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        committedAt: null,
        ref: 'refs/heads/main',
        repository: null,
        url: `https://${app}.example.test/`,
        pipelineUrl: `https://ci.example.test/pipelines/${i}`,
        actor: 'ci-bot',
        source: 'bench',
        attributes: { region: 'eu-west-1' },
        recordedBy: null,
      }),
    );
    if (pending.length === 5000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await store.close();
  return { total, seconds: (performance.now() - started) / 1000 };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

async function reads() {
  const db = join(work, 'reads.db');
  const seeded = await seed(db);
  const server = await start(
    join(root, 'server', 'bin', 'svt-server.js'),
    {
      SVT_PORT: '0',
      SVT_DB: db,
      // Far above what 50 connections send: the limiter runs, and never refuses.
      SVT_RATE_LIMIT: '100000000',
    },
    work,
  );
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const results = {};
    const paths = {
      // Repeated with no write between them: served from the cache of current state.
      'current, 1,000 apps (cached)': '/api/v1/environments/env-0',
      'current at a past instant, 1,000 apps': '/api/v1/environments/env-0?at=2026-05-28T00:00:00Z',
      'one page of history (50), read again': '/api/v1/deployments?env=env-0&limit=50',
    };
    for (const [name, path] of Object.entries(paths)) {
      await readLatencies(url + path, 100); // warm-up
      const latencies = await readLatencies(url + path, 1000);
      await cannon({ url: url + path, connections: 10, duration: 2 }); // warm-up
      const r = await cannon({ url: url + path, connections: 10, duration: seconds });
      if (r.non2xx + r.errors > 0) throw new Error(`${name}: failed requests`);
      results[name] = {
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        rps10: r.requests.average,
      };
    }
    // Every read right after a write: each commit invalidates the cache, so
    // this is the uncached cost (query, assembly, transfer).
    const writeBefore = {
      url: `${url}/api/v1/deployments`,
      body: (i) => JSON.stringify({ env: 'env-9', app: 'writer', version: `9.0.${i}` }),
    };
    await readLatencies(url + paths['current, 1,000 apps (cached)'], 50, writeBefore);
    const latencies = await readLatencies(
      url + paths['current, 1,000 apps (cached)'],
      500,
      writeBefore,
    );
    results['current, 1,000 apps, right after a write (uncached)'] = {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      rps10: null,
    };
    return { seeded, results };
  } finally {
    await stop(server);
  }
}

const f = (x, digits = 2) => x.toFixed(digits);
const ing = await ingest();
const rd = await reads();
const lines = [
  `Run ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version};`,
  `${rounds} alternating rounds of ${seconds} s, ${connections} connections (autocannon, 127.0.0.1).`,
  '',
  '| ingest | req/s | p50 ms | p99 ms |',
  '| --- | --- | --- | --- |',
  `| bare Koa JSON POST (baseline) | ${f(ing.bareRps, 0)} | ${f(ing.bare.reduce((s, x) => s + x.p50, 0) / rounds, 1)} | ${f(ing.bareP99, 1)} |`,
  `| SVT POST /api/v1/deployments (synchronous=FULL) | ${f(ing.svtRps, 0)} | ${f(ing.svt.reduce((s, x) => s + x.p50, 0) / rounds, 1)} | ${f(ing.svtP99, 1)} |`,
  `| bare route + one durable row (group commit, synchronous=FULL) | ${f(ing.durableRps, 0)} | ${f(ing.durable.reduce((s, x) => s + x.p50, 0) / rounds, 1)} | ${f(ing.durableP99, 1)} |`,
  `| SVT with a writer thread that answers without SQLite | ${f(ing.echoRps, 0)} | ${f(ing.echo.reduce((s, x) => s + x.p50, 0) / rounds, 1)} | ${f(ing.echoP99, 1)} |`,
  `| **ratio SVT / bare** | **${f(ing.rpsRatio)}** | | **${f(ing.p99Ratio)}** |`,
  `| ratio durable row / bare | ${f(ing.durableRatio)} | | |`,
  `| ratio SVT / durable row | ${f(ing.svtToDurable)} | | |`,
  `| ratio SVT with a writer thread and no SQLite / bare | ${f(ing.echoRatio)} | | |`,
  `| ratio SVT / SVT without SQLite (what SQLite's work leaves) | ${f(ing.svtToEcho)} | | |`,
  '',
  `Per round (req/s): bare ${ing.bare.map((x) => f(x.rps, 0)).join(' / ')}; no SQLite ${ing.echo.map((x) => f(x.rps, 0)).join(' / ')}; SVT ${ing.svt.map((x) => f(x.rps, 0)).join(' / ')}; ratios SVT / bare ${ing.svt.map((x, i) => f(x.rps / ing.bare[i].rps)).join(', ')}.`,
  '',
  `Reads over ${rd.seeded.total} deployments in 5 environments (env-0: 1,000 apps), seeded in ${f(rd.seeded.seconds, 1)} s:`,
  '',
  'Latency: 1,000 sequential GETs on one keep-alive connection, timed by curl (bench/read-latency.mjs);',
  'the uncached row alternates a POST to another environment and the GET. Throughput: autocannon, 10 connections.',
  '',
  '| read | p50 ms | p99 ms | req/s (10 connections) |',
  '| --- | --- | --- | --- |',
  ...Object.entries(rd.results).map(
    ([name, v]) =>
      `| ${name} | ${f(v.p50)} | ${f(v.p99)} | ${v.rps10 === null ? 'n/a' : f(v.rps10, 0)} |`,
  ),
];
const summary = lines.join('\n');
console.log(summary);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(join(root, 'bench', 'results', `${stamp}.md`), `${summary}\n`);
writeFileSync(
  join(root, 'bench', 'results', `${stamp}.json`),
  JSON.stringify({ ingest: ing, reads: rd }, null, 2),
);
rmSync(work, { recursive: true, force: true });

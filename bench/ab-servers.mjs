// `node bench/ab-servers.mjs '<A>' '<B>' ['<C>' ...]`: the ingest load of
// `npm run bench` against two or more server processes in alternating
// rounds (A, B, ..., A, B, ...), so that all see the same machine state,
// and each one's rate as a ratio of A's. Each side is JSON:
// {"script": "bench/bare-server.mjs", "env": {...}}; script (relative to
// the repository, or absolute: another checkout's bin) defaults to the SVT
// server, env adds settings to a fresh database and SVT_RATE_LIMIT far
// above the load. BENCH_ROUNDS (default 4) and
// BENCH_SECONDS (default 6) per round, after 2 s of warm-up.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { postRequests, ROOT, SERVER_BIN, start, stop } from './process.mjs';

const sides = process.argv.slice(2).map((arg) => JSON.parse(arg));
if (sides.length < 2) throw new Error("usage: node bench/ab-servers.mjs '<A json>' '<B json>' ...");
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const dir = '/tmp/svt-bench-ab';

function cannon(url, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 50, duration, requests: postRequests() }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

async function rate({ script, env = {} }) {
  rmSync(dir, { recursive: true, force: true });
  const server = await start(script === undefined ? SERVER_BIN : resolve(ROOT, script), {
    SVT_PORT: '0',
    SVT_DB: resolve(dir, 'svt.db'),
    SVT_RATE_LIMIT: '100000000',
    ...env,
  });
  try {
    const url = `http://127.0.0.1:${server.port}`;
    await cannon(url, 2);
    const result = await cannon(url, seconds);
    const bad = result.non2xx + result.errors + result.timeouts;
    if (bad > 0) throw new Error(`${script ?? 'svt'}: ${bad} failed requests`);
    return result.requests.average;
  } finally {
    await stop(server);
  }
}

const names = sides.map((_, i) => String.fromCharCode(65 + i));
const totals = sides.map(() => 0);
for (let round = 0; round < rounds; round++) {
  const rates = [];
  for (const side of sides) rates.push(await rate(side));
  rates.forEach((r, i) => (totals[i] += r));
  const each = rates.map((r, i) => `${names[i]} ${r.toFixed(0)}`).join(', ');
  const ratios = rates.slice(1).map((r, i) => `${names[i + 1]}/A ${(r / rates[0]).toFixed(2)}`);
  console.log(`round ${round + 1}: ${each} req/s; ${ratios.join(', ')}`);
}
const overall = totals.slice(1).map((t, i) => `${names[i + 1]}/A ${(t / totals[0]).toFixed(2)}`);
console.log(`over ${rounds} rounds: ${overall.join(', ')}`);

// `node bench/ab-servers.mjs '<A>' '<B>'`: the ingest load of `npm run bench`
// against two server processes in alternating rounds (A, B, A, B, ...), so
// that both see the same machine state, and B's rate as a ratio of A's.
// Each side is JSON: {"script": "bench/bare-server.mjs", "env": {...}};
// script defaults to the SVT server, env adds settings to a fresh database
// and SVT_RATE_LIMIT far above the load. BENCH_ROUNDS (default 4) and
// BENCH_SECONDS (default 6) per round, after 2 s of warm-up.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { postRequests, ROOT, SERVER_BIN, start, stop } from './process.mjs';

const sides = process.argv.slice(2, 4).map((arg) => JSON.parse(arg));
if (sides.length !== 2) throw new Error("usage: node bench/ab-servers.mjs '<A json>' '<B json>'");
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
  const server = await start(script === undefined ? SERVER_BIN : join(ROOT, script), {
    SVT_PORT: '0',
    SVT_DB: join(dir, 'svt.db'),
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

const totals = [0, 0];
for (let round = 0; round < rounds; round++) {
  const [a, b] = [await rate(sides[0]), await rate(sides[1])];
  totals[0] += a;
  totals[1] += b;
  console.log(
    `round ${round + 1}: A ${a.toFixed(0)} req/s, B ${b.toFixed(0)}, B/A ${(b / a).toFixed(2)}`,
  );
}
console.log(`B/A over ${rounds} rounds: ${(totals[1] / totals[0]).toFixed(2)}`);

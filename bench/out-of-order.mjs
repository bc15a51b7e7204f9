// `npm run bench:out-of-order`: the writer's time for successes recorded
// out of order (dated before their env and app's current one) in one env
// and app of BENCH_OOO_TOTAL deployments (200,000, one a second, imported),
// and what a write to another env and app sent 2 ms after each waits: the
// one writer thread serves both. Prints a Markdown table.
// BENCH_OOO_ROOT runs another checkout's build instead, for a before and after.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, start, stop } from './process.mjs';
import { idFactory } from '../server/dist/store/ids.js';

const root = resolve(process.env.BENCH_OOO_ROOT ?? ROOT);
const total = Number(process.env.BENCH_OOO_TOTAL ?? 200_000);
const writes = Number(process.env.BENCH_OOO_WRITES ?? 20);
const bin = join(root, 'server', 'bin', 'svt-server.js');
const work = mkdtempSync(join(tmpdir(), 'svt-bench-ooo-'));
const END = Date.parse('2026-06-01T00:00:00Z');

try {
  // One env and app, a new version a second, as `svt-server export` writes them.
  const ulid = idFactory();
  const lines = [];
  for (let i = 0; i < total; i++) {
    const at = END - (total - i) * 1000;
    lines.push(
      JSON.stringify({
        id: ulid(at),
        env: 'e1',
        app: 'a1',
        version: `1.0.${i}`,
        status: 'success',
        deployedAt: new Date(at).toISOString(),
        recordedAt: new Date(END).toISOString(),
      }),
    );
  }
  writeFileSync(join(work, 'history.jsonl'), `${lines.join('\n')}\n`);
  const db = join(work, 'svt.db');
  execFileSync(process.execPath, [bin, 'import', '--create-db', join(work, 'history.jsonl')], {
    env: { PATH: process.env.PATH, SVT_DB: db },
    stdio: 'ignore',
  });
  const server = await start(bin, { SVT_PORT: '0', SVT_DB: db }, work);
  const url = `http://127.0.0.1:${server.port}/api/v1/deployments`;
  const post = async (body) => {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`POST answered ${res.status}`);
    return performance.now() - t0;
  };
  try {
    // Warm: the first write after a start prepares statements.
    await post({ env: 'e1', app: 'a1', version: '9.0.0' });
    await post({ env: 'e2', app: 'a2', version: '9.0.0' });
    const backDated = [];
    const beside = [];
    for (let i = 0; i < writes; i++) {
      // Half-way through the history, between two deployments, a new version.
      const at = END - Math.floor(total / 2 + i * 7) * 1000 + 500;
      const [a, b] = await Promise.all([
        post({ env: 'e1', app: 'a1', version: `2.0.${i}`, deployedAt: new Date(at).toISOString() }),
        new Promise((r) => setTimeout(r, 2)).then(() =>
          post({ env: 'e2', app: 'a2', version: `3.0.${i}` }),
        ),
      ]);
      backDated.push(a);
      beside.push(b);
    }
    const q = (xs, p) => xs.sort((x, y) => x - y)[Math.floor((xs.length - 1) * p)].toFixed(1);
    console.log(`${total.toLocaleString('en')} deployments of one env and app; build of ${root}\n`);
    console.log(`| ${writes} writes | p50 ms | max ms |`);
    console.log('| --- | ---: | ---: |');
    console.log(`| a success dated half-way back | ${q(backDated, 0.5)} | ${q(backDated, 1)} |`);
    console.log(
      `| a write to another env and app, sent 2 ms after it | ${q(beside, 0.5)} | ${q(beside, 1)} |`,
    );
  } finally {
    await stop(server);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

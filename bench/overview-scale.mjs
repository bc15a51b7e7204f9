// The overview at the scale of issue 22, for `npm run bench:pages`: 1,000
// applications in 5 and in 20 environments (bench/seed.mjs seedMatrix, two
// successes per cell), each served by a fresh server: bytes on the wire
// (Accept-Encoding: br, gzip, and without), server time (curl, 100
// sequential GETs asking for br or gzip), Chromium's load and a filter
// keystroke's repaint. With BENCH_PAGES_BEFORE (another checkout, built),
// its server is measured on the same data in the same run, as "before".
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { browserLoad, keystrokes, launch } from './browser-load.mjs';
import { SERVER_BIN, start, stop } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { seedMatrix } from './seed.mjs';

/** The answer's size as sent (bytes) and its Content-Encoding. */
function wireSize(url, acceptEncoding) {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => done({ bytes, encoding: res.headers['content-encoding'] ?? 'none' }));
    });
    req.on('error', fail);
    req.end();
  });
}

const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

async function measure(browser, server, label, path) {
  const url = `http://127.0.0.1:${server.port}${path}`;
  const br = await wireSize(url, 'br, gzip');
  const gzip = await wireSize(url, 'gzip');
  const plain = await wireSize(url, 'identity');
  const ms = await readLatencies(url, 100, undefined, ['Accept-Encoding: br, gzip']);
  const load = await browserLoad(browser, url);
  const keys = path === '/' ? await keystrokes(browser, url, 'service-01') : null;
  return { label, path, br, gzip, plain, p50: q(ms, 0.5), p99: q(ms, 0.99), load, keys };
}

/** Runs the measures; returns Markdown lines. */
export async function overviewAtScale() {
  const before = process.env.BENCH_PAGES_BEFORE;
  const builds = [
    ...(before ? [['before', join(resolve(before), 'server', 'bin', 'svt-server.js')]] : []),
    ['this', SERVER_BIN],
  ];
  const rows = [];
  const browser = await launch();
  try {
    for (const envs of [5, 20]) {
      const work = mkdtempSync(join(tmpdir(), 'svt-bench-overview-'));
      const db = join(work, 'svt.db');
      const seconds = seedMatrix(db, 1000, envs);
      console.error(`1,000 x ${envs}: seeded in ${seconds.toFixed(1)} s`);
      const paths = envs === 20 ? ['/', '/?stage=prod', '/?q=service-01'] : ['/'];
      for (const [build, bin] of builds) {
        const server = await start(bin, { SVT_PORT: '0', SVT_DB: db });
        try {
          for (const path of paths) {
            rows.push(await measure(browser, server, `${build}, 1,000 x ${envs}`, path));
            console.error(`measured ${build} ${envs} ${path}`);
          }
        } finally {
          await stop(server);
        }
      }
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
  }
  return [
    '| build, apps x environments | page | wire (br) | wire (gzip) | uncompressed | server p50 / p99 ms | Chromium load median / max ms | every row shown, median ms | main-thread CPU to load ms | keystroke median / max ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.label} | \`${r.path}\` | ${kb(r.br.bytes)} (${r.br.encoding}) | ${kb(r.gzip.bytes)} | ${kb(r.plain.bytes)} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} | ${r.load.median.toFixed(0)} / ${r.load.max.toFixed(0)} | ${r.load.all.toFixed(0)} | ${r.load.cpu.toFixed(0)} | ${r.keys === null ? '–' : `${r.keys.median.toFixed(0)} / ${r.keys.max.toFixed(0)} (${r.keys.count} keys; slowest: "${r.keys.slowest}")`} |`,
    ),
  ];
}

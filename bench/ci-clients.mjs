// `npm run bench:clients` (also run by `npm run bench`): the cost of recording
// a deployment from CI, as wall time of whole processes against a local
// server, side by side in one run, alternating:
//   - curl: the same POST, the baseline (what the README's plain recipe costs)
//   - the bundled GitHub Action, run as the runner runs it
//   - the bundled svt CLI
//   - `node -e 0`, to show how much of that is Node's own start-up
// and the size of each bundle. Settings: BENCH_CLIENT_RUNS (default 30).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SERVER_BIN, start } from './process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_CLIENT_RUNS ?? 30);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-clients-'));

/** Wall time of one process, ms; throws unless it exits 0. */
function timed(command, args, env) {
  const started = performance.now();
  const proc = spawn(command, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c) => (output += c));
  proc.stderr.on('data', (c) => (output += c));
  return new Promise((resolve, reject) =>
    proc.on('close', (code) =>
      code === 0 && !output.includes('::warning')
        ? resolve(performance.now() - started)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`)),
    ),
  );
}

const server = await start(SERVER_BIN, { SVT_PORT: '0', SVT_DB: join(work, 'svt.db') });
const url = `http://127.0.0.1:${server.port}`;
const times = { curl: [], node: [], action: [], cli: [] };
const outputFile = join(work, 'output');
const summaryFile = join(work, 'summary');
try {
  for (let i = 0; i < runs + 3; i++) {
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const version = `1.0.${i}`;
    const body = JSON.stringify({ env: 'bench', app: 'shop', version, source: 'github' });
    const samples = {
      curl: () =>
        timed(
          'curl',
          [
            '-fsS',
            '-o',
            '/dev/null',
            '-H',
            `Idempotency-Key: curl-${i}`,
            '--json',
            body,
            `${url}/api/v1/deployments`,
          ],
          {},
        ),
      // Node's own start-up, which the action and the CLI pay before any of their code runs.
      node: () => timed(process.execPath, ['-e', '0'], {}),
      action: () =>
        timed(process.execPath, [join(root, 'action', 'dist', 'index.js')], {
          'INPUT_SERVER-URL': url,
          INPUT_ENVIRONMENT: 'bench',
          INPUT_VERSION: version,
          INPUT_STATUS: 'success',
          INPUT_TIMEOUT: '120',
          'INPUT_FAIL-ON-ERROR': 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_REPOSITORY: 'acme/shop',
          GITHUB_RUN_ID: String(1000 + i),
          GITHUB_RUN_ATTEMPT: '1',
          GITHUB_SHA: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
        }),
      cli: () =>
        timed(
          process.execPath,
          [
            join(root, 'client', 'dist', 'svt.mjs'),
            'record',
            '--env',
            'bench',
            '--app',
            'shop',
            '--version',
            version,
            '--idempotency-key',
            `cli-${i}`,
          ],
          {
            SVT_URL: url,
          },
        ),
    };
    // Rotate the order so that no client always runs first.
    const order = Object.keys(samples);
    for (let k = 0; k < order.length; k++) {
      const name = order[(k + i) % order.length];
      const ms = await samples[name]();
      if (i >= 3) times[name].push(ms); // the first three are warm-up
    }
  }
} finally {
  server.proc.kill('SIGTERM');
}

const q = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const size = (path) => {
  const bytes = statSync(path).size;
  return `${(bytes / 1024).toFixed(0)} KB (${(gzipSync(readFileSync(path)).length / 1024).toFixed(0)} KB gzipped)`;
};
const median = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, q(v, 0.5)]));
const lines = [
  `Run ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${runs} runs of each, alternating, after 3 warm-up rounds.`,
  '',
  '| recording one deployment (a whole process, local server) | median ms | p90 ms | ratio to curl (median) |',
  '| --- | --- | --- | --- |',
  `| curl (baseline) | ${median.curl.toFixed(1)} | ${q(times.curl, 0.9).toFixed(1)} | 1.00 |`,
  `| node -e 0 (Node's start-up alone) | ${median.node.toFixed(1)} | ${q(times.node, 0.9).toFixed(1)} | ${(median.node / median.curl).toFixed(2)} |`,
  `| GitHub Action (node action/dist/index.js) | ${median.action.toFixed(1)} | ${q(times.action, 0.9).toFixed(1)} | ${(median.action / median.curl).toFixed(2)} |`,
  `| svt CLI (node client/dist/svt.mjs record) | ${median.cli.toFixed(1)} | ${q(times.cli, 0.9).toFixed(1)} | ${(median.cli / median.curl).toFixed(2)} |`,
  '',
  `Bundles: action/dist/index.js ${size(join(root, 'action', 'dist', 'index.js'))}; client/dist/svt.mjs ${size(join(root, 'client', 'dist', 'svt.mjs'))}.`,
];
const summary = lines.join('\n');
console.log(summary);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', `clients-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
  `${summary}\n`,
);
rmSync(work, { recursive: true, force: true });

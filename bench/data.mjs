// `npm run bench:data`: bytes on disk per deployment (260,000 seed-shaped
// and 260,000 CI-shaped, BENCH_SIZE_ROWS: all database files after a
// checkpoint, divided by the count); then export and import at 2.6 million
// deployments (BENCH_DATA_ROWS), their rates and each process's peak memory
// (VmHWM), through the real commands: `svt-server export > file`,
// `svt-server import file`.
import { spawn } from 'node:child_process';
import {
  existsSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { seedHistory, seedLikeTheSeed } from './seed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const total = Number(process.env.BENCH_DATA_ROWS ?? 2_600_000);
const work = mkdtempSync(join(tmpdir(), 'svt-bench-data-'));
const bin = join(root, 'server', 'bin', 'svt-server.js');

/** Runs the bin, stdout to a file (or ignored); samples its peak RSS from /proc. */
async function timed(args, env, stdoutFile) {
  const started = performance.now();
  const proc = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'inherit'],
  });
  if (stdoutFile) proc.stdout.pipe(createWriteStream(stdoutFile));
  let peak = 0;
  const sample = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // exited
    }
  }, 100);
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  clearInterval(sample);
  if (code !== 0) throw new Error(`svt-server ${args.join(' ')} exited with ${code}`);
  return { seconds: (performance.now() - started) / 1000, peak };
}

/** Bytes per deployment of a fresh file seeded by `seeder`: db + wal + shm after a checkpoint. */
function bytesPerDeployment(seeder, rows) {
  const path = join(work, `size-${seeder.name}.db`);
  seeder(path, rows);
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const files = [path, `${path}-wal`, `${path}-shm`].filter((f) => existsSync(f));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  rmSync(path, { force: true });
  return bytes / rows;
}
const sizeRows = Number(process.env.BENCH_SIZE_ROWS ?? 260_000);
const seedShaped = bytesPerDeployment(seedLikeTheSeed, sizeRows);
const ciShaped = bytesPerDeployment(seedHistory, sizeRows);

const source = join(work, 'source.db');
const seeded = seedHistory(source, total);
const file = join(work, 'svt.jsonl');
const exp = await timed(['export'], { SVT_DB: source }, file);
const imp = await timed(['import', '--create-db', file], { SVT_DB: join(work, 'target.db') });
const MB = (b) => (b / 2 ** 20).toFixed(0);
const lines = [
  `Run ${new Date().toISOString()} on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${total.toLocaleString('en-US')} deployments seeded in ${seeded.toFixed(0)} s; export file ${MB(statSync(file).size)} MB.`,
  '',
  `Bytes on disk per deployment, ${sizeRows.toLocaleString('en-US')} of them: seed-shaped ${seedShaped.toFixed(1)}, CI-shaped ${ciShaped.toFixed(1)}.`,
  '',
  '| command | seconds | deployments/s | peak RSS MB |',
  '| --- | --- | --- | --- |',
  `| svt-server export > svt.jsonl | ${exp.seconds.toFixed(1)} | ${(total / exp.seconds).toFixed(0)} | ${MB(exp.peak)} |`,
  `| svt-server import svt.jsonl (fresh SQLite) | ${imp.seconds.toFixed(1)} | ${(total / imp.seconds).toFixed(0)} | ${MB(imp.peak)} |`,
];
const summary = lines.join('\n');
console.log(summary);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', `data-${new Date().toISOString().replace(/[:.]/g, '-')}.md`),
  `${summary}\n`,
);
rmSync(work, { recursive: true, force: true });

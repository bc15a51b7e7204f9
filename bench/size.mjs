// `npm run bench:size [-- <checkout>/bench/seed.mjs]`: bytes on disk per
// deployment, 260,000 seed-shaped and 260,000 CI-shaped, seeded through
// the writer of the checkout whose seed script is given (default: this
// one), every database file after a TRUNCATE checkpoint divided by the
// count, and each table's and index's share (SQLite's dbstat).
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
const seedScript = process.argv[2] ?? new URL('./seed.mjs', import.meta.url).href;
const { seedHistory, seedLikeTheSeed } = await import(seedScript);
const rows = 260000;
for (const seeder of [seedLikeTheSeed, seedHistory]) {
  const path = join(tmpdir(), `svt-size-${seeder.name}.db`);
  for (const f of [path, path + '-wal', path + '-shm']) rmSync(f, { force: true });
  seeder(path, rows);
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const per = db
    .prepare('SELECT name, SUM(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC')
    .all();
  db.close();
  const bytes = [path, path + '-wal', path + '-shm']
    .filter(existsSync)
    .reduce((s, f) => s + statSync(f).size, 0);
  for (const f of [path, path + '-wal', path + '-shm']) rmSync(f, { force: true });
  console.log(
    seeder.name,
    (bytes / rows).toFixed(1),
    per
      .slice(0, 8)
      .map((r) => `${r.name} ${(r.b / rows).toFixed(1)}`)
      .join(', '),
  );
}

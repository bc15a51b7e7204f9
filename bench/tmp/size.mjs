import { statSync, existsSync, rmSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
const seedMod = await import(process.argv[2] ?? '/work/wt-schema/bench/seed.mjs');
const n = Number(process.argv[4] ?? 260000);
const fn = process.argv[3] ?? 'seedLikeTheSeed';
const dir = mkdtempSync(join(tmpdir(), 'svt-size-'));
const p = join(dir, 'svt.db');
const s = seedMod[fn](p, n);
const db = new Database(p);
db.pragma('wal_checkpoint(TRUNCATE)');
const bytes = [p, p + '-wal', p + '-shm'].filter(existsSync).reduce((a, f) => a + statSync(f).size, 0);
let rows = [];
try { rows = db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY 2 DESC").all(); } catch (e) { rows = [String(e)]; }
db.close();
console.log(fn, n, 'seeded s', s.toFixed(1), 'bytes/deployment', (bytes / n).toFixed(1));
for (const r of rows) console.log(' ', r.name, (r.bytes / n).toFixed(1));
rmSync(dir, { recursive: true });

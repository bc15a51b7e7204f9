// node bench/tmp/reads.mjs <seed.mjs> <dist> <rows> : store-level read latencies (ms)
import { existsSync } from 'node:fs';
const [seedPath, dist, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const { seedHistory } = await import(seedPath);
const { openDatabase, migrate } = await import(`${dist}/store/sqlite-connection.js`);
const { LedgerReads } = await import(`${dist}/store/sqlite-reads.js`);
const path = `/tmp/x/reads-${dist.replace(/\W/g, '_')}-${rows}.db`;
if (!existsSync(path)) console.log('seeded in s', seedHistory(path, rows).toFixed(0));
const db = openDatabase(path);
migrate(db);
const r = new LedgerReads(db);
const t0 = Date.parse('2016-11-28T00:00:00Z');
const span = 10 * 365 * 24 * 3600e3;
function time(name, n, f) {
  const ms = [];
  for (let i = 0; i < n; i++) { const s = performance.now(); f(i); ms.push(performance.now() - s); }
  ms.sort((a, b) => a - b);
  console.log(name.padEnd(40), 'p50', ms[Math.floor(n / 2)].toFixed(2), 'p99', ms[Math.floor(n * 0.99)].toFixed(2));
}
time('current env-0 (1,000 apps, uncached)', 200, () => r.currentDocs('env-0'));
time('current env-0 at an instant', 200, (i) => r.currentDocs('env-0', t0 + ((i * 7919) % 1000) / 1000 * span));
time('history env-0 page mid-year (cursor)', 200, (i) => {
  const p = r.history({ env: 'env-0', limit: 50, until: t0 + span * ((i % 100) / 100 + 0.001) });
  r.history({ env: 'env-0', limit: 50, after: p.next });
});
time('history all envs page (cursor)', 200, (i) => {
  const p = r.history({ limit: 50, until: t0 + span * ((i % 100) / 100 + 0.001) });
  r.history({ limit: 50, after: p.next });
});
time('history app-0007 page', 200, () => r.history({ app: 'app-0007', limit: 50 }));
time('history env-1 app-0007 page', 200, () => r.history({ env: 'env-1', app: 'app-0007', limit: 50 }));
db.close();

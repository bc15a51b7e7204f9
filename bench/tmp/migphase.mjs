import { copyFileSync } from 'node:fs';
const rows = Number(process.argv[2]);
const src = `/work/wt-schema/node_modules/.cache/svt-releases/e2a05a1a2cf48320d01fb930225862c0f678fc46/ledger-${rows}.db`;
const p = `/tmp/x/migp-${rows}.db`;
copyFileSync(src, p);
const { openDatabase } = await import('/work/wt-schema/server/dist/store/sqlite-connection.js');
const { MIGRATIONS } = await import('/work/wt-schema/server/dist/store/sqlite-schema.js');
const db = openDatabase(p);
db.transaction(() => {
  MIGRATIONS.slice(3).forEach((m, i) => {
    const s = performance.now();
    if (typeof m === 'string') db.exec(m); else m(db);
    console.log('migration', i + 4, (performance.now() - s).toFixed(0), 'ms');
  });
}).immediate();
let s = performance.now();
db.exec('VACUUM');
console.log('vacuum', (performance.now() - s).toFixed(0));

// Times migrate() of a copy of the cached 1.0.0 database (rows in argv[2]).
import { copyFileSync } from 'node:fs';
const rows = Number(process.argv[2]);
const src = `/work/wt-schema/node_modules/.cache/svt-releases/e2a05a1a2cf48320d01fb930225862c0f678fc46/ledger-${rows}.db`;
const p = `/tmp/x/mig-${rows}.db`;
copyFileSync(src, p);
const { openDatabase, migrate } = await import('/work/wt-schema/server/dist/store/sqlite-connection.js');
const db = openDatabase(p);
const s = performance.now();
const summary = migrate(db);
console.log(summary, 'total ms', (performance.now() - s).toFixed(0), 'per million s', ((performance.now() - s) / rows * 1e6 / 1000).toFixed(1));

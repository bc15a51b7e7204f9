// `node bench/writer-pair.mjs '<A>' '<B>'`: the SQLite writer alone, two
// variants paired in one process: each writes batches of BATCH (default 25)
// deployments over 100 apps into its own file, alternating batch by batch
// (A, B, B, A, ...), and the CPU each spends is summed. Pairing cancels the
// drift of this machine's speed, which moves single runs by +-15%; an A/A
// pairing reads 0.99-1.01. Each side is JSON, all keys optional:
//   dist   a server build directory (another checkout's server/dist)
//   drop   indexes to drop, comma-separated (what each index costs)
//   cache  PRAGMA cache_size
//   pragma more pragmas for the writer's connection, e.g.
//          ["wal_autocheckpoint = 4000", "mmap_size = 268435456"]
//   pageSize  the page size the file is created with (bytes)
//   stub   writer statements replaced by no-ops, comma-separated (cost only;
//          the data is then wrong)
// BATCHES (default 3000; the first tenth warms up). Needs `npm run build`.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './process.mjs';
import { EMPTY } from './seed.mjs';

const specs = process.argv.slice(2, 4).map((arg) => JSON.parse(arg));
if (specs.length !== 2) throw new Error("usage: node bench/writer-pair.mjs '<A json>' '<B json>'");
const size = Number(process.env.BATCH ?? 25);
const batches = Number(process.env.BATCHES ?? 3000);

const sides = [];
for (const [k, spec] of specs.entries()) {
  const dist = spec.dist ?? join(ROOT, 'server', 'dist');
  // The query string gives each side its own module instance.
  const { openDatabase, migrate } = await import(`${dist}/store/sqlite-connection.js?side=${k}`);
  const { LedgerWriter } = await import(`${dist}/store/sqlite-writer.js?side=${k}`);
  const dir = `/tmp/svt-bench-pair/${k}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (spec.pageSize !== undefined) {
    // Only a new file takes a page size: made here, before WAL and the schema.
    const { default: Database } = await import('better-sqlite3');
    const blank = new Database(join(dir, 'svt.db'));
    blank.pragma(`page_size = ${Number(spec.pageSize)}`);
    blank.exec('VACUUM');
    blank.close();
  }
  const db = openDatabase(join(dir, 'svt.db'));
  migrate(db);
  if (spec.cache !== undefined) db.pragma(`cache_size = ${Number(spec.cache)}`);
  for (const pragma of spec.pragma ?? []) db.pragma(pragma);
  for (const index of (spec.drop ?? '').split(',').filter(Boolean)) db.exec(`DROP INDEX ${index}`);
  const writer = new LedgerWriter(db);
  for (const name of (spec.stub ?? '').split(',').filter(Boolean)) {
    writer.s[name] = { get: () => undefined, run: () => ({ lastInsertRowid: 1 }) };
  }
  sides.push({ spec, writer, cpu: 0, i: 0 });
}

function batch(side) {
  return Array.from({ length: size }, (_, n) => {
    side.i += 1;
    return {
      n,
      claim: undefined,
      hooks: [],
      input: {
        env: 'bench',
        app: `app-${side.i % 100}`,
        version: `1.0.${side.i}`,
        status: 'success',
        deployedAt: Date.now(),
        ...EMPTY,
        commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        attributes: { region: 'eu-west-1' },
      },
    };
  });
}

const cpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
const warmUp = Math.floor(batches / 10);
for (let k = 0; k < batches; k++) {
  for (const side of k % 2 === 0 ? sides : [...sides].reverse()) {
    const items = batch(side);
    const before = cpu();
    side.writer.write(items);
    if (k >= warmUp) side.cpu += cpu() - before;
  }
}
const rows = (batches - warmUp) * size;
for (const [k, side] of sides.entries()) {
  console.log(
    `${'AB'[k]} ${JSON.stringify(side.spec)}: ${(side.cpu / rows).toFixed(1)} us of CPU per row`,
  );
}
console.log(`B/A ${(sides[1].cpu / sides[0].cpu).toFixed(3)}`);

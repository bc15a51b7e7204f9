// Opens (and so migrates) the SQLite store at argv[2] with the built server,
// then closes it: the process the migration kill test kills.
import { join } from 'node:path';

const { SqliteStore } = await import(
  join(import.meta.dirname, '..', '..', 'server', 'dist', 'store', 'sqlite.js')
);
const store = new SqliteStore(process.argv[2]);
process.stdout.write('opening\n');
await store.open();
await store.close();
process.stdout.write('done\n');

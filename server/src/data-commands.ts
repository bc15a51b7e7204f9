/**
 * `svt-server export` and `svt-server import <file>`: every deployment as
 * one JSON object a line, streamed both ways (constant memory), import
 * idempotent by id. This is how a team moves from the embedded SQLite to
 * MongoDB: export with SVT_DB, import with SVT_MONGODB_URL.
 * `svt-server backup <file>`: a copy of the SQLite file, taken while the
 * server runs.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { backupSqlite } from './store/sqlite-backup.js';
import type { Store } from './store/types.js';
import type { ImportItem } from './store/types.js';
import { CommandError, type Output } from './token-commands.js';
import { parseExported } from './validation/exported.js';
import { counted } from './words.js';

/** Writes every deployment to `out`, waiting whenever its buffer is full. */
export async function exportAll(store: Store, out: Writable, io: Output): Promise<void> {
  let n = 0;
  for await (const json of store.exportJson()) {
    if (!out.write(`${json}\n`)) await once(out, 'drain');
    n += 1;
  }
  io.err(`exported ${counted(n, 'deployment')}`);
}

const BATCH = 1000;

/** Imports a file written by `export`; stops at the first bad line, naming it (rerun after fixing: nothing is imported twice). */
export async function importFile(store: Store, path: string, io: Output): Promise<void> {
  let input;
  try {
    input = createReadStream(path);
    await once(input, 'open');
  } catch (err) {
    throw new CommandError(`cannot read ${path}: ${(err as Error).message}`, 1);
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let batch: ImportItem[] = [];
  let lineNo = 0;
  let read = 0;
  let added = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    try {
      batch.push(parseExported(line));
    } catch (err) {
      await flush();
      throw new CommandError(
        `${path}:${lineNo}: ${(err as Error).message}; the ${added} new deployments before it are imported`,
        1,
      );
    }
    read += 1;
    if (batch.length === BATCH) await flush();
  }
  await flush();
  io.err(`read ${counted(read, 'deployment')}: ${added} imported, ${read - added} already present`);

  async function flush(): Promise<void> {
    if (batch.length === 0) return;
    added += await store.importMany(batch);
    batch = [];
  }
}

/**
 * Copies the SQLite file `source` to `target` (store/sqlite-backup.ts) and
 * prints what it wrote. Refuses (exit 1) a target that exists, or whose
 * `-wal` or `-shm` file does (SQLite would apply a stale one to the new
 * copy), unless `overwrite`; and always the database's own files and a
 * folder that does not exist.
 */
export async function backupFile(
  source: string,
  target: string,
  overwrite: boolean,
  io: Output,
): Promise<void> {
  const path = resolve(target);
  const dir = dirname(path);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new CommandError(`cannot write ${path}: the folder ${dir} does not exist`, 1);
  }
  // SQLite keeps its -wal and -shm beside the file a symlink names: the
  // database's own files are named from its real path as well as as given.
  const real = realpathSync(source);
  const own = [source, real].flatMap((db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]);
  if (own.some((file) => file === path || sameFile(file, path))) {
    throw new CommandError(`${path} is the database's own file: back it up to another one`, 1);
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
    throw new CommandError(`cannot write ${path}: it is a folder`, 1);
  }
  const present = [path, `${path}-wal`, `${path}-shm`].find(
    (file) => statSync(file, { throwIfNoEntry: false }) !== undefined,
  );
  if (present !== undefined && !overwrite) {
    throw new CommandError(
      `${present} exists: pass --overwrite to replace it, or choose another file`,
      1,
    );
  }
  const summary = await backupSqlite(source, path);
  io.out(
    `wrote ${summary.path}: ${summary.bytes} bytes (${mebibytes(summary.bytes)}), ` +
      `${counted(summary.deployments, 'deployment')}`,
  );
}

/** Whether `a` and `b` both exist and are one file (a link, another spelling of the path). */
function sameFile(a: string, b: string): boolean {
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * `svt-server export` and `svt-server import <file>`: every deployment as
 * one JSON object a line, streamed both ways (constant memory), import
 * idempotent by id. This is how a team moves from the embedded SQLite to
 * MongoDB: export with SVT_DB, import with SVT_MONGODB_URL.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Store } from './store/types.js';
import type { ImportItem } from './store/types.js';
import { CommandError, type Output } from './token-commands.js';
import { parseExported } from './validation/exported.js';

/** Writes every deployment to `out`, waiting whenever its buffer is full. */
export async function exportAll(store: Store, out: Writable, io: Output): Promise<void> {
  let n = 0;
  for await (const json of store.exportJson()) {
    if (!out.write(`${json}\n`)) await once(out, 'drain');
    n += 1;
  }
  io.err(`exported ${n} deployments`);
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
  io.err(`read ${read} deployments: ${added} imported, ${read - added} already present`);

  async function flush(): Promise<void> {
    if (batch.length === 0) return;
    added += await store.importMany(batch);
    batch = [];
  }
}

/**
 * Worker-thread entry of the SQLite writer. Requests arrive as arrays; all
 * that arrive before the thread's next turn are written in one transaction,
 * then answered in one message. The parent acknowledges a deployment only
 * after that answer, so an acknowledged write has been committed (and, with
 * synchronous=FULL, synced).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './sqlite-connection.js';
import { LedgerWriter, type WriteRequest } from './sqlite-writer.js';

export type WriterMessage =
  { write: WriteRequest[] } | { prune: { n: number; before: number } } | { close: true };

/** Rows one retention slice deletes: a few milliseconds, so writes wait at most that long. */
const PRUNE_SLICE = 1000;

const { path } = workerData as { path: string };
const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread must run in a worker thread');

const db = openDatabase(path);
const writer = new LedgerWriter(db);
let queue: WriteRequest[] = [];
let scheduled = false;
let closed = false;

function flush(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  try {
    port?.postMessage({ outcomes: writer.write(batch) });
  } catch (err) {
    port?.postMessage({ failed: batch.map((r) => r.n), message: (err as Error).message });
  }
}

/**
 * Retention in slices, one per turn of this thread's event loop: the writes
 * that arrive meanwhile are flushed between two slices.
 */
function prune(n: number, before: number, total = 0): void {
  if (closed) return; // the parent rejects what is unanswered when the thread exits
  let deleted: number;
  try {
    deleted = writer.pruneSlice(before, PRUNE_SLICE);
  } catch (err) {
    port?.postMessage({ pruneFailed: n, message: (err as Error).message });
    return;
  }
  if (deleted < PRUNE_SLICE) port?.postMessage({ pruned: n, deleted: total + deleted });
  else setImmediate(() => prune(n, before, total + deleted));
}

port.on('message', (message: WriterMessage) => {
  if ('prune' in message) {
    setImmediate(() => prune(message.prune.n, message.prune.before));
    return;
  }
  if ('close' in message) {
    if (queue.length > 0) flush();
    closed = true;
    db.close();
    port.close();
    return;
  }
  queue.push(...message.write);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});

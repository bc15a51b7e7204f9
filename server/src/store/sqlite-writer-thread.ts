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

export type WriterMessage = { write: WriteRequest[] } | { close: true };

const { path } = workerData as { path: string };
const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread must run in a worker thread');

const db = openDatabase(path);
const writer = new LedgerWriter(db);
let queue: WriteRequest[] = [];
let scheduled = false;

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

port.on('message', (message: WriterMessage) => {
  if ('close' in message) {
    if (queue.length > 0) flush();
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

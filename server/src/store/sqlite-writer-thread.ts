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
import type { DeliveryOutcome, DeliveryRecord, OutboxItem } from './outbox-types.js';

/** A change to the webhook outbox (sqlite-outbox.ts), each in its own transaction. */
export type OutboxOp =
  | { op: 'claim'; hook: string; owner: string; now: number; leaseMs: number; limit: number }
  | { op: 'finish'; id: string; owner: string; outcome: DeliveryOutcome; now: number }
  | { op: 'release'; owner: string | null }
  | { op: 'expire'; before: number; now: number; limit: number; reason: string }
  | { op: 'trim'; keep: number }
  | { op: 'redeliver'; id: string; now: number };

/** What each outbox change answers. */
export interface OutboxResults {
  claim: OutboxItem[];
  finish: boolean;
  release: number;
  expire: string[];
  trim: number;
  redeliver: DeliveryRecord | null;
}

export type WriterMessage =
  | { write: WriteRequest[] }
  | { prune: { n: number; before: number } }
  | { outbox: { n: number; change: OutboxOp } }
  | { close: true };

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

/** One outbox change, at once: each is a few rows, so it holds no write back for long. */
function outbox(n: number, change: OutboxOp): void {
  const table = writer.outbox;
  try {
    let value: OutboxResults[OutboxOp['op']];
    switch (change.op) {
      case 'claim':
        value = table.claim(change.hook, change.owner, change.now, change.leaseMs, change.limit);
        break;
      case 'finish':
        value = table.finish(change.id, change.owner, change.outcome, change.now);
        break;
      case 'release':
        value = table.release(change.owner);
        break;
      case 'expire':
        value = table.expire(change.before, change.now, change.limit, change.reason);
        break;
      case 'trim':
        value = table.trimFailed(change.keep);
        break;
      case 'redeliver':
        value = table.redeliver(change.id, change.now);
        break;
    }
    port?.postMessage({ outboxDone: n, value });
  } catch (err) {
    port?.postMessage({ outboxFailed: n, message: (err as Error).message });
  }
}

port.on('message', (message: WriterMessage) => {
  if ('outbox' in message) {
    if (!closed) outbox(message.outbox.n, message.outbox.change);
    return;
  }
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

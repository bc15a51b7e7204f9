/**
 * Worker-thread entry of a SQLite reader: its own connection to the
 * database (WAL lets it read while the writer thread writes), one job at a
 * time, each answered in one message. A job's read transaction starts when
 * the job does, so it sees every write acknowledged before it was asked for.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './sqlite-connection.js';
import { LedgerReads } from './sqlite-reads.js';
import { failureOf, runRead, type ReadJob } from './sqlite-read-jobs.js';

export type ReaderMessage = { id: number; job: ReadJob };

const { path } = workerData as { path: string };
const port = parentPort;
if (port === null) throw new Error('sqlite-reader-thread must run in a worker thread');

const reads = new LedgerReads(openDatabase(path));

port.on('message', ({ id, job }: ReaderMessage) => {
  runRead(reads, job).then(
    // Bytes are handed over, not copied: each such buffer is the job's own (read-jobs.ts).
    (value) =>
      port.postMessage(
        { id, value },
        value instanceof Uint8Array && value.buffer instanceof ArrayBuffer ? [value.buffer] : [],
      ),
    (err: unknown) => port.postMessage({ id, failure: failureOf(err) }),
  );
});

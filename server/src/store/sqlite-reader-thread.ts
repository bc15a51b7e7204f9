/**
 * Worker-thread entry of a SQLite reader: its own connection to the
 * database (WAL lets it read while the writer thread writes), one job at a
 * time, each answered in one message. A job's read transaction starts when
 * the job does, so it sees every write acknowledged before it was asked for,
 * and lasts as long as the job, so it sees nothing committed after.
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
  // One read transaction per job: an answer built from several statements
  // (a state and its attempts, a DORA report's pages) sees one snapshot,
  // never a write that committed between two of them. A job runs alone on
  // this thread, so nothing else shares the transaction.
  if (!reads.db.inTransaction) reads.db.exec('BEGIN');
  runRead(reads, job)
    .then(
      (value) => port.postMessage({ id, value }),
      (err: unknown) => port.postMessage({ id, failure: failureOf(err) }),
    )
    .finally(() => {
      if (reads.db.inTransaction) reads.db.exec('COMMIT');
    });
});

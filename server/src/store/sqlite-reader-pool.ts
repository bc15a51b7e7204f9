/**
 * The HTTP thread's side of the SQLite reader threads: reads whose cost
 * grows with history (history pages, past instants, CSV pages, DORA
 * reports) run there, each thread on its own connection, so that the HTTP
 * thread only sends a job and passes on what comes back: texts to answer
 * as they are where it can (sqlite-read-jobs.ts). Threads start on
 * demand, up to `size`; jobs wait their turn in arrival order.
 *
 * Heavy jobs (isHeavy) may take at most `size - 1` threads at once: a
 * light read never waits behind a year of DORA.
 */
import { Worker } from 'node:worker_threads';
import type { ReaderMessage } from './sqlite-reader-thread.js';
import { StoreClosed } from './shared.js';
import {
  errorOf,
  isHeavy,
  type ReadFailure,
  type JobOf,
  type ReadJob,
  type ReadResults,
} from './sqlite-read-jobs.js';

type FromReader = { id: number; value: unknown } | { id: number; failure: ReadFailure };

interface Pending {
  id: number;
  job: ReadJob;
  heavy: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Reader {
  worker: Worker;
  /** The job it runs, or null when idle. */
  running: Pending | null;
}

/** Reader threads by default: one for light reads at least, two for heavy ones at most. */
export const READER_THREADS = 3;

export class ReaderPool {
  private readonly readers: Reader[] = [];
  private queue: Pending[] = [];
  private counter = 0;
  private closed = false;

  /**
   * @param path the database file, already migrated
   * @param size how many reader threads at most (2 or more)
   * @param starting called with each job as a thread takes it, to give it
   *   what it needs only while it runs (a buffer to answer into): a job
   *   waiting its turn holds nothing
   */
  constructor(
    private readonly path: string,
    private readonly size = READER_THREADS,
    private readonly starting: (job: ReadJob) => void = () => {},
  ) {}

  /** Runs one job in a reader thread; rejects with the job's error (an HttpProblem keeps its status). */
  run<K extends ReadJob['op']>(job: JobOf<K>): Promise<ReadResults[K]> {
    if (this.closed) return Promise.reject(new StoreClosed());
    return new Promise((resolve, reject) => {
      this.queue.push({
        id: ++this.counter,
        job,
        heavy: isHeavy(job),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  /** Ends every thread; jobs not finished are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const gone = new StoreClosed();
    for (const pending of this.queue) pending.reject(gone);
    this.queue = [];
    await Promise.all(this.readers.map((r) => r.worker.terminate()));
  }

  /** Hands waiting jobs to free threads, in arrival order, within the heavy cap. */
  private dispatch(): void {
    let heavyRunning = this.readers.filter((r) => r.running?.heavy === true).length;
    const waiting: Pending[] = [];
    for (const pending of this.queue) {
      const reader = pending.heavy && heavyRunning >= this.size - 1 ? undefined : this.free();
      if (reader === undefined) {
        waiting.push(pending);
        continue;
      }
      if (pending.heavy) heavyRunning += 1;
      reader.running = pending;
      this.starting(pending.job);
      reader.worker.ref();
      reader.worker.postMessage({ id: pending.id, job: pending.job } satisfies ReaderMessage);
    }
    this.queue = waiting;
  }

  /** An idle thread, a new one when all are busy and there is room, else undefined. */
  private free(): Reader | undefined {
    const idle = this.readers.find((r) => r.running === null);
    if (idle !== undefined || this.readers.length >= this.size) return idle;
    const worker = new Worker(new URL('./sqlite-reader-thread.js', import.meta.url), {
      workerData: { path: this.path },
    });
    const reader: Reader = { worker, running: null };
    worker.on('message', (message: FromReader) => this.settle(reader, message));
    worker.on('error', (err) => this.lose(reader, err));
    worker.on('exit', () => this.lose(reader, new Error('a SQLite reader thread stopped')));
    this.readers.push(reader);
    return reader;
  }

  private settle(reader: Reader, message: FromReader): void {
    const pending = reader.running;
    reader.running = null;
    // An idle reader must not keep the process alive.
    reader.worker.unref();
    if (pending !== null && pending.id === message.id) {
      if ('failure' in message) pending.reject(errorOf(message.failure));
      else pending.resolve(message.value);
    }
    this.dispatch();
  }

  /** A thread that failed or stopped: its job fails, the next job starts another thread. */
  private lose(reader: Reader, err: unknown): void {
    const i = this.readers.indexOf(reader);
    if (i < 0) return;
    this.readers.splice(i, 1);
    reader.running?.reject(err);
    reader.running = null;
    if (!this.closed) this.dispatch();
  }
}

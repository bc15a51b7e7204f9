/**
 * A cap on the heavy reads one process runs at once: DORA reports and CSV
 * downloads, whose cost grows with the history they cover. Past the cap a
 * request is answered at once with 503 and Retry-After, instead of queueing
 * behind the others while every client's connection and the process's
 * memory wait with it. Light reads and writes are never capped here.
 */
import { HttpProblem } from '../errors.js';
import type { Metrics } from '../metrics.js';

/** Heavy reads one process runs at once: two reader threads' worth (sqlite-reader-pool.ts). */
export const HEAVY_READS = 2;

/** Seconds a refused client is told to wait: a DORA year takes about a second. */
const RETRY_AFTER_S = 2;

export type HeavyKind = 'dora' | 'csv';

export class HeavyReads {
  private running = 0;

  constructor(
    private readonly metrics: Metrics,
    private readonly limit = HEAVY_READS,
  ) {}

  /**
   * Takes a slot for one heavy read; the returned function gives it back
   * (call it once, when the read ends, however it ends). Throws HttpProblem
   * 503 with Retry-After when `limit` heavy reads are running.
   */
  enter(kind: HeavyKind): () => void {
    if (this.running >= this.limit) {
      this.metrics.heavyRead(kind, 'refused');
      throw new HttpProblem(503, {
        code: 'busy',
        title: 'Busy',
        detail: `${this.limit} DORA reports or CSV downloads are running already; retry in ${RETRY_AFTER_S} s`,
        headers: { 'Retry-After': String(RETRY_AFTER_S) },
      });
    }
    this.running += 1;
    this.metrics.heavyRead(kind, 'started');
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.metrics.heavyRead(kind, 'ended');
    };
  }

  /** Runs `read` in a slot. */
  async run<T>(kind: HeavyKind, read: () => Promise<T>): Promise<T> {
    const release = this.enter(kind);
    try {
      return await read();
    } finally {
      release();
    }
  }
}

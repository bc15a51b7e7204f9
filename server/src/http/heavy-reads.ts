/**
 * A cap on the heavy reads one process runs at once: DORA reports and CSV
 * downloads, whose cost grows with the history they cover. Past the cap a
 * request is answered at once with 503 and Retry-After, instead of queueing
 * behind the others while every client's connection and the process's
 * memory wait with it. Light reads and writes are never capped here.
 */
import { HttpProblem } from '../errors.js';
import type { Metrics } from '../metrics.js';

/**
 * Heavy reads of each kind one process runs at once: two reader threads'
 * worth (sqlite-reader-pool.ts). Per kind, so that clients looping DORA
 * cannot keep every CSV download out, nor the other way round.
 */
export const HEAVY_READS = 2;

/** Seconds a refused client is told to wait: a DORA year takes about a second. */
const RETRY_AFTER_S = 2;

export type HeavyKind = 'dora' | 'csv';

export class HeavyReads {
  private readonly running: Record<HeavyKind, number> = { dora: 0, csv: 0 };

  constructor(
    private readonly metrics: Metrics,
    private readonly limit = HEAVY_READS,
  ) {}

  /**
   * Takes a slot for one heavy read of `kind`; the returned function gives it back
   * (call it once, when the read ends, however it ends). Throws HttpProblem
   * 503 with Retry-After when `limit` heavy reads of that kind are running.
   */
  enter(kind: HeavyKind): () => void {
    if (this.running[kind] >= this.limit) {
      this.metrics.heavyRead(kind, 'refused');
      const what = kind === 'dora' ? 'DORA reports' : 'CSV downloads';
      throw new HttpProblem(503, {
        code: 'busy',
        title: 'Busy',
        detail: `${this.limit} ${what} are running already; retry in ${RETRY_AFTER_S} s`,
        headers: { 'Retry-After': String(RETRY_AFTER_S) },
      });
    }
    this.running[kind] += 1;
    this.metrics.heavyRead(kind, 'started');
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running[kind] -= 1;
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

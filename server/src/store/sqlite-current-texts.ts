/**
 * The JSON text of each pair's current deployment, as the SQLite writer
 * last wrote or read it. A new deployment's `previous` is nearly always its
 * pair's current one, and the writer answers it from here instead of
 * reading the row back through its joins: that read was about a third of
 * the writer thread's work per recorded deployment (BENCHMARKS.md, ingest).
 *
 * It holds only what this connection knows to be true. The writer
 * (sqlite-writer.ts) checks `PRAGMA data_version` before each transaction
 * and forgets everything when another connection has committed since (an
 * `svt-server import` run beside the server), forgets everything when a
 * transaction fails, and forgets a pair whose rollback flags it
 * recomputes. Entries are keyed by pair and checked by seq, so a text is
 * only ever handed out for the very row it was built from.
 */
import type Database from 'better-sqlite3';

/** Pairs remembered at most (about 500 bytes each); beyond it the map starts again. */
const LIMIT = 10_000;

export class CurrentTexts {
  private readonly texts = new Map<number, { seq: number; text: string }>();
  private dataVersion: unknown = null;

  /** The text of row `seq` if it is what this pair's entry holds. */
  get(pair: number, seq: number): string | undefined {
    const entry = this.texts.get(pair);
    return entry?.seq === seq ? entry.text : undefined;
  }

  /** Row `seq`, whose text is `text`, is (now) the pair's current deployment. */
  set(pair: number, seq: number, text: string): void {
    if (this.texts.size >= LIMIT && !this.texts.has(pair)) this.texts.clear();
    this.texts.set(pair, { seq, text });
  }

  /** The pair's rows changed in a way the entry may not reflect (rollback flags recomputed). */
  forget(pair: number): void {
    this.texts.delete(pair);
  }

  clear(): void {
    this.texts.clear();
  }

  /**
   * Forgets everything when another connection has committed to the
   * database since the last call: SQLite's data_version changes for the
   * commits of other connections only, never for this one's own.
   */
  sync(db: Database.Database): void {
    const version: unknown = db.pragma('data_version', { simple: true });
    if (version !== this.dataVersion) this.texts.clear();
    this.dataVersion = version;
  }
}

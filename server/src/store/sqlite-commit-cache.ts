/**
 * Answers kept on the HTTP thread until the database changes: each is kept
 * under the `PRAGMA data_version` its connection read before the answer
 * was read, and all are dropped at once when that value moves. SQLite
 * changes it on every commit of any other connection (the writer thread,
 * a reader's never, an `svt-server import` in another process), so an
 * answer is never served after a write was acknowledged. A connection's
 * own commits do not change it: whoever commits on the HTTP thread's
 * connection calls `clear()` (SqliteStore.importMany).
 *
 * Bounded in bytes: a new answer that does not fit makes room by dropping
 * those asked for least recently, so that answers never asked for twice
 * (a window ending "now" is another query every millisecond) cannot keep
 * out the ones asked for again. A deployment tracker is read far more
 * often than it is written (a handful of deployments a minute), so the
 * same page or state is usually read many times between two changes.
 */
import { LRUCache } from 'lru-cache';

/**
 * What keeping an answer costs besides its value and its key: the cache's
 * entry and the objects around the value. A breaker measured 221 bytes
 * an empty page (1,000,000 of them); counting only the page's text let
 * 16 MB of pages take 1.85 GB.
 */
export const ENTRY_BYTES = 256;

/** Bytes a text may take in V8: 2 a character once one is outside Latin-1. */
export const textBytes = (text: string): number => 2 * text.length;

/** Answers by key (a query, an environment), kept as the header says. */
export class UntilCommit<V extends object | string> {
  private version = -1;
  /** lru-cache: a new answer makes room by dropping the least recently asked for. */
  private readonly entries: LRUCache<string, V>;

  /** @param maxBytes bound on what the answers kept cost: their bytes, keys and ENTRY_BYTES each */
  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, V>({ maxSize: maxBytes, maxEntrySize: maxBytes });
  }

  /**
   * The answer to `key` read at `version`, or undefined. A `version` other
   * than the last one seen drops every answer first.
   */
  get(version: number, key: string): V | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    return this.entries.get(key);
  }

  /**
   * Keeps `value` (`bytes`, what it holds in memory: textBytes for a text)
   * for `key` if `version`, read before the value was, is still the last
   * one seen, dropping the answers asked for least recently to make room;
   * one that costs more than `maxBytes` alone is not kept. An answer read
   * while the database moved on is not kept: a later `get` saw the new
   * version, and the answer may predate it.
   */
  set(version: number, key: string, value: V, bytes: number): void {
    if (version !== this.version || this.entries.has(key)) return;
    this.entries.set(key, value, { size: bytes + textBytes(key) + ENTRY_BYTES });
  }

  /** Drops every answer: this connection itself committed a change. */
  clear(): void {
    this.entries.clear();
    this.version = -1;
  }
}

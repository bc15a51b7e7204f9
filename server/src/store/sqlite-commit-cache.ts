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
export class UntilCommit<V> {
  private version = -1;
  private bytes = 0;
  /** Least recently asked for first: a Map iterates in insertion order, and a hit is moved last. */
  private readonly entries = new Map<string, { value: V; bytes: number }>();

  /** @param maxBytes bound on the sum of the `bytes` given to `set` for the answers kept */
  constructor(private readonly maxBytes: number) {}

  /**
   * The answer to `key` read at `version`, or undefined. A `version` other
   * than the last one seen drops every answer first.
   */
  get(version: number, key: string): V | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = version;
    }
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Keeps `value` (about `bytes` bytes) for `key` if `version`, read before
   * the value was, is still the last one seen, dropping the answers asked
   * for least recently to make room; one larger than `maxBytes` alone is not kept. An answer
   * read while the database moved on is not kept: a later `get` saw the
   * new version, and the answer may predate it.
   */
  set(version: number, key: string, value: V, bytes: number): void {
    if (version !== this.version || this.entries.has(key) || bytes > this.maxBytes) return;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  /** Drops every answer: this connection itself committed a change. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.version = -1;
  }
}

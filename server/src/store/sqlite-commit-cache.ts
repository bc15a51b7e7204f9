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
 * Bounded in bytes: once full, new answers are not kept until the next
 * change empties it. A deployment tracker is read far more often than it
 * is written (a handful of deployments a minute), so the same page or
 * state is usually read many times between two changes.
 */
export class UntilCommit<V> {
  private version = -1;
  private bytes = 0;
  private readonly entries = new Map<string, V>();

  /** @param maxBytes bound on the sum of the `bytes` given to `set` */
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
    return this.entries.get(key);
  }

  /**
   * Keeps `value` (about `bytes` bytes) for `key` if `version`, read before
   * the value was, is still the last one seen and there is room. An answer
   * read while the database moved on is not kept: a later `get` saw the new
   * version, and the answer may predate it.
   */
  set(version: number, key: string, value: V, bytes: number): void {
    if (version !== this.version || this.entries.has(key)) return;
    if (this.bytes + bytes > this.maxBytes) return;
    this.entries.set(key, value);
    this.bytes += bytes;
  }

  /** Drops every answer: this connection itself committed a change. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.version = -1;
  }
}

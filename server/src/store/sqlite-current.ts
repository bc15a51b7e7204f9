/**
 * An environment's state now, as the HTTP thread reads it on its own
 * connection (sqlite.ts): its current deployments and open attempts in one
 * read transaction, so that no commit of the writer thread lands between
 * the two, and kept until another connection commits
 * (sqlite-commit-cache.ts).
 *
 * History pages are not read here, though one takes about 1 ms: bounded
 * by its limit in index entries, a page is not bounded in time (ties at
 * one instant in an env and app are all read and sorted; 1,000 scopes
 * cost a statement each; documents may be large), and under concurrent
 * clients the reader threads serve more pages while /healthz waits less.
 * Only their answers are kept on this thread, the same way
 * (SqliteStore.history).
 */
import { jsonArray, parse } from './sqlite-read-jobs.js';
import type { LedgerReads } from './sqlite-reads.js';
import type { EnvironmentSnapshot } from './types.js';
import { textBytes, UntilCommit } from './sqlite-commit-cache.js';

/** Bound on the memory the current-state cache may hold (bytes). */
const CURRENT_CACHE_BYTES = 64 * 1024 * 1024;

/** The HTTP thread's reads of environments' states now, over one connection. */
export class CurrentState {
  /** Each environment's state as served, until a commit (sqlite-commit-cache.ts). */
  private readonly cache = new UntilCommit<EnvironmentSnapshot>(CURRENT_CACHE_BYTES);
  private readonly snapshotTxn: (env: string) => EnvironmentSnapshot | null;

  constructor(private readonly reads: LedgerReads) {
    // Wrapped once per connection, not on every request.
    this.snapshotTxn = reads.db.transaction((env: string) => this.cachedSnapshot(env));
  }

  /** `env`'s current deployments and open attempts now, of one snapshot; null for an unknown env. */
  snapshot(env: string): EnvironmentSnapshot | null {
    return this.snapshotTxn(env);
  }

  /** Forgets every state: this connection committed a change (an import). */
  clear(): void {
    this.cache.clear();
  }

  /**
   * The state of `env` now, from the cache while no other connection has
   * committed; inside the read transaction, data_version is that
   * snapshot's, so what is read with it is of the same snapshot.
   */
  private cachedSnapshot(env: string): EnvironmentSnapshot | null {
    const version = this.reads.dataVersion();
    const hit = this.cache.get(version, env);
    if (hit !== undefined) return hit;
    const docs = this.reads.currentDocs(env, undefined);
    if (docs === null) return null;
    const attempts = this.reads.attemptsDocs(env);
    const state = { currentJson: jsonArray(docs), attempts: attempts.map(parse) };
    // Parsed, a document takes about twice its text (measured: 974 bytes for 509 characters).
    const parsed = attempts.reduce((sum, doc) => sum + textBytes(doc), 0);
    this.cache.set(version, env, state, state.currentJson.length + parsed);
    return state;
  }
}

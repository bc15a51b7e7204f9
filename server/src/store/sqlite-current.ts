/**
 * An environment's state now, as the HTTP thread reads it on its own
 * connection (sqlite.ts): its current deployments and open attempts in one
 * read transaction, so that no commit of the writer thread lands between
 * the two, and cached while no connection has committed.
 *
 * History pages are not read here, though one takes about 1 ms: bounded
 * by its limit in index entries, a page is not bounded in time (ties at
 * one instant in an env and app are all read and sorted; 1,000 scopes
 * cost a statement each; documents may be large), and under concurrent
 * clients the reader threads serve more pages while /healthz waits less.
 */
import { jsonArray, parse } from './sqlite-read-jobs.js';
import type { LedgerReads } from './sqlite-reads.js';
import type { EnvironmentSnapshot } from './types.js';

/** Bound on the memory the current-state cache may hold (bytes of JSON). */
const CURRENT_CACHE_BYTES = 64 * 1024 * 1024;

/** The HTTP thread's reads of environments' states now, over one connection. */
export class CurrentState {
  /** Each environment's state as served, valid while data_version stays the same. */
  private cache: { version: number; bytes: number; envs: Map<string, EnvironmentSnapshot> } = {
    version: -1,
    bytes: 0,
    envs: new Map(),
  };
  private readonly snapshotTxn: (env: string) => EnvironmentSnapshot | null;

  constructor(private readonly reads: LedgerReads) {
    // Wrapped once per connection, not on every request.
    this.snapshotTxn = reads.db.transaction((env: string) => this.cachedSnapshot(env));
  }

  /** `env`'s current deployments and open attempts now, of one snapshot; null for an unknown env. */
  snapshot(env: string): EnvironmentSnapshot | null {
    return this.snapshotTxn(env);
  }

  /**
   * The state of `env` now, from the cache while no connection has
   * committed. It changes only when some connection commits, which
   * data_version tells this one, whichever connection (the writer thread,
   * or another process such as an import) it was; inside a read
   * transaction it is that snapshot's. The bound counts the JSON bytes.
   */
  private cachedSnapshot(env: string): EnvironmentSnapshot | null {
    const version = this.reads.dataVersion();
    if (version !== this.cache.version) this.cache = { version, bytes: 0, envs: new Map() };
    const hit = this.cache.envs.get(env);
    if (hit !== undefined) return hit;
    const docs = this.reads.currentDocs(env, undefined);
    if (docs === null) return null;
    const state = {
      currentJson: jsonArray(docs),
      attempts: this.reads.attemptsDocs(env).map(parse),
    };
    if (this.cache.bytes + state.currentJson.length <= CURRENT_CACHE_BYTES) {
      this.cache.envs.set(env, state);
      this.cache.bytes += state.currentJson.length;
    }
    return state;
  }
}

/**
 * The reads the HTTP thread answers on its own connection (sqlite.ts), each
 * in one read transaction so that no commit of the writer thread lands
 * between its statements:
 * - an environment's state now, cached while no connection has committed;
 * - a history page whose index entries are bounded by its limit. Such a
 *   page takes 0.4 to 1.3 ms at 2.6 million deployments; handing it to an
 *   idle reader thread and back cost 1.5 to 3.5 ms in one request in 40 on
 *   this VM, which put the page's p99 over its 5 ms aim (BENCHMARKS.md,
 *   read aims). A page that can walk history still goes to a reader.
 */
import { type HistoryJson, historyJson, jsonArray, parse } from './sqlite-read-jobs.js';
import type { LedgerReads } from './sqlite-reads.js';
import type { EnvironmentSnapshot, HistoryQuery } from './types.js';

/**
 * The most index entries a history page may read here (LedgerReads.pageBound),
 * about 1 ms of work: at the largest limit (100), an app's page over up to
 * 19 environments.
 */
export const PAGE_ENTRIES_HERE = 2_000;

/** Bound on the memory the current-state cache may hold (bytes of JSON). */
const CURRENT_CACHE_BYTES = 64 * 1024 * 1024;

export class ReadsHere {
  /** Each environment's state as served, valid while data_version stays the same. */
  private cache: { version: number; bytes: number; envs: Map<string, EnvironmentSnapshot> } = {
    version: -1,
    bytes: 0,
    envs: new Map(),
  };
  private readonly snapshotTxn: (env: string) => EnvironmentSnapshot | null;
  private readonly pageTxn: (query: HistoryQuery) => HistoryJson;

  constructor(private readonly reads: LedgerReads) {
    // Wrapped once per connection, not on every request.
    this.snapshotTxn = reads.db.transaction((env: string) => this.cachedSnapshot(env));
    this.pageTxn = reads.db.transaction((query: HistoryQuery) => historyJson(reads.history(query)));
  }

  /** `env`'s current deployments and open attempts now, of one snapshot; null for an unknown env. */
  snapshot(env: string): EnvironmentSnapshot | null {
    return this.snapshotTxn(env);
  }

  /** One page of `query`, or null when its cost is not bounded enough to read here. */
  page(query: HistoryQuery): HistoryJson | null {
    const bound = this.reads.pageBound(query);
    if (bound === null || bound > PAGE_ENTRIES_HERE) return null;
    return this.pageTxn(query);
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

/**
 * The embedded default: one SQLite file, one writer process.
 *
 * Reads run on this thread's connection. Writes go to a worker thread that
 * owns the only writing connection (sqlite-writer-thread.ts): the writes of
 * one event-loop turn travel as one message and are group-committed in one
 * transaction there, while this thread goes on serving HTTP. WAL lets this
 * thread read while the worker writes, and each read sees every commit that
 * was acknowledged before it.
 */
import type Database from 'better-sqlite3';
import type { Deployment } from '@svt/client';
import { openAttempts } from '../attempts.js';
import { type MigrationSummary, migrate, openDatabase } from './sqlite-connection.js';
import { WriterClient } from './sqlite-writer-client.js';
import { LedgerWriter } from './sqlite-writer.js';
import type {
  AppRow,
  EnvironmentRow,
  HistoryQuery,
  HistoryResult,
  IdempotencyClaim,
  ImportItem,
  NewDeployment,
  RecordResult,
  SessionRecord,
  Store,
  TokenRecord,
} from './types.js';
import { SqliteAuth } from './sqlite-auth.js';
import { LedgerReads } from './sqlite-reads.js';

const parse = (doc: string): Deployment => JSON.parse(doc) as Deployment;

/** Bound on the memory the current-state cache may hold. */
const CURRENT_CACHE_BYTES = 64 * 1024 * 1024;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private reads: LedgerReads | null = null;
  private readonly writer: WriterClient;
  private closed = false;
  private importer: LedgerWriter | null = null;
  private authTables: SqliteAuth | null = null;
  /** Current state of each environment as served, valid while data_version stays the same. */
  private cache: { version: number; bytes: number; envs: Map<string, Buffer> } = {
    version: -1,
    bytes: 0,
    envs: new Map(),
  };

  /**
   * @param path the database file (a file: the writer thread opens it too)
   * @param onMigrated told what the schema migration did, when it did something (for the log)
   */
  constructor(
    private readonly path: string,
    private readonly onMigrated: (summary: MigrationSummary) => void = () => {},
  ) {
    this.writer = new WriterClient(path);
  }

  async open(): Promise<void> {
    this.connection();
  }

  /** The read connection, opened (and the schema migrated) on first use. */
  private connection(): LedgerReads {
    if (this.closed) throw new Error('the store is closed');
    if (this.reads === null) {
      const db = openDatabase(this.path);
      try {
        const migrated = migrate(db);
        // A new file (version 0) is created, not migrated: nothing to tell.
        if (migrated !== null && migrated.from > 0) this.onMigrated(migrated);
        this.reads = new LedgerReads(db);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
    }
    return this.reads;
  }

  record(input: NewDeployment, claim?: IdempotencyClaim): Promise<RecordResult> {
    try {
      this.connection(); // migrated before the writer touches the file
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writer.record(input, claim);
  }

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    return this.connection().currentDocs(env, at)?.map(parse) ?? null;
  }

  async latest(env: string, at?: number): Promise<Deployment[] | null> {
    return this.connection().latestDocs(env, at)?.map(parse) ?? null;
  }

  async attempts(env: string, at?: number): Promise<Deployment[]> {
    if (at !== undefined) return openAttempts((await this.latest(env, at)) ?? []);
    return this.connection().attemptsDocs(env).map(parse);
  }

  async currentJson(env: string, at?: number): Promise<Buffer | null> {
    const reads = this.connection();
    if (at === undefined) {
      // The current state changes only when some connection commits, which
      // data_version tells this one, whichever connection (the writer thread,
      // or another process such as an import) it was.
      const version = reads.dataVersion();
      if (version !== this.cache.version) this.cache = { version, bytes: 0, envs: new Map() };
      const hit = this.cache.envs.get(env);
      if (hit !== undefined) return hit;
    }
    const docs = reads.currentDocs(env, at);
    if (docs === null) return null;
    const json = Buffer.from(`[${docs.join(',')}]`);
    if (at === undefined && this.cache.bytes + json.length <= CURRENT_CACHE_BYTES) {
      this.cache.envs.set(env, json);
      this.cache.bytes += json.length;
    }
    return json;
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    const page = this.connection().history(query);
    return { items: page.docs.map(parse), next: page.next };
  }

  async environments(): Promise<EnvironmentRow[]> {
    const rows = this.connection().environments();
    return rows.map((r) => ({ name: r.env, apps: r.apps, lastDeployedAt: r.last }));
  }

  async apps(): Promise<AppRow[]> {
    const rows = this.connection().appEnvs();
    const apps = new Map<string, AppRow>();
    for (const r of rows) {
      const app = apps.get(r.app);
      if (app === undefined) {
        apps.set(r.app, { name: r.app, environments: [r.env], lastDeployedAt: r.latest_at });
      } else {
        app.environments.push(r.env);
        app.lastDeployedAt = Math.max(app.lastDeployedAt, r.latest_at);
      }
    }
    return [...apps.values()];
  }

  async app(name: string): Promise<{ env: string; current: Deployment | null }[] | null> {
    const rows = this.connection().appState(name);
    if (rows.length === 0) return null;
    return rows.map((r) => ({ env: r.env, current: r.doc === null ? null : parse(r.doc) }));
  }

  async prune(before: number): Promise<number> {
    const writer = this.ledgerWriter();
    let total = 0;
    // In slices, so that the writer thread never waits long for the lock.
    for (;;) {
      const deleted = writer.pruneSlice(before, PRUNE_SLICE_ROWS);
      total += deleted;
      if (deleted < PRUNE_SLICE_ROWS) return total;
    }
  }

  async *exportJson(): AsyncIterable<string> {
    let batch: string[] = [];
    for (const doc of this.connection().exportDocs()) {
      batch.push(doc);
      if (batch.length === 1000) {
        yield* batch;
        batch = [];
      }
    }
    yield* batch;
  }

  /**
   * Imports on this connection, beside the writer thread (SQLite serializes
   * the two): an import is an admin's command, usually in its own process.
   */
  async importMany(items: readonly ImportItem[]): Promise<number> {
    return this.ledgerWriter().importMany(items);
  }

  /** A writer on this connection, for imports and pruning. */
  private ledgerWriter(): LedgerWriter {
    this.importer ??= new LedgerWriter(this.connection().db);
    return this.importer;
  }

  /** Tokens, sessions and keys (sqlite-auth.ts), on this connection. */
  private auth(): SqliteAuth {
    this.authTables ??= new SqliteAuth(this.connection().db);
    return this.authTables;
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.auth().createToken(token);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.auth().listTokens();
  }

  async revokeToken(name: string, at: number): Promise<boolean> {
    return this.auth().revokeToken(name, at);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    return this.auth().tokenByHash(hash);
  }

  async everHadTokens(): Promise<boolean> {
    return this.auth().everHadTokens();
  }

  async touchTokens(uses: ReadonlyMap<string, number>): Promise<void> {
    this.auth().touchTokens(uses);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.auth().createSession(session);
  }

  async tokenBySession(hash: string, now: number): Promise<TokenRecord | null> {
    return this.auth().tokenBySession(hash, now);
  }

  async deleteSession(hash: string): Promise<boolean> {
    return this.auth().deleteSession(hash);
  }

  async purgeSessions(now: number): Promise<number> {
    return this.auth().purgeSessions(now);
  }

  async serverKey(purpose: string): Promise<Buffer> {
    return this.auth().serverKey(purpose);
  }

  async ping(): Promise<void> {
    this.connection().ping();
  }

  /** Waits for every write already asked for, stops the writer, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    this.db?.close();
    this.db = null;
    this.reads = null;
    this.authTables = null;
  }
}

/** Deployments deleted per pruning transaction. */
const PRUNE_SLICE_ROWS = 5000;

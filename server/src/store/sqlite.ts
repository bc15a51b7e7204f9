/**
 * The embedded default: one SQLite file, one writer process, three kinds of
 * connection:
 * - this thread's, for reads bounded by the number of apps (current state
 *   from the projection, the catalogue, tokens and sessions), answered at
 *   once, states and history pages kept until the next commit
 *   (sqlite-commit-cache.ts);
 * - the writer thread's, the only one that writes deployments
 *   (sqlite-writer-thread.ts): the writes of one event-loop turn travel as
 *   one message and are group-committed in one transaction there, and
 *   retention deletes there in slices between batches;
 * - the reader threads' (sqlite-reader-pool.ts), for reads whose cost grows
 *   with history: history pages, past instants, CSV pages, DORA reports.
 * WAL lets every reader read while the writer writes, and each read sees
 * every commit that was acknowledged before it. So no read, however long,
 * holds the HTTP thread.
 */
import type Database from 'better-sqlite3';
import type { Deployment, DoraReport } from '@svt/client';
import { type MigrationSummary, migrate, openDatabase } from './sqlite-connection.js';
import { WriterClient } from './sqlite-writer-client.js';
import { StoreClosed } from './shared.js';
import { LedgerWriter } from './sqlite-writer.js';
import type {
  AppRow,
  DeliveryOutcome,
  DeliveryRecord,
  EnvironmentRow,
  EnvironmentSnapshot,
  HistoryQuery,
  HistoryResult,
  IdempotencyClaim,
  ImportItem,
  NewDeployment,
  OutboxItem,
  OutboxStat,
  RecordResult,
  SessionRecord,
  Store,
  TokenRecord,
} from './types.js';
import { SqliteAuth } from './sqlite-auth.js';
import { LedgerReads } from './sqlite-reads.js';
import { CurrentState } from './sqlite-current.js';
import { textBytes, UntilCommit } from './sqlite-commit-cache.js';
import { encodeId } from './sqlite-ids.js';
import { READER_THREADS, ReaderPool } from './sqlite-reader-pool.js';
import { HeldSnapshot, SharedAnswers } from './sqlite-shared-bytes.js';
import {
  appRows,
  appState,
  environmentRows,
  parse,
  TextHistoryResult,
  historyKey,
  type HistoryJson,
  type JobOf,
  type ReadJob,
  type ReadResults,
} from './sqlite-read-jobs.js';
import { csvPages } from '../csv.js';
import type { DoraWindow } from '../dora.js';

/** Bound on the history pages kept between two commits (bytes: about 250 pages of 50). */
const HISTORY_CACHE_BYTES = 16 * 1024 * 1024;

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private reads: LedgerReads | null = null;
  private readonly writer: WriterClient;
  private readonly readers: ReaderPool;
  /** Shared memory the reader threads write states at an instant into (tests read it). */
  readonly answers = new SharedAnswers();
  private closed = false;
  private importer: LedgerWriter | null = null;
  private authTables: SqliteAuth | null = null;
  private now: CurrentState | null = null;
  /** History pages as read since the last commit, by query (at most HISTORY_CACHE_BYTES). */
  private readonly pages = new UntilCommit<HistoryJson>(HISTORY_CACHE_BYTES);

  /**
   * @param path the database file (a file: the writer thread opens it too)
   * @param onMigrated told what the schema migration did, when it did something (for the log)
   */
  constructor(
    private readonly path: string,
    private readonly onMigrated: (summary: MigrationSummary) => void = () => {},
  ) {
    this.writer = new WriterClient(path);
    // A state's buffer is lent as its job starts, not while it waits: a
    // queue of thousands (clients that hang up under load) holds none.
    this.readers = new ReaderPool(path, READER_THREADS, (job) => {
      if (job.op === 'state') job.into = this.answers.lend();
    });
  }

  async open(): Promise<void> {
    this.connection();
  }

  /** The read connection, opened (and the schema migrated) on first use. */
  private connection(): LedgerReads {
    if (this.closed) throw new StoreClosed();
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

  record(
    input: NewDeployment,
    claim?: IdempotencyClaim,
    hooks: readonly string[] = [],
  ): Promise<RecordResult> {
    try {
      this.connection(); // migrated before the writer touches the file
    } catch (err) {
      return Promise.reject(err);
    }
    return this.writer.record(input, claim, hooks);
  }

  // The webhook outbox (sqlite-outbox.ts): changes in the writer thread,
  // lists and counts in a reader thread.

  async claimDeliveries(
    hook: string,
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<OutboxItem[]> {
    this.connection();
    return this.writer.changeOutbox({ op: 'claim', hook, owner, now, leaseMs, limit });
  }

  async finishDelivery(
    id: string,
    owner: string,
    outcome: DeliveryOutcome,
    now: number,
  ): Promise<boolean> {
    this.connection();
    return this.writer.changeOutbox({ op: 'finish', id, owner, outcome, now });
  }

  async releaseDeliveries(owner: string | null): Promise<number> {
    this.connection();
    return this.writer.changeOutbox({ op: 'release', owner });
  }

  async expireDeliveries(
    before: number,
    now: number,
    limit: number,
    reason: string,
  ): Promise<string[]> {
    this.connection();
    return this.writer.changeOutbox({ op: 'expire', before, now, limit, reason });
  }

  async trimFailedDeliveries(keep: number): Promise<number> {
    this.connection();
    return this.writer.changeOutbox({ op: 'trim', keep });
  }

  async redeliver(id: string, now: number): Promise<DeliveryRecord | null> {
    this.connection();
    return this.writer.changeOutbox({ op: 'redeliver', id, now });
  }

  deliveries(state: 'pending' | 'failed', limit: number): Promise<DeliveryRecord[]> {
    return this.read({ op: 'deliveries', state, limit });
  }

  outboxStats(): Promise<OutboxStat[]> {
    return this.read({ op: 'outboxStats' });
  }

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    if (at === undefined) return this.connection().currentDocs(env, undefined)?.map(parse) ?? null;
    return (await this.read({ op: 'current', env, at }))?.map(parse) ?? null;
  }

  async latest(env: string, at?: number): Promise<Deployment[] | null> {
    if (at === undefined) return this.connection().latestDocs(env, undefined)?.map(parse) ?? null;
    return (await this.read({ op: 'latest', env, at }))?.map(parse) ?? null;
  }

  async attempts(env: string, at?: number): Promise<Deployment[]> {
    // At an instant, in a reader thread, which sends back only the attempts' documents.
    if (at !== undefined) return (await this.read({ op: 'attempts', env, at })).map(parse);
    return this.connection().attemptsDocs(env).map(parse);
  }

  async currentJson(env: string, at?: number): Promise<Buffer | null> {
    const state = await this.snapshot(env, at);
    if (state?.release === undefined) return state?.currentJson ?? null;
    // Bytes on loan: a copy of its own for a caller that cannot say when it is done.
    const bytes = Buffer.from(state.currentJson);
    state.release();
    return bytes;
  }

  async snapshot(env: string, at?: number): Promise<EnvironmentSnapshot | null> {
    if (at !== undefined) {
      // One reader job, so one snapshot (sqlite-reader-thread.ts). Its
      // bytes come in shared memory, sent as they are (sqlite-shared-bytes.ts).
      const job: JobOf<'state'> = { op: 'state', env, at };
      const state = await this.read(job).catch((err: unknown) => {
        this.answers.unlend(job.into);
        throw err;
      });
      if (state === null) {
        this.answers.unlend(job.into);
        return null;
      }
      const { bytes, release } = this.answers.hold(state.current, job.into);
      return new HeldSnapshot(bytes, state.attemptsJson, release);
    }
    // In one read transaction (sqlite-current.ts), from a cache.
    return this.currentState().snapshot(env);
  }

  /**
   * A page of history from a reader thread, or as read since the last
   * commit: then neither the read nor the two thread crossings, whose
   * wake-ups make most of a page's tail on a small machine (BENCHMARKS.md).
   */
  async history(query: HistoryQuery): Promise<HistoryResult> {
    // Read before the page is: a page read while a commit lands is not kept.
    const version = this.connection().dataVersion();
    const key = historyKey(query);
    const kept = this.pages.get(version, key);
    if (kept !== undefined) return new TextHistoryResult(kept);
    const page = await this.read({ op: 'history', query });
    this.pages.set(version, key, page, textBytes(page.itemsJson));
    return new TextHistoryResult(page);
  }

  async deployment(id: string): Promise<Deployment | null> {
    // One row by the unique id index: as cheap as current state, so here.
    const text = this.connection().docById(encodeId(id));
    return text === null ? null : parse(text);
  }

  historyCsv(query: HistoryQuery): AsyncIterable<string> {
    return csvPages((q) => this.read({ op: 'csv', query: q }), query);
  }

  dora(window: DoraWindow): Promise<DoraReport> {
    return this.read({ op: 'dora', window });
  }

  /**
   * Runs a read whose cost grows with history in a reader thread
   * (sqlite-reader-pool.ts), after the schema is migrated.
   */
  private read<K extends ReadJob['op']>(job: JobOf<K>): Promise<ReadResults[K]> {
    try {
      this.connection();
    } catch (err) {
      return Promise.reject(err);
    }
    return this.readers.run(job);
  }

  async environments(): Promise<EnvironmentRow[]> {
    return environmentRows(this.connection());
  }

  async apps(): Promise<AppRow[]> {
    return appRows(this.connection());
  }

  async app(name: string): Promise<{ env: string; current: Deployment | null }[] | null> {
    return appState(this.connection(), name);
  }

  async prune(before: number): Promise<number> {
    this.connection(); // migrated before the writer touches the file
    return this.writer.prune(before);
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
    try {
      return this.ledgerWriter().importMany(items);
    } finally {
      // This connection's own commit: data_version does not tell it (sqlite-commit-cache.ts).
      this.pages.clear();
      this.now?.clear();
    }
  }

  /** A writer on this connection, for imports and pruning. */
  private ledgerWriter(): LedgerWriter {
    this.importer ??= new LedgerWriter(this.connection().db);
    return this.importer;
  }

  /** Environments' states now, on this connection (sqlite-current.ts). */
  private currentState(): CurrentState {
    this.now ??= new CurrentState(this.connection());
    return this.now;
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
    await Promise.all([this.writer.close(), this.readers.close()]);
    this.db?.close();
    this.db = null;
    this.reads = null;
    this.now = null;
    this.authTables = null;
  }
}

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
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Deployment } from '@svt/client';
import { migrate, openDatabase } from './sqlite-connection.js';
import type { WriteOutcome, WriteRequest, WrittenText } from './sqlite-writer.js';
import type { WriterMessage } from './sqlite-writer-thread.js';
import { idempotencyMismatch } from './shared.js';
import type {
  AppRow,
  EnvironmentRow,
  HistoryQuery,
  HistoryResult,
  IdempotencyClaim,
  NewDeployment,
  RecordResult,
  Store,
} from './types.js';

type FromWriter =
  { ready: true } | { outcomes: WriteOutcome[] } | { failed: number[]; message: string };

interface Waiter {
  resolve: (result: RecordResult) => void;
  reject: (err: unknown) => void;
}

const parse = (doc: string): Deployment => JSON.parse(doc) as Deployment;

/** A history row: its order key and its document. */
interface KeyedDoc {
  deployed_at: number;
  id: string;
  doc: string;
}

/** Bound on the memory the current-state cache may hold. */
const CURRENT_CACHE_BYTES = 64 * 1024 * 1024;

/** A RecordResult over the writer's JSON texts: each object is parsed only when asked for. */
class TextRecordResult implements RecordResult {
  private parsed: { deployment: Deployment; previous: Deployment | null } | null = null;

  constructor(private readonly text: WrittenText) {}

  private objects(): { deployment: Deployment; previous: Deployment | null } {
    this.parsed ??= {
      deployment: parse(this.text.deployment),
      previous: this.text.previous === null ? null : parse(this.text.previous),
    };
    return this.parsed;
  }

  get deployment(): Deployment {
    return this.objects().deployment;
  }

  get previous(): Deployment | null {
    return this.objects().previous;
  }

  get firstInEnv(): boolean {
    return this.text.firstInEnv;
  }

  get replayed(): boolean {
    return this.text.replayed;
  }

  get responseJson(): string {
    return `{"deployment":${this.text.deployment},"previous":${this.text.previous ?? 'null'}}`;
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private statements: ReturnType<typeof prepare> | null = null;
  private writer: Worker | null = null;
  private writerExit: Promise<void> | null = null;
  private readonly waiting = new Map<number, Waiter>();
  private outbox: WriteRequest[] = [];
  private sendScheduled = false;
  private counter = 0;
  private closed = false;
  /** Current state of each environment as served, valid while data_version stays the same. */
  private cache: { version: number; bytes: number; envs: Map<string, Buffer> } = {
    version: -1,
    bytes: 0,
    envs: new Map(),
  };

  /** @param path the database file (a file: the writer thread opens it too) */
  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    this.connection();
  }

  /** The read connection, opened (and the schema migrated) on first use. */
  private connection(): ReturnType<typeof prepare> {
    if (this.closed) throw new Error('the store is closed');
    if (this.statements === null) {
      const db = openDatabase(this.path);
      try {
        migrate(db);
        this.statements = prepare(db);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
    }
    return this.statements;
  }

  private startWriter(): Worker {
    if (this.writer !== null) return this.writer;
    const worker = new Worker(new URL('./sqlite-writer-thread.js', import.meta.url), {
      workerData: { path: this.path },
    });
    worker.on('message', (message: FromWriter) => this.onWriterMessage(message));
    worker.on('error', (err) => this.failAll(err));
    this.writerExit = new Promise((resolve) => {
      worker.once('exit', () => {
        this.failAll(new Error('the SQLite writer stopped'));
        this.writer = null;
        resolve();
      });
    });
    this.writer = worker;
    return worker;
  }

  private onWriterMessage(message: FromWriter): void {
    if ('outcomes' in message) {
      for (const outcome of message.outcomes) {
        const waiter = this.waiting.get(outcome.n);
        this.waiting.delete(outcome.n);
        if (outcome.ok) waiter?.resolve(new TextRecordResult(outcome.written));
        else waiter?.reject(idempotencyMismatch(outcome.reusedKey));
      }
    } else if ('failed' in message) {
      for (const n of message.failed) {
        this.waiting.get(n)?.reject(new Error(`SQLite write failed: ${message.message}`));
        this.waiting.delete(n);
      }
    }
    // An idle writer must not keep the process alive; a busy one must.
    if (this.waiting.size === 0) this.writer?.unref();
  }

  private failAll(err: unknown): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }

  record(input: NewDeployment, claim?: IdempotencyClaim): Promise<RecordResult> {
    try {
      this.connection(); // migrated before the writer touches the file
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      const n = ++this.counter;
      this.waiting.set(n, { resolve, reject });
      this.outbox.push({ n, input, claim });
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  /** Sends this turn's writes to the writer as one message. */
  private send(): void {
    this.sendScheduled = false;
    if (this.outbox.length === 0) return;
    const worker = this.startWriter();
    worker.ref();
    const message: WriterMessage = { write: this.outbox };
    this.outbox = [];
    worker.postMessage(message);
  }

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    const s = this.connection();
    if (s.envExists.get(env) === undefined) return null;
    const docs = (at === undefined ? s.current.all(env) : s.currentAt.all({ at, env })) as string[];
    return docs.map(parse);
  }

  async currentJson(env: string, at?: number): Promise<Buffer | null> {
    const s = this.connection();
    if (at === undefined) {
      // The current state changes only when some connection commits, which
      // data_version tells this one, whichever connection (the writer thread,
      // or another process such as an import) it was.
      const version = s.dataVersion.get() as number;
      if (version !== this.cache.version) this.cache = { version, bytes: 0, envs: new Map() };
      const hit = this.cache.envs.get(env);
      if (hit !== undefined) return hit;
    }
    if (s.envExists.get(env) === undefined) return null;
    const docs = (at === undefined ? s.current.all(env) : s.currentAt.all({ at, env })) as string[];
    const json = Buffer.from(`[${docs.join(',')}]`);
    if (at === undefined && this.cache.bytes + json.length <= CURRENT_CACHE_BYTES) {
      this.cache.envs.set(env, json);
      this.cache.bytes += json.length;
    }
    return json;
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    const s = this.connection();
    let rows: KeyedDoc[];
    if (query.app !== undefined && query.env === undefined) {
      // An app's history: one ordered page from each of its environments,
      // merged, so that every scan follows the (app, env, time) index.
      const envs = s.envsOfApp.all(query.app) as string[];
      rows = envs
        .flatMap((env) => this.historyPage(s.db, { ...query, env }))
        .sort((a, b) => b.deployed_at - a.deployed_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, query.limit + 1);
    } else {
      rows = this.historyPage(s.db, query);
    }
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map((r) => parse(r.doc));
    const last = items[items.length - 1];
    return {
      items,
      next:
        more && last !== undefined
          ? { deployedAt: Date.parse(last.deployedAt), id: last.id }
          : null,
    };
  }

  /** Up to limit + 1 rows of one history query, newest first. */
  private historyPage(db: Database.Database, query: HistoryQuery): KeyedDoc[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]): void => {
      where.push(clause);
      params.push(...values);
    };
    if (query.app !== undefined) add('app = ?', query.app);
    if (query.env !== undefined) add('env = ?', query.env);
    if (query.status !== undefined) add('status = ?', query.status);
    if (query.since !== undefined) add('deployed_at >= ?', query.since);
    if (query.until !== undefined) add('deployed_at < ?', query.until);
    if (query.after !== undefined) {
      add('(deployed_at, id) < (?, ?)', query.after.deployedAt, query.after.id);
    }
    // Only fixed SQL text is assembled here; every value is a bound parameter.
    const sql = `SELECT deployed_at, id, doc FROM deployments
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY deployed_at DESC, id DESC LIMIT ?`;
    return db.prepare(sql).all(...params, query.limit + 1) as KeyedDoc[];
  }

  async environments(): Promise<EnvironmentRow[]> {
    const rows = this.connection().environments.all() as {
      env: string;
      apps: number;
      last: number;
    }[];
    return rows.map((r) => ({ name: r.env, apps: r.apps, lastDeployedAt: r.last }));
  }

  async apps(): Promise<AppRow[]> {
    const rows = this.connection().appEnvs.all() as {
      app: string;
      env: string;
      latest_at: number;
    }[];
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
    const rows = this.connection().appState.all(name) as { env: string; doc: string | null }[];
    if (rows.length === 0) return null;
    return rows.map((r) => ({ env: r.env, current: r.doc === null ? null : parse(r.doc) }));
  }

  async ping(): Promise<void> {
    this.connection().ping.get();
  }

  /** Waits for every write already asked for, stops the writer, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.send();
    if (this.writer !== null) {
      this.writer.ref();
      this.writer.postMessage({ close: true } satisfies WriterMessage);
      await this.writerExit;
    }
    this.db?.close();
    this.db = null;
    this.statements = null;
  }
}

function prepare(db: Database.Database) {
  return {
    db,
    ping: db.prepare('SELECT 1'),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    envExists: db.prepare('SELECT 1 FROM env_apps WHERE env = ? LIMIT 1'),
    envsOfApp: db.prepare('SELECT env FROM env_apps WHERE app = ?').pluck(),
    current: db
      .prepare(
        `SELECT d.doc FROM env_apps ea JOIN deployments d ON d.seq = ea.current_seq
         WHERE ea.env = ? ORDER BY ea.app`,
      )
      .pluck(),
    // For each app of the env, its latest success at or before the instant.
    currentAt: db
      .prepare(
        `SELECT d.doc FROM env_apps ea JOIN deployments d ON d.seq = (
           SELECT seq FROM deployments x WHERE x.env = ea.env AND x.app = ea.app
             AND x.status = 'success' AND x.deployed_at <= @at
           ORDER BY x.deployed_at DESC, x.id DESC LIMIT 1)
         WHERE ea.env = @env ORDER BY ea.app`,
      )
      .pluck(),
    environments: db.prepare(
      `SELECT env, COUNT(*) AS apps, MAX(latest_at) AS last, MIN(first_seq) AS first
       FROM env_apps GROUP BY env ORDER BY first`,
    ),
    appEnvs: db.prepare(
      `SELECT ea.app, ea.env, ea.latest_at FROM env_apps ea
       JOIN (SELECT env, MIN(first_seq) AS first FROM env_apps GROUP BY env) e ON e.env = ea.env
       ORDER BY ea.app, e.first`,
    ),
    appState: db.prepare(
      `SELECT ea.env AS env, d.doc FROM env_apps ea
       JOIN (SELECT env, MIN(first_seq) AS first FROM env_apps GROUP BY env) e ON e.env = ea.env
       LEFT JOIN deployments d ON d.seq = ea.current_seq
       WHERE ea.app = ? ORDER BY e.first`,
    ),
  };
}

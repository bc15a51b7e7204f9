/**
 * The embedded default: one SQLite file, one writer process.
 *
 * Durability: WAL with synchronous=FULL, set on every connection and checked
 * (better-sqlite3 builds SQLite with WAL's NORMAL as default, which a power
 * loss can undo). Speed: writes that arrive in the same event-loop turn are
 * group-committed in one immediate transaction, and each caller is answered
 * only after that transaction commits; each write runs in its own savepoint,
 * so one bad write fails alone.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import type { AttributeValue, Deployment, DeploymentStatus } from '@svt/client';
import { MIGRATIONS } from './sqlite-schema.js';
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
import { idempotencyMismatch } from './shared.js';

interface Row {
  seq: number;
  id: string;
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
  deployed_at: number;
  recorded_at: number;
  commit_sha: string | null;
  committed_at: number | null;
  ref: string | null;
  url: string | null;
  pipeline_url: string | null;
  actor: string | null;
  source: string | null;
  attributes: string | null;
  recorded_by: string | null;
  previous_id: string | null;
  idem_scope: string | null;
  idem_key: string | null;
  idem_hash: string | null;
}

interface EnvAppRow {
  first_seq: number;
  current_seq: number | null;
  current_at: number | null;
  current_id: string | null;
  latest_seq: number;
  latest_at: number;
  latest_id: string;
}

interface Pending {
  input: NewDeployment;
  claim: IdempotencyClaim | undefined;
  resolve: (result: RecordResult) => void;
  reject: (err: unknown) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function toDeployment(row: Row): Deployment {
  return {
    id: row.id,
    env: row.env,
    app: row.app,
    version: row.version,
    status: row.status,
    deployedAt: iso(row.deployed_at),
    recordedAt: iso(row.recorded_at),
    commit: row.commit_sha,
    committedAt: isoOrNull(row.committed_at),
    ref: row.ref,
    url: row.url,
    pipelineUrl: row.pipeline_url,
    actor: row.actor,
    source: row.source,
    attributes:
      row.attributes === null ? {} : (JSON.parse(row.attributes) as Record<string, AttributeValue>),
    recordedBy: row.recorded_by,
    idempotencyKey: row.idem_key,
  };
}

/** (a1, i1) > (a2, i2) in the ledger's order. */
function isAfter(at1: number, id1: string, at2: number, id2: string): boolean {
  return at1 > at2 || (at1 === at2 && id1 > id2);
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | null = null;
  private statements: ReturnType<typeof prepare> | null = null;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly nextId = monotonicFactory();

  /** @param path file path, or `:memory:` */
  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    this.connection();
  }

  private connection(): { db: Database.Database; s: ReturnType<typeof prepare> } {
    if (this.closed) throw new Error('the store is closed');
    if (this.db === null || this.statements === null) {
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      const db = new Database(this.path);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        const sync: unknown = db.pragma('synchronous', { simple: true });
        if (sync !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${String(sync)})`);
        db.pragma('busy_timeout = 5000');
        migrate(db);
        this.statements = prepare(db);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
    }
    return { db: this.db, s: this.statements };
  }

  record(input: NewDeployment, claim?: IdempotencyClaim): Promise<RecordResult> {
    try {
      this.connection();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, claim, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes every queued deployment in one transaction, then answers each caller. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: RecordResult } | { ok: false; error: unknown })[] = [];
    try {
      const { db } = this.connection();
      const one = db.transaction((p: Pending) => this.insert(p.input, p.claim));
      db.transaction(() => {
        outcomes.length = 0; // a retried transaction starts over
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: one(p) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) p.resolve(outcome.value);
      else p.reject(outcome?.error);
    });
  }

  private insert(input: NewDeployment, claim: IdempotencyClaim | undefined): RecordResult {
    const { s } = this.connection();
    if (claim !== undefined) {
      const earlier = s.byIdempotency.get(claim.scope, claim.key) as Row | undefined;
      if (earlier !== undefined) {
        if (earlier.idem_hash !== claim.fingerprint) throw idempotencyMismatch(claim.key);
        const previous = earlier.previous_id === null ? undefined : s.byId.get(earlier.previous_id);
        return {
          deployment: toDeployment(earlier),
          previous: previous === undefined ? null : toDeployment(previous as Row),
          firstInEnv: false,
          replayed: true,
        };
      }
    }
    const id = this.nextId();
    const recordedAt = Date.now();
    const previous = s.previousSuccess.get(input.env, input.app, input.deployedAt, id) as
      Row | undefined;
    const fields: Omit<Row, 'seq'> = {
      id,
      env: input.env,
      app: input.app,
      version: input.version,
      status: input.status,
      deployed_at: input.deployedAt,
      recorded_at: recordedAt,
      commit_sha: input.commit,
      committed_at: input.committedAt,
      ref: input.ref,
      url: input.url,
      pipeline_url: input.pipelineUrl,
      actor: input.actor,
      source: input.source,
      attributes:
        Object.keys(input.attributes).length > 0 ? JSON.stringify(input.attributes) : null,
      recorded_by: input.recordedBy,
      previous_id: previous?.id ?? null,
      idem_scope: claim?.scope ?? null,
      idem_key: claim?.key ?? null,
      idem_hash: claim?.fingerprint ?? null,
    };
    const info = s.insert.run(fields);
    const seq = Number(info.lastInsertRowid);
    const at = input.deployedAt;
    const success = input.status === 'success';
    const known = s.envApp.get(input.env, input.app) as EnvAppRow | undefined;
    if (known === undefined) {
      s.insertEnvApp.run(
        input.env,
        input.app,
        seq,
        success ? seq : null,
        success ? at : null,
        success ? id : null,
        seq,
        at,
        id,
      );
    } else {
      const becomesCurrent =
        success &&
        (known.current_at === null || isAfter(at, id, known.current_at, known.current_id ?? ''));
      const becomesLatest = isAfter(at, id, known.latest_at, known.latest_id);
      if (becomesCurrent || becomesLatest) {
        s.updateEnvApp.run(
          becomesCurrent ? seq : known.current_seq,
          becomesCurrent ? at : known.current_at,
          becomesCurrent ? id : known.current_id,
          becomesLatest ? seq : known.latest_seq,
          becomesLatest ? at : known.latest_at,
          becomesLatest ? id : known.latest_id,
          input.env,
          input.app,
        );
      }
    }
    return {
      deployment: toDeployment({ seq, ...fields }),
      previous: previous === undefined ? null : toDeployment(previous),
      firstInEnv: known === undefined,
      replayed: false,
    };
  }

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    const { s } = this.connection();
    if (s.envExists.get(env) === undefined) return null;
    const rows = (at === undefined ? s.current.all(env) : s.currentAt.all({ at, env })) as Row[];
    return rows.map(toDeployment);
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    const { db } = this.connection();
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]): void => {
      where.push(clause);
      params.push(...values);
    };
    if (query.env !== undefined) add('env = ?', query.env);
    if (query.app !== undefined) add('app = ?', query.app);
    if (query.status !== undefined) add('status = ?', query.status);
    if (query.since !== undefined) add('deployed_at >= ?', query.since);
    if (query.until !== undefined) add('deployed_at < ?', query.until);
    if (query.after !== undefined)
      add('(deployed_at, id) < (?, ?)', query.after.deployedAt, query.after.id);
    // Only fixed SQL text is assembled here; every value is a bound parameter.
    const sql = `SELECT * FROM deployments ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY deployed_at DESC, id DESC LIMIT ?`;
    const rows = db.prepare(sql).all(...params, query.limit + 1) as Row[];
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map(toDeployment);
    const last = items[items.length - 1];
    return {
      items,
      next:
        more && last !== undefined
          ? { deployedAt: Date.parse(last.deployedAt), id: last.id }
          : null,
    };
  }

  async environments(): Promise<EnvironmentRow[]> {
    const { s } = this.connection();
    const rows = s.environments.all() as { env: string; apps: number; last: number }[];
    return rows.map((r) => ({ name: r.env, apps: r.apps, lastDeployedAt: r.last }));
  }

  async apps(): Promise<AppRow[]> {
    const { s } = this.connection();
    const rows = s.appEnvs.all() as { app: string; env: string; latest_at: number }[];
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
    const { s } = this.connection();
    const rows = s.appState.all(name) as (Row & { ea_env: string })[];
    if (rows.length === 0) return null;
    return rows.map((r) => ({ env: r.ea_env, current: r.id === null ? null : toDeployment(r) }));
  }

  async ping(): Promise<void> {
    this.connection().s.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    this.db?.close();
    this.db = null;
    this.statements = null;
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the database schema is version ${version}, newer than this server knows (${MIGRATIONS.length}): upgrade SVT`,
    );
  }
  MIGRATIONS.slice(version).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + i + 1}`);
    }).immediate();
  });
}

function prepare(db: Database.Database) {
  return {
    ping: db.prepare('SELECT 1'),
    byId: db.prepare('SELECT * FROM deployments WHERE id = ?'),
    byIdempotency: db.prepare('SELECT * FROM deployments WHERE idem_scope = ? AND idem_key = ?'),
    previousSuccess: db.prepare(
      `SELECT * FROM deployments WHERE env = ? AND app = ? AND status = 'success'
         AND (deployed_at, id) < (?, ?) ORDER BY deployed_at DESC, id DESC LIMIT 1`,
    ),
    insert: db.prepare(
      `INSERT INTO deployments (id, env, app, version, status, deployed_at, recorded_at, commit_sha,
         committed_at, ref, url, pipeline_url, actor, source, attributes, recorded_by, previous_id,
         idem_scope, idem_key, idem_hash)
       VALUES (@id, @env, @app, @version, @status, @deployed_at, @recorded_at, @commit_sha,
         @committed_at, @ref, @url, @pipeline_url, @actor, @source, @attributes, @recorded_by,
         @previous_id, @idem_scope, @idem_key, @idem_hash)`,
    ),
    envApp: db.prepare('SELECT * FROM env_apps WHERE env = ? AND app = ?'),
    insertEnvApp: db.prepare(
      `INSERT INTO env_apps (env, app, first_seq, current_seq, current_at, current_id, latest_seq,
         latest_at, latest_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateEnvApp: db.prepare(
      `UPDATE env_apps SET current_seq = ?, current_at = ?, current_id = ?, latest_seq = ?,
         latest_at = ?, latest_id = ? WHERE env = ? AND app = ?`,
    ),
    envExists: db.prepare('SELECT 1 FROM env_apps WHERE env = ? LIMIT 1'),
    current: db.prepare(
      `SELECT d.* FROM env_apps ea JOIN deployments d ON d.seq = ea.current_seq
       WHERE ea.env = ? ORDER BY ea.app`,
    ),
    // For each app of the env, its latest success at or before the instant.
    currentAt: db.prepare(
      `SELECT d.* FROM env_apps ea JOIN deployments d ON d.seq = (
         SELECT seq FROM deployments x WHERE x.env = ea.env AND x.app = ea.app
           AND x.status = 'success' AND x.deployed_at <= @at
         ORDER BY x.deployed_at DESC, x.id DESC LIMIT 1)
       WHERE ea.env = @env ORDER BY ea.app`,
    ),
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
      `SELECT ea.env AS ea_env, d.* FROM env_apps ea
       JOIN (SELECT env, MIN(first_seq) AS first FROM env_apps GROUP BY env) e ON e.env = ea.env
       LEFT JOIN deployments d ON d.seq = ea.current_seq
       WHERE ea.app = ? ORDER BY e.first`,
    ),
  };
}

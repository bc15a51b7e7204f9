/**
 * Migration 7: the compact ledger (issue 16). Names are held once (`envs`,
 * `apps`, one integer per env and app in `pairs`); each deployment is one
 * `ledger` row of columns, with no JSON document, no null written as text,
 * ids as 16 bytes (sqlite-ids.ts), status as a small integer, and two
 * indexes of integers: (pair, deployed_at) and (env, deployed_at), and one
 * unique index of ids. Ties in
 * deployed_at are ordered by id in the query (a sort of the few tied rows),
 * so neither index repeats the id. Measured sizes and the alternatives tried
 * are in BENCHMARKS.md ("data").
 *
 * Copying reads every version-6 row once, in seq order, and writes the same
 * seq: every reference by seq (pairs, previous_seq) stays valid. It runs in
 * the caller's transaction, so a kill leaves the version-6 tables or the new
 * ones, never both.
 */
import type Database from 'better-sqlite3';
import { STATUS_CODE } from './sqlite-docs.js';
import { encodeId, idTime } from './sqlite-ids.js';
import { packHash } from './sqlite-writer.js';

/** Version-6 rows copied per read. */
const CHUNK = 5000;

export const COMPACT_SCHEMA = `
  CREATE TABLE envs (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
  );
  CREATE TABLE apps (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
  );
  -- One row per env and app: the projection kept in the same transaction as
  -- each insert (its first, current and latest deployment, by seq).
  CREATE TABLE pairs (
    id           INTEGER PRIMARY KEY,
    env          INTEGER NOT NULL REFERENCES envs (id),
    app          INTEGER NOT NULL REFERENCES apps (id),
    first_seq    INTEGER NOT NULL,
    current_seq  INTEGER,
    latest_seq   INTEGER NOT NULL,
    UNIQUE (env, app)
  );
  CREATE INDEX pairs_app ON pairs (app, env);
  -- The versions that succeeded in each pair, for rollback detection.
  CREATE TABLE pair_versions (
    pair     INTEGER NOT NULL,
    version  TEXT NOT NULL,
    PRIMARY KEY (pair, version)
  ) WITHOUT ROWID;
  -- The ledger: one immutable row per deployment event (only "rollback", a
  -- derived flag, is ever updated). Instants in epoch ms; status 0 success,
  -- 1 failure, 2 started, 3 rolled_back; attributes as JSON text, NULL for
  -- none; idem_key is the key shown, idem_scope and idem_hash the claim that
  -- enforces it (imports show a key without a claim).
  -- AUTOINCREMENT: a seq is never given again once its row is pruned, so a
  -- seq names one deployment for ever (previous_seq, the readers' caches).
  CREATE TABLE ledger (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            BLOB NOT NULL,
    pair          INTEGER NOT NULL,
    env           INTEGER NOT NULL,
    status        INTEGER NOT NULL,
    deployed_at   INTEGER NOT NULL,
    recorded_at   INTEGER NOT NULL,
    version       TEXT NOT NULL,
    rollback      INTEGER NOT NULL,
    previous_seq  INTEGER,
    commit_sha    TEXT,
    committed_at  INTEGER,
    ref           TEXT,
    url           TEXT,
    pipeline_url  TEXT,
    actor         TEXT,
    source        TEXT,
    attributes    TEXT,
    recorded_by   TEXT,
    idem_key      TEXT,
    idem_scope    TEXT,
    idem_hash     BLOB
  );
`;

/** The ledger's indexes: made after the copy, which sorts once instead of inserting at random. */
export const COMPACT_INDEXES = `
  -- A pair's events in time order: current at an instant, "previous" at
  -- write time, an app's history (merged across its envs), an env and app's.
  CREATE INDEX ledger_pair_time ON ledger (pair, deployed_at);
  -- An environment's history (and everything's, merged across envs), pruning.
  CREATE INDEX ledger_env_time ON ledger (env, deployed_at);
  CREATE UNIQUE INDEX ledger_idempotency ON ledger (idem_scope, idem_key)
    WHERE idem_scope IS NOT NULL;
  -- Ids are unique across stores (the data model) and imports are idempotent
  -- by id: this index holds both, whatever env, app or instant an id comes
  -- with. About 25 bytes a deployment, the price of that guarantee.
  CREATE UNIQUE INDEX ledger_id ON ledger (id);
`;

/**
 * Tasks a migration leaves for after its transaction (VACUUM cannot run in
 * one): each is deleted once done, so that a process killed before then
 * does it at its next start.
 */
export const PENDING_TASKS = `
  CREATE TABLE pending_tasks (task TEXT PRIMARY KEY) WITHOUT ROWID;
`;

interface OldRow {
  seq: number;
  id: string;
  deployed_at: number;
  previous_seq: number | null;
  idem_scope: string | null;
  idem_key: string | null;
  idem_hash: string | null;
  doc: string;
  env_name: string;
  app_name: string;
}

/** The fields of a version-6 document that columns now hold. */
interface OldDoc {
  version: string;
  status: string;
  recordedAt: string;
  commit: string | null;
  committedAt: string | null;
  ref: string | null;
  url: string | null;
  pipelineUrl: string | null;
  actor: string | null;
  source: string | null;
  attributes: Record<string, unknown> | null;
  recordedBy: string | null;
  idempotencyKey: string | null;
  rollback: boolean;
}

/** Migration 7: version-6 tables (deployments, env_apps, env_app_versions) into the compact ones. */
export function compactLedger(db: Database.Database): void {
  db.exec(COMPACT_SCHEMA);
  db.exec(`
    INSERT INTO envs (name) SELECT env FROM env_apps GROUP BY env ORDER BY MIN(first_seq);
    INSERT INTO apps (name) SELECT DISTINCT app FROM env_apps ORDER BY app;
    INSERT INTO pairs (env, app, first_seq, current_seq, latest_seq)
      SELECT e.id, a.id, ea.first_seq, ea.current_seq, ea.latest_seq
      FROM env_apps ea JOIN envs e ON e.name = ea.env JOIN apps a ON a.name = ea.app
      ORDER BY ea.first_seq;
    INSERT INTO pair_versions (pair, version)
      SELECT p.id, v.version FROM env_app_versions v
      JOIN envs e ON e.name = v.env JOIN apps a ON a.name = v.app
      JOIN pairs p ON p.env = e.id AND p.app = a.id;
  `);
  // (env, app) names to integer keys, in memory: a few thousand pairs at most.
  const pairs = new Map<string, { pair: number; env: number }>();
  const pairRows = db
    .prepare(
      `SELECT e.name AS env_name, a.name AS app_name, p.id AS pair, p.env AS env
       FROM pairs p JOIN envs e ON e.id = p.env JOIN apps a ON a.id = p.app`,
    )
    .all() as { env_name: string; app_name: string; pair: number; env: number }[];
  for (const r of pairRows) pairs.set(`${r.env_name}\u0000${r.app_name}`, r);
  const insert = db.prepare(
    `INSERT INTO ledger (seq, id, pair, env, status, deployed_at, recorded_at, version, rollback,
       previous_seq, commit_sha, committed_at, ref, url, pipeline_url, actor, source, attributes,
       recorded_by, idem_key, idem_scope, idem_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rows = db.prepare(
    `SELECT d.seq, d.id, d.deployed_at, prev.seq AS previous_seq, d.idem_scope, d.idem_key,
         d.idem_hash, d.doc, d.env AS env_name, d.app AS app_name
       FROM deployments d LEFT JOIN deployments prev ON prev.id = d.previous_id
       WHERE d.seq > ? ORDER BY d.seq LIMIT ${CHUNK}`,
  );
  // In chunks: better-sqlite3 cannot write while a statement iterates.
  let after = 0;
  for (;;) {
    const chunk = rows.all(after) as OldRow[];
    const last = chunk[chunk.length - 1];
    if (last === undefined) break;
    after = last.seq;
    for (const row of chunk) copy(row);
  }
  db.exec(COMPACT_INDEXES);
  db.exec(`
    DROP TABLE deployments;
    DROP TABLE env_apps;
    DROP TABLE env_app_versions;
  `);
  // The dropped tables' pages go back to the disk by a VACUUM after this
  // transaction (sqlite-connection.ts), when there were any to speak of.
  db.exec(PENDING_TASKS);
  if (after > 0) db.exec(`INSERT INTO pending_tasks (task) VALUES ('vacuum')`);

  function copy(row: OldRow): void {
    const key = pairs.get(`${row.env_name}\u0000${row.app_name}`);
    if (key === undefined) throw new Error(`deployment ${row.seq} has no env_apps row`);
    const d = JSON.parse(row.doc) as OldDoc;
    const attributes =
      d.attributes === null || Object.keys(d.attributes).length === 0
        ? null
        : JSON.stringify(d.attributes);
    insert.run(
      row.seq,
      encodeId(row.id),
      key.pair,
      key.env,
      STATUS_CODE[d.status] ?? 0,
      row.deployed_at,
      Date.parse(d.recordedAt),
      d.version,
      d.rollback === true ? 1 : 0,
      row.previous_seq,
      d.commit,
      d.committedAt === null ? null : Date.parse(d.committedAt),
      d.ref,
      d.url,
      d.pipelineUrl,
      d.actor,
      d.source,
      attributes,
      d.recordedBy,
      d.idempotencyKey ?? null,
      row.idem_scope,
      packHash(row.idem_hash),
    );
  }
}

/**
 * Migration 12: three columns that repeated what the row or its neighbours
 * already say. Measured on the seed-shaped 260,000 (BENCHMARKS.md, size):
 * 235.5 bytes a deployment before, 173.0 after.
 * - `url`, the text of the deployment's URL on every row (about 50 bytes),
 *   becomes a key into `urls` for a URL three or more deployments use (an
 *   app's address in an environment); a URL used once or twice (a
 *   preview's) stays in its rows, so that the dictionary, which retention
 *   does not prune, never holds it. The column's INTEGER affinity stores a
 *   key as an integer and keeps a URL, which is never a number, as text;
 *   readers tell them apart by type (sqlite-docs.ts). The writer's rule:
 *   sqlite-writer.ts urlOf.
 * - `recorded_at` becomes `recorded_after_id`, recordedAt minus the
 *   instant its id was made (sqlite-ids.ts idTime): 0, which SQLite stores
 *   in no byte, for every deployment recorded here.
 * - `idem_scope`, whose text is the SHA-256 of the token that claimed the
 *   key (64 characters, in the row and again in the idempotency index),
 *   becomes a key into `idem_scopes`: a handful of tokens write.
 * - `previous_seq` goes: an idempotent replay finds the same previous
 *   success again, the latest before it among the rows recorded before it.
 * Each ALTER rewrites the table once; the space the rows give back goes to
 * the disk by the VACUUM after the transaction (sqlite-connection.ts).
 */
export function compactRows(db: Database.Database): void {
  db.function('svt_id_time', { deterministic: true }, (id: unknown) =>
    id instanceof Uint8Array ? idTime(id) : 0,
  );
  db.exec(`
    CREATE TABLE urls (
      id   INTEGER PRIMARY KEY,
      url  TEXT NOT NULL UNIQUE
    );
    INSERT INTO urls (url)
      SELECT url FROM ledger WHERE url IS NOT NULL GROUP BY url HAVING COUNT(*) > 2;
    CREATE TABLE idem_scopes (
      id     INTEGER PRIMARY KEY,
      scope  TEXT NOT NULL UNIQUE
    );
    INSERT INTO idem_scopes (scope)
      SELECT DISTINCT idem_scope FROM ledger WHERE idem_scope IS NOT NULL;
    ALTER TABLE ledger ADD COLUMN url_held INTEGER;
    ALTER TABLE ledger ADD COLUMN scope_key INTEGER REFERENCES idem_scopes (id);
    UPDATE ledger SET
      url_held = coalesce((SELECT u.id FROM urls u WHERE u.url = ledger.url), url),
      scope_key = (SELECT s.id FROM idem_scopes s WHERE s.scope = ledger.idem_scope),
      recorded_at = recorded_at - svt_id_time(id);
    DROP INDEX ledger_idempotency;
    ALTER TABLE ledger DROP COLUMN url;
    ALTER TABLE ledger DROP COLUMN previous_seq;
    ALTER TABLE ledger DROP COLUMN idem_scope;
    ALTER TABLE ledger RENAME COLUMN url_held TO url;
    ALTER TABLE ledger RENAME COLUMN scope_key TO idem_scope;
    ALTER TABLE ledger RENAME COLUMN recorded_at TO recorded_after_id;
    CREATE UNIQUE INDEX ledger_idempotency ON ledger (idem_scope, idem_key)
      WHERE idem_scope IS NOT NULL;
    INSERT OR IGNORE INTO pending_tasks (task) SELECT 'vacuum' WHERE EXISTS (SELECT 1 FROM ledger);
  `);
}

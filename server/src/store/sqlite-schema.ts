/**
 * Versioned schema of the SQLite store. Migration N brings `user_version`
 * from N-1 to N; each runs in its own immediate transaction. Append only:
 * a released migration is never edited. A migration is SQL, or a function
 * for what SQL alone cannot compute (the version order of rollbacks).
 * migrate() (sqlite-connection.ts) runs every pending one in one transaction.
 */
import type Database from 'better-sqlite3';
import { compactLedger, compactRows } from './sqlite-compact.js';
import { backfillRollbacks } from './sqlite-rollbacks.js';

export type Migration = string | ((db: Database.Database) => void);

export const MIGRATIONS: readonly Migration[] = [
  `
  -- The ledger: one immutable row per deployment event. Columns hold what
  -- queries filter and sort on (instants in epoch ms); "doc" holds the
  -- deployment as the API returns it, so that a read builds one string per
  -- row instead of one JS value per column (measured: 9 ms vs 0.3 ms for
  -- 1,000 rows of 21 columns).
  CREATE TABLE deployments (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    env          TEXT NOT NULL,
    app          TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('success', 'failure', 'started', 'rolled_back')),
    deployed_at  INTEGER NOT NULL,
    previous_id  TEXT,
    idem_scope   TEXT,
    idem_key     TEXT,
    idem_hash    TEXT,
    doc          TEXT NOT NULL
  );
  -- One index per app and environment, in time order: the latest success
  -- at an instant (scanning back past the few failures), "previous" at write
  -- time, and an app's history (merged across its environments). Each write
  -- puts a page of every per-app index in its commit, so there is only one.
  CREATE INDEX deployments_app_env_time ON deployments (app, env, deployed_at, id);
  -- History pages of an environment, and of everything.
  CREATE INDEX deployments_env_time ON deployments (env, deployed_at, id);
  CREATE INDEX deployments_time ON deployments (deployed_at, id);
  CREATE UNIQUE INDEX deployments_idempotency ON deployments (idem_scope, idem_key)
    WHERE idem_key IS NOT NULL;

  -- Projection kept in the same transaction as each insert: one row per env
  -- and app, pointing at its current (latest success) and latest event.
  CREATE TABLE env_apps (
    env          TEXT NOT NULL,
    app          TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    current_seq  INTEGER,
    current_at   INTEGER,
    current_id   TEXT,
    latest_seq   INTEGER NOT NULL,
    latest_at    INTEGER NOT NULL,
    latest_id    TEXT NOT NULL,
    PRIMARY KEY (env, app)
  ) WITHOUT ROWID;
  CREATE INDEX env_apps_app ON env_apps (app, env);
  `,
  `
  -- API tokens, by name. Only the SHA-256 of each token is kept. A revoked
  -- token stays (revoked_at set) so that its name keeps meaning what it did.
  CREATE TABLE tokens (
    name          TEXT PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    scopes        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
  );
  `,
  `
  -- The hash of each token's login-cookie value, so that a session can be
  -- checked without the database holding anything that opens one.
  ALTER TABLE tokens ADD COLUMN session_hash TEXT;
  CREATE UNIQUE INDEX tokens_session ON tokens (session_hash) WHERE session_hash IS NOT NULL;
  `,
  `
  -- The versions that succeeded in each env and app, for rollback detection
  -- (a success of a version that ran there before is a rollback) without
  -- scanning the pair's history on each write.
  CREATE TABLE env_app_versions (
    env      TEXT NOT NULL,
    app      TEXT NOT NULL,
    version  TEXT NOT NULL,
    PRIMARY KEY (env, app, version)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO env_app_versions (env, app, version)
    SELECT env, app, json_extract(doc, '$.version') FROM deployments WHERE status = 'success';
  `,
  // Every stored deployment gains its derived "rollback" flag.
  backfillRollbacks,
  `
  -- Login sessions: a random id per login, kept only as its SHA-256, tied to
  -- the token it was opened with (by the token's hash, not its name), and
  -- ending at expires_at (epoch ms) whatever the browser keeps.
  CREATE TABLE sessions (
    hash        TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_token ON sessions (token_hash, created_at);
  CREATE INDEX sessions_expiry ON sessions (expires_at);
  -- 1.0.0's login cookie was a fixed function of its token, so no logout
  -- could end it: its hash goes, and such a cookie opens nothing any more.
  DROP INDEX tokens_session;
  ALTER TABLE tokens DROP COLUMN session_hash;
  -- The server's secret keys (the HMAC key of history cursors), each made
  -- once, so that they survive restarts.
  CREATE TABLE server_keys (
    purpose     TEXT PRIMARY KEY,
    key         BLOB NOT NULL,
    created_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // The compact ledger (sqlite-compact.ts): names once, columns, 16-byte ids.
  compactLedger,
  `
  -- Each deployment's repository (its web page, for links to commits), held
  -- once like names: a 40-byte URL repeated on every row would add about a
  -- fifth to a CI-shaped deployment. Adding a column rewrites no row.
  CREATE TABLE repositories (
    id   INTEGER PRIMARY KEY,
    url  TEXT NOT NULL UNIQUE
  );
  ALTER TABLE ledger ADD COLUMN repository INTEGER REFERENCES repositories (id);
  `,
  `
  -- The webhook outbox (outbox-types.ts): one row per deployment and hook,
  -- inserted in the deployment's own transaction, deleted once delivered.
  -- state 0: pending (lease_owner holds it until lease_until, epoch ms);
  -- 1: given up, kept for the admin API (a bounded number). The event is
  -- the write's answer as JSON text, rendered into each hook's format when
  -- sent. Not WITHOUT ROWID: an event can be tens of kilobytes.
  CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    hook         TEXT NOT NULL,
    event        TEXT NOT NULL,
    state        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    since        INTEGER NOT NULL,
    next_at      INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    last_status  INTEGER,
    failed_at    INTEGER
  );
  -- A hook's due deliveries, oldest due first (claims).
  CREATE INDEX outbox_due ON outbox (hook, state, next_at);
  -- Counts and the oldest wait by state and hook (/metrics), covering.
  CREATE INDEX outbox_waiting ON outbox (state, hook, since);
  -- Deliveries out of time, whatever their hook (giving up), and the lists.
  CREATE INDEX outbox_age ON outbox (state, since);
  `,
  `
  -- An environment's events in (deployed_at, id) order, with every column a
  -- DORA report reads (sqlite-reads.ts DORA_COLUMNS): a year of a 1,000-app
  -- environment is read from this index alone, without a lookup of each row
  -- in the table (at 2.6 million deployments, 104,000 rows in about half
  -- the time; BENCHMARKS.md). It begins with ledger_env_time's columns and
  -- serves what that one did (an environment's history pages, pruning),
  -- its ties in id order without a sort: about 35 bytes a deployment more.
  CREATE INDEX ledger_env_events ON ledger
    (env, deployed_at, id, pair, status, rollback, version, committed_at);
  DROP INDEX ledger_env_time;
  `,
  `
  -- The first success of each version in each pair, by (deployed_at, id):
  -- whether a version succeeded before a given instant is one lookup, so
  -- that a success recorded out of order reflags only the two successes it
  -- changes instead of the pair's whole history (sqlite-rollbacks.ts).
  -- NULL where every success of the version was pruned: it ran before
  -- anything kept.
  ALTER TABLE pair_versions ADD COLUMN first_seq INTEGER;
  UPDATE pair_versions SET first_seq = firsts.seq
  FROM (
    SELECT pair, version, seq FROM (
      SELECT pair, version, seq,
        row_number() OVER (PARTITION BY pair, version ORDER BY deployed_at, id) AS n
      FROM ledger WHERE status = 0
    ) WHERE n = 1
  ) AS firsts
  WHERE pair_versions.pair = firsts.pair AND pair_versions.version = firsts.version;
  `,
  // URLs used again and claims' scopes held once, recordedAt as its offset
  // from the id's instant, no previous_seq (sqlite-compact.ts).
  compactRows,
];

/**
 * The SQLite writer's prepared statements (sqlite-writer.ts), on the
 * writer thread's connection. Tables: sqlite-compact.ts.
 */
import type Database from 'better-sqlite3';
import { DOC_COLUMNS, DOC_JOINS } from './sqlite-docs.js';

/** How far back in a pair the writer looks for a URL used again (sqlite-writer.ts urlOf). */
const URL_WINDOW = 8;

/** The writer's statements by name. */
export type WriterStatements = ReturnType<typeof prepare>;

/** Prepares every statement the writer runs, once per connection. */
export function prepare(db: Database.Database) {
  const statements = prepareAll(db);
  // Named as the library's public type, so that the declaration can be emitted.
  return statements as { [K in keyof typeof statements]: Database.Statement };
}

function prepareAll(db: Database.Database) {
  const byOrder = 'ORDER BY deployed_at DESC, id DESC LIMIT 1';
  return {
    byIdempotency: db
      .prepare(
        `SELECT seq, pair, deployed_at, id, idem_hash FROM ledger
         WHERE idem_scope = (SELECT id FROM idem_scopes WHERE scope = ?) AND idem_key = ?`,
      )
      .raw(),
    docBySeq: db.prepare(`SELECT ${DOC_COLUMNS} FROM ledger d ${DOC_JOINS} WHERE d.seq = ?`).raw(),
    currentAsOf: db
      .prepare(`SELECT seq FROM ledger WHERE pair = ? AND status = 0 AND seq <= ? ${byOrder}`)
      .pluck(),
    earlierInPair: db.prepare('SELECT 1 FROM ledger WHERE pair = ? AND seq < ? LIMIT 1'),
    previousSuccess: db
      .prepare(
        `SELECT seq FROM ledger WHERE pair = ? AND status = 0 AND deployed_at <= ?
           AND (deployed_at, id) < (?, ?) ${byOrder}`,
      )
      .pluck(),
    // The previous success a write answered with: the latest before it
    // among the deployments recorded before it (an idempotent replay).
    previousAsOf: db
      .prepare(
        `SELECT seq FROM ledger WHERE pair = ? AND status = 0 AND seq < ? AND deployed_at <= ?
           AND (deployed_at, id) < (?, ?) ${byOrder}`,
      )
      .pluck(),
    idExists: db.prepare('SELECT 1 FROM ledger WHERE id = ?'),
    envId: db.prepare('SELECT id FROM envs WHERE name = ?').pluck(),
    appId: db.prepare('SELECT id FROM apps WHERE name = ?').pluck(),
    addEnv: db.prepare('INSERT INTO envs (name) VALUES (?)'),
    addApp: db.prepare('INSERT INTO apps (name) VALUES (?)'),
    repositoryId: db.prepare('SELECT id FROM repositories WHERE url = ?').pluck(),
    addRepository: db.prepare('INSERT INTO repositories (url) VALUES (?)'),
    urlId: db.prepare('SELECT id FROM urls WHERE url = ?').pluck(),
    // How many of a pair's latest URL_WINDOW deployments carry a URL as text
    // (sqlite-writer.ts urlOf).
    recentUses: db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT url FROM ledger WHERE pair = ?
           ORDER BY deployed_at DESC LIMIT ${URL_WINDOW}) WHERE url = ?`,
      )
      .pluck(),
    addUrl: db.prepare('INSERT INTO urls (url) VALUES (?)'),
    scopeId: db.prepare('SELECT id FROM idem_scopes WHERE scope = ?').pluck(),
    addScope: db.prepare('INSERT INTO idem_scopes (scope) VALUES (?)'),
    pairOf: db.prepare('SELECT id FROM pairs WHERE env = ? AND app = ?').pluck(),
    // Rollback flags (sqlite-rollbacks.ts): each version's first success in
    // a pair, and the rows an out-of-order success can reflag.
    versionFirst: db
      .prepare('SELECT first_seq FROM pair_versions WHERE pair = ? AND version = ?')
      .raw(),
    addVersion: db.prepare('INSERT INTO pair_versions (pair, version, first_seq) VALUES (?, ?, ?)'),
    setVersionFirst: db.prepare(
      'UPDATE pair_versions SET first_seq = ? WHERE pair = ? AND version = ?',
    ),
    isBefore: db.prepare('SELECT (deployed_at, id) < (?, ?) FROM ledger WHERE seq = ?').pluck(),
    nextSuccess: db
      .prepare(
        `SELECT seq, version, rollback FROM ledger WHERE pair = ? AND status = 0
           AND deployed_at >= ? AND (deployed_at, id) > (?, ?)
         ORDER BY deployed_at, id LIMIT 1`,
      )
      .raw(),
    rollbackAt: db.prepare('SELECT rollback, deployed_at, id FROM ledger WHERE seq = ?').raw(),
    versionOf: db.prepare('SELECT version FROM ledger WHERE seq = ?').pluck(),
    setRollback: db.prepare('UPDATE ledger SET rollback = ? WHERE seq = ?'),
    insert: db.prepare(
      `INSERT INTO ledger (id, pair, env, status, deployed_at, recorded_after_id, version,
         rollback, commit_sha, committed_at, ref, url, pipeline_url, actor, source, attributes,
         recorded_by, idem_key, idem_scope, idem_hash, repository)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    pairState: db
      .prepare(
        `SELECT p.id, p.latest_seq, l.deployed_at, l.id, p.current_seq, c.deployed_at, c.id,
           c.version
         FROM pairs p JOIN ledger l ON l.seq = p.latest_seq
           LEFT JOIN ledger c ON c.seq = p.current_seq
         WHERE p.env = ? AND p.app = ?`,
      )
      .raw(),
    // A new pair is added before its first row (the row refers to it), then
    // pointed at that row.
    addPair: db.prepare(
      'INSERT INTO pairs (env, app, first_seq, current_seq, latest_seq) VALUES (?, ?, 0, NULL, 0)',
    ),
    setPair: db.prepare(
      'UPDATE pairs SET first_seq = ?, current_seq = ?, latest_seq = ? WHERE id = ?',
    ),
    updatePair: db.prepare('UPDATE pairs SET current_seq = ?, latest_seq = ? WHERE id = ?'),
    allEnvs: db.prepare('SELECT id FROM envs').pluck(),
    prune: db.prepare(
      `DELETE FROM ledger WHERE seq IN (
         SELECT seq FROM ledger WHERE env = ? AND deployed_at < ?
           AND seq NOT IN (SELECT current_seq FROM pairs WHERE current_seq IS NOT NULL)
           AND seq NOT IN (SELECT latest_seq FROM pairs)
         LIMIT ?)`,
    ),
  };
}

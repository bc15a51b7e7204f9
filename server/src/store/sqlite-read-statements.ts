/**
 * The prepared statements of LedgerReads (sqlite-reads.ts), once per
 * connection: the HTTP thread's and each reader thread's. Tables:
 * sqlite-compact.ts and sqlite-schema.ts.
 */
import type Database from 'better-sqlite3';
import { DOC_COLUMNS, DOC_JOINS, PAIR_JOINS } from './sqlite-docs.js';

/** Prepares every statement LedgerReads runs but history's (built per query shape). */
export function prepare(db: Database.Database) {
  const statements = prepareAll(db);
  // Named as the library's public type, so that the declaration can be emitted.
  return statements as { [K in keyof typeof statements]: Database.Statement };
}

function prepareAll(db: Database.Database) {
  // Environments in first-seen order: the first seq of any of their pairs.
  const envOrder = '(SELECT env, MIN(first_seq) AS first FROM pairs GROUP BY env) f';
  // For each pair of the env, its latest deployment (of a status) at or before the instant.
  const named = 'd.seq, d.rollback, a.name'; // a NamedRow
  // Each app's latest deployment at @at (with `status`, a filter of x), kept where `found` holds of it.
  const asOf = (status: string, found = '') => `SELECT ${named} FROM pairs p ${PAIR_JOINS}
    JOIN ledger d ON d.seq = (
      SELECT seq FROM ledger x WHERE x.pair = p.id ${status} AND x.deployed_at <= @at
      ORDER BY x.deployed_at DESC, x.id DESC LIMIT 1)
    WHERE p.env = @env ${found} ORDER BY a.name`;
  const bySeq = (seq: string, where: string) => `SELECT ${named} FROM pairs p ${PAIR_JOINS}
    JOIN ledger d ON d.seq = p.${seq} WHERE ${where} ORDER BY a.name`;
  return {
    ping: db.prepare('SELECT 1'),
    exportDocs: db.prepare(`SELECT ${DOC_COLUMNS} FROM ledger d ${DOC_JOINS} ORDER BY d.seq`).raw(),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    docBySeq: db.prepare(`SELECT ${DOC_COLUMNS} FROM ledger d ${DOC_JOINS} WHERE d.seq = ?`).raw(),
    seqById: db.prepare('SELECT seq, rollback FROM ledger WHERE id = ?').raw(),
    envId: db.prepare('SELECT id FROM envs WHERE name = ?').pluck(),
    pairNames: db
      .prepare(
        'SELECT p.id, e.name, a.name FROM pairs p JOIN envs e ON e.id = p.env JOIN apps a ON a.id = p.app',
      )
      .raw(),
    allEnvs: db.prepare('SELECT id FROM envs').pluck(),
    pairOf: db
      .prepare(
        `SELECT p.id FROM pairs p JOIN envs e ON e.id = p.env JOIN apps a ON a.id = p.app
         WHERE e.name = ? AND a.name = ?`,
      )
      .pluck(),
    pairsOfApp: db
      .prepare('SELECT p.id FROM pairs p JOIN apps a ON a.id = p.app WHERE a.name = ?')
      .pluck(),
    current: db.prepare(bySeq('current_seq', 'p.env = ?')).raw(),
    currentAt: db.prepare(asOf('AND x.status = 0')).raw(),
    // Latest deployments that are not the current one: only those rows are read.
    attempts: db
      .prepare(
        bySeq(
          'latest_seq',
          'p.env = (SELECT id FROM envs WHERE name = ?) AND p.latest_seq IS NOT p.current_seq',
        ),
      )
      .raw(),
    latest: db.prepare(bySeq('latest_seq', 'p.env = ?')).raw(),
    latestAt: db.prepare(asOf('')).raw(),
    // At an instant: the latest deployments that are not successes (status 0), so not current.
    attemptsAt: db.prepare(asOf('', 'AND d.status <> 0')).raw(),
    environments: db.prepare(
      `SELECT e.name AS env, COUNT(*) AS apps, MAX(l.deployed_at) AS last, MIN(p.first_seq) AS first
       FROM pairs p JOIN envs e ON e.id = p.env JOIN ledger l ON l.seq = p.latest_seq
       GROUP BY p.env ORDER BY first`,
    ),
    appEnvs: db.prepare(
      `SELECT a.name AS app, e.name AS env, l.deployed_at AS latest_at
       FROM pairs p ${PAIR_JOINS} JOIN ledger l ON l.seq = p.latest_seq
       JOIN ${envOrder} ON f.env = p.env
       ORDER BY a.name, f.first`,
    ),
    appState: db
      .prepare(
        `SELECT e.name, d.seq, d.rollback FROM pairs p ${PAIR_JOINS} JOIN ${envOrder} ON f.env = p.env
         LEFT JOIN ledger d ON d.seq = p.current_seq
         WHERE p.app = (SELECT id FROM apps WHERE name = ?) ORDER BY f.first`,
      )
      .raw(),
  };
}

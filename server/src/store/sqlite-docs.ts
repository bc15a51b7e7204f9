/**
 * A ledger row back into the deployment's JSON text, exactly as the API
 * answers it (shared.ts deploymentOf, then JSON.stringify): same keys, same
 * order, nulls included. The ledger keeps columns, not the text, so that no
 * name, null or key is stored once per row; building the text here costs
 * about a microsecond a row (BENCHMARKS.md, "data").
 */
import { decodeId, idTime } from './sqlite-ids.js';

/** Status codes as stored (one byte, or none for 0 and 1: SQLite's constant serial types). */
export const STATUSES = ['success', 'failure', 'started', 'rolled_back'] as const;
export const STATUS_CODE: Readonly<Record<string, number>> = {
  success: 0,
  failure: 1,
  started: 2,
  rolled_back: 3,
};

/**
 * The columns a document is built from, in DocRow's order, for a query whose
 * ledger alias is `d`, joined to pairs `p`, envs `e` and apps `a`.
 */
export const DOC_COLUMNS = `d.id, e.name, a.name, d.version, d.status, d.deployed_at,
  d.recorded_after_id, d.commit_sha, d.committed_at, d.ref,
  CASE typeof(d.url) WHEN 'integer' THEN (SELECT u.url FROM urls u WHERE u.id = d.url)
    ELSE d.url END, d.pipeline_url, d.actor, d.source, d.attributes,
  d.recorded_by, d.idem_key, d.rollback,
  (SELECT r.url FROM repositories r WHERE r.id = d.repository)`;

/**
 * The joins DOC_COLUMNS needs, after `FROM ledger d`. CROSS JOIN keeps the
 * ledger the outer loop, so that its time index gives the order.
 */
export const DOC_JOINS = `CROSS JOIN pairs p ON p.id = d.pair CROSS JOIN envs e ON e.id = p.env
  CROSS JOIN apps a ON a.id = p.app`;

/** The joins for DOC_COLUMNS when pairs `p` leads and `d` is joined on a seq of it. */
export const PAIR_JOINS = `JOIN envs e ON e.id = p.env JOIN apps a ON a.id = p.app`;

/** A row of DOC_COLUMNS as better-sqlite3 returns it in raw mode. */
export type DocRow = [
  Uint8Array,
  string,
  string,
  string,
  number,
  number,
  number,
  string | null,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  number,
  string | null,
];

const iso = (ms: number): string => new Date(ms).toISOString();

/** The deployment's JSON text. Attributes are stored as JSON text (null for none). */
export function docText(row: DocRow): string {
  return JSON.stringify({
    id: decodeId(row[0]),
    env: row[1],
    app: row[2],
    version: row[3],
    status: STATUSES[row[4]],
    deployedAt: iso(row[5]),
    // Stored as ms after the instant in the id (migration 12).
    recordedAt: iso(idTime(row[0]) + row[6]),
    commit: row[7],
    committedAt: row[8] === null ? null : iso(row[8]),
    ref: row[9],
    repository: row[18],
    url: row[10],
    pipelineUrl: row[11],
    actor: row[12],
    source: row[13],
    attributes: row[14] === null ? {} : (JSON.parse(row[14]) as unknown),
    recordedBy: row[15],
    idempotencyKey: row[16],
    rollback: row[17] === 1,
  });
}

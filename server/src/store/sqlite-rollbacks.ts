/**
 * The derived `rollback` flag in the SQLite ledger. Each stored document
 * carries it (so that every read passes documents on as they are); the
 * writer sets it on insert and, when a success arrives out of order,
 * recomputes the flags of its env and app from the events (rollback.ts).
 * `json_set` changes only that key: the event's own fields never change.
 */
import type Database from 'better-sqlite3';
import { rollbackFlags } from '../rollback.js';

interface SuccessRow {
  seq: number;
  version: string;
  /** The stored flag: 1, 0, or null before the migration set one. */
  flag: number | null;
}

/**
 * Recomputes the flags of one env and app's successes, oldest first, and
 * writes the ones that changed. Returns how many changed. Runs inside the
 * caller's transaction.
 */
export function recomputeRollbacks(db: Database.Database, env: string, app: string): number {
  const rows = db
    .prepare(
      `SELECT seq, json_extract(doc, '$.version') AS version, json_extract(doc, '$.rollback') AS flag
       FROM deployments WHERE app = ? AND env = ? AND status = 'success'
       ORDER BY deployed_at, id`,
    )
    .all(app, env) as SuccessRow[];
  const flags = rollbackFlags(rows.map((r) => r.version));
  const update = db.prepare(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json(?)) WHERE seq = ?`,
  );
  let changed = 0;
  rows.forEach((row, i) => {
    const flag = flags[i] === true;
    if (row.flag === (flag ? 1 : 0)) return;
    update.run(flag ? 'true' : 'false', row.seq);
    changed += 1;
  });
  return changed;
}

/** Migration: every document gets `"rollback": false`, then each pair's successes their flags. */
export function backfillRollbacks(db: Database.Database): void {
  db.exec(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json('false'))
     WHERE json_extract(doc, '$.rollback') IS NULL`,
  );
  const pairs = db.prepare('SELECT env, app FROM env_apps').all() as { env: string; app: string }[];
  for (const { env, app } of pairs) recomputeRollbacks(db, env, app);
}

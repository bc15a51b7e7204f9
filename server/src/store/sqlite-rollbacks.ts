/**
 * The derived `rollback` flag in the SQLite ledger. Each row carries it (so
 * that every read passes rows on as they are); the writer sets it on insert
 * and, when a success arrives out of order, recomputes the flags of its env
 * and app from the events (rollback.ts). Only the flag changes: the event's
 * own fields never do.
 */
import type Database from 'better-sqlite3';
import { rollbackFlags } from '../rollback.js';

/**
 * Recomputes the flags of one pair's successes (ledger.pair), oldest first,
 * and writes the ones that changed. Returns how many changed. Runs inside the
 * caller's transaction.
 */
export function recomputeRollbacks(db: Database.Database, pair: number): number {
  const rows = db
    .prepare(
      `SELECT seq, version, rollback FROM ledger WHERE pair = ? AND status = 0
       ORDER BY deployed_at, id`,
    )
    .raw()
    .all(pair) as [number, string, number][];
  const flags = rollbackFlags(rows.map((r) => r[1]));
  const update = db.prepare('UPDATE ledger SET rollback = ? WHERE seq = ?');
  let changed = 0;
  rows.forEach(([seq, , stored], i) => {
    const flag = flags[i] === true ? 1 : 0;
    if (stored === flag) return;
    update.run(flag, seq);
    changed += 1;
  });
  return changed;
}

/**
 * Migration 5, as released: every document of the version-4 `deployments`
 * table gets `"rollback": false`, then each pair's successes their flags.
 * Frozen with the schema it ran on (JSON documents keyed by names).
 */
export function backfillRollbacks(db: Database.Database): void {
  db.exec(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json('false'))
     WHERE json_extract(doc, '$.rollback') IS NULL`,
  );
  const pairs = db.prepare('SELECT env, app FROM env_apps').all() as { env: string; app: string }[];
  const select = db.prepare(
    `SELECT seq, json_extract(doc, '$.version') AS version, json_extract(doc, '$.rollback') AS flag
     FROM deployments WHERE app = ? AND env = ? AND status = 'success'
     ORDER BY deployed_at, id`,
  );
  const update = db.prepare(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json(?)) WHERE seq = ?`,
  );
  for (const { env, app } of pairs) {
    const rows = select.all(app, env) as { seq: number; version: string; flag: number | null }[];
    const flags = rollbackFlags(rows.map((r) => r.version));
    rows.forEach((row, i) => {
      const flag = flags[i] === true;
      if (row.flag !== (flag ? 1 : 0)) update.run(flag ? 'true' : 'false', row.seq);
    });
  }
}

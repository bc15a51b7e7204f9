/**
 * The first success of each version in each pair (pair_versions.first_seq,
 * migration 11), from which the writer reflags an out-of-order success's
 * neighbours instead of its pair's history (sqlite-rollbacks.ts): what the
 * migration fills in on a file written before it, and that flags stay right
 * after it, retention included.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { MIGRATIONS } from '../../server/src/store/sqlite-schema.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** Each pair_versions row as "app version: seq of its first success" (null for none). */
function firsts(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT a.name AS app, v.version, v.first_seq AS seq FROM pair_versions v
           JOIN pairs p ON p.id = v.pair JOIN apps a ON a.id = p.app ORDER BY a.name, v.version`,
        )
        .all() as { app: string; version: string; seq: number | null }[]
    ).map((r) => `${r.app} ${r.version}: ${r.seq}`);
  } finally {
    db.close();
  }
}

/** Oldest first: version, R for a rollback, :failure for a failure. */
async function ledger(store: SqliteStore, app: string): Promise<string[]> {
  const { items } = await store.history({ env: 'dev', app, limit: 100 });
  return items
    .reverse()
    .map(
      (x) => `${x.version}${x.status === 'success' ? '' : `:${x.status}`}${x.rollback ? ' R' : ''}`,
    );
}

describe('first successes (migration 11)', () => {
  it('are filled in from the ledger by (deployed_at, id) on a file written before it', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    await store.open();
    // Recorded in this order (seq 1 to 5): 2.0.0 at +2 min, 1.0.0 at +3, 2.0.0 at +1
    // (out of order), a failure of 3.0.0, and 1.0.0 at +4.
    await store.record(d({ version: '2.0.0', deployedAt: T0 + 2 * MINUTE }));
    await store.record(d({ version: '1.0.0', deployedAt: T0 + 3 * MINUTE }));
    await store.record(d({ version: '2.0.0', deployedAt: T0 + MINUTE }));
    await store.record(d({ version: '3.0.0', status: 'failure', deployedAt: T0 }));
    await store.record(d({ version: '1.0.0', deployedAt: T0 + 4 * MINUTE }));
    await store.close();
    // What this code keeps: 2.0.0's first success is seq 3 (at +1), 1.0.0's seq 2.
    expect(firsts(path)).toEqual(['api 1.0.0: 2', 'api 2.0.0: 3']);
    // The pair_versions of migration 10 (no first_seq), then migration 11 again.
    const db = new Database(path);
    db.exec('ALTER TABLE pair_versions DROP COLUMN first_seq');
    db.exec(MIGRATIONS[10] as string);
    db.close();
    expect(firsts(path)).toEqual(['api 1.0.0: 2', 'api 2.0.0: 3']);
  });

  it('after it, and after retention pruned a first success, flags stay right', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    await store.open();
    await store.record(d({ version: 'abc1234', deployedAt: T0 }));
    await store.record(d({ version: 'def5678', deployedAt: T0 + 10 * MINUTE }));
    await store.record(d({ version: 'fff0000', deployedAt: T0 + 20 * MINUTE }));
    // Retention: abc1234's only success goes; def5678 and fff0000 stay (fff0000 is current).
    expect(await store.prune(T0 + MINUTE)).toBe(1);
    expect(await ledger(store, 'api')).toEqual(['def5678', 'fff0000']);
    // abc1234 ran there before anything kept (its first success is gone, not
    // forgotten): back-dated between the two, it is a rollback; fff0000 now
    // replaces it, never ran before, and SHAs have no rank: not one.
    await store.record(d({ version: 'abc1234', deployedAt: T0 + 15 * MINUTE }));
    expect(await ledger(store, 'api')).toEqual(['def5678', 'abc1234 R', 'fff0000']);
    await store.close();
  });
});

/**
 * What the SQLite ledger keeps true across maintenance (issue 16's breaker):
 * a pruned deployment's seq is never given to a new one, so no cache or
 * reference by seq can name the wrong deployment; and a VACUUM the
 * migration left pending (a process killed during it) runs at the next start.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { migrate, openDatabase } from '../../server/src/store/sqlite-connection.js';
import { LedgerWriter } from '../../server/src/store/sqlite-writer.js';
import { newDeployment as d, T0 } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);
const DAY = 24 * 3600_000;

describe('sqlite maintenance', () => {
  it('a deployment recorded after a prune never takes a pruned one’s place, at any instant', async () => {
    const store = new SqliteStore(tempDbPath());
    await store.record(d({ env: 'e', app: 'a', version: '2.0.0', deployedAt: T0 + 100 * DAY }));
    // Back-dated: the highest seq, neither current nor latest, so pruned.
    await store.record(d({ env: 'e', app: 'a', version: '1.0.0', deployedAt: T0 + 10 * DAY }));
    const before = await store.current('e', T0 + 11 * DAY);
    expect(before?.map((x) => x.version)).toEqual(['1.0.0']); // read (and cached) by a reader
    expect(await store.prune(T0 + 50 * DAY)).toBe(1);
    const third = await store.record(
      d({ env: 'e', app: 'a', version: '3.0.0', deployedAt: T0 + 200 * DAY }),
    );
    // The same reader answers: what it cached for the pruned row is not the new one.
    expect((await store.current('e', T0 + 201 * DAY))?.map((x) => x.id)).toEqual([
      third.deployment.id,
    ]);
    expect((await store.current('e', T0 + 11 * DAY))?.map((x) => x.version)).toEqual([]);
    expect((await store.history({ env: 'e', limit: 10 })).items.map((x) => x.version)).toEqual([
      '3.0.0',
      '2.0.0',
    ]);
    await store.close();
  });

  it('a VACUUM left pending by a killed migration runs at the next start', () => {
    const path = tempDbPath();
    let db = openDatabase(path);
    migrate(db);
    const writer = new LedgerWriter(db);
    writer.write(
      Array.from({ length: 3000 }, (_, i) => ({
        n: i,
        claim: undefined,
        hooks: [],
        input: d({ app: `app-${i}`, version: `1.0.${i}`, deployedAt: T0 + i }),
      })),
    );
    // Freed pages, and the task a migration leaves until its VACUUM is done.
    db.exec(`DELETE FROM ledger WHERE seq > 10; INSERT INTO pending_tasks VALUES ('vacuum')`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(db.pragma('freelist_count', { simple: true })).toBeGreaterThan(10);
    db.close();

    db = openDatabase(path);
    const summary = migrate(db);
    expect(summary).toMatchObject({ deployments: 10 });
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM pending_tasks').pluck().get()).toBe(0);
    db.close();
    // Done once: the start after that has nothing to do.
    const again = new Database(path);
    expect(migrate(again)).toBeNull();
    again.close();
  });
});

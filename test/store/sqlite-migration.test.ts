/**
 * Migration in place (issue 16, item 2): a database written by release
 * 1.0.0's own code (release-build.ts, release-db.ts), of 260,000
 * deployments (SVT_MIGRATION_ROWS), answers every store question the same
 * before and after it is migrated to the compact ledger:
 * - "before" is the last release of the old schema (BASE, version 6) reading
 *   the file, which it migrates from 1.0.0 to 6;
 * - that same file then opened by this code (6 to 7), and a fresh copy of
 *   the 1.0.0 file opened by this code (3 to 7 in one go).
 * Idempotent replays of keys 1.0.0 recorded give the first answers again.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { MIGRATIONS } from '../../server/src/store/sqlite-schema.js';
import type { MigrationSummary } from '../../server/src/store/sqlite-connection.js';
import type { IdempotencyClaim, NewDeployment, Store } from '../../server/src/store/types.js';
import { RELEASE_1_0_0, releaseBuild } from '../helpers/release-build.js';
import {
  RELEASE_TOKENS,
  claimOf,
  deploymentInput,
  releaseDatabase,
} from '../helpers/release-db.js';
import {
  type AskedStore,
  type Questions,
  askEverything,
  withoutAdded,
} from '../helpers/store-answers.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** The last commit with the version-6 schema: what main ran before the compact ledger. */
const BASE = '0d087f6ab4a227fcb10ab4f8f52bd51fa0fbbba0';
const ROWS = Number(process.env.SVT_MIGRATION_ROWS ?? 260_000);
const T0 = Date.parse('2025-01-01T00:00:00Z');

const questions: Questions = {
  envs: ['dev', 'staging', 'prod', 'nowhere'],
  apps: ['app-0000', 'app-0007', 'app-0299', 'app-0999', 'nothing'],
  instants: [
    T0 - 1,
    T0,
    T0 + 60_000 * 1234,
    T0 + 60_000 * Math.floor(ROWS / 2),
    T0 + 60_000 * ROWS,
  ],
  histories: [
    { limit: 50 },
    { env: 'dev', limit: 100 },
    { app: 'app-0007', limit: 20 },
    { env: 'prod', app: 'app-0007', limit: 7 },
    { status: 'failure', limit: 30 },
    { env: 'staging', status: 'started', limit: 10 },
    { env: 'dev', since: T0 + 60_000 * 49, until: T0 + 60_000 * 2000, limit: 25 },
    { until: T0 + 60_000 * 151, limit: 3 },
  ],
  pages: 4,
  tokenHashes: RELEASE_TOKENS.map((t) => t.hash),
};

/** Deployments recorded with an idempotency key, replayed. */
const REPLAYED = [3, 13, 1003, Math.floor(ROWS / 2) + 3, ROWS - 7].filter((i) => claimOf(i));

async function replays(store: Pick<Store, 'record'>): Promise<unknown[]> {
  const out = [];
  for (const i of REPLAYED) {
    out.push(
      await store.record(
        deploymentInput(i) as unknown as NewDeployment,
        claimOf(i) as IdempotencyClaim,
      ),
    );
  }
  return out;
}

type BaseStore = AskedStore & Pick<Store, 'record' | 'close'>;

describe('migrating a 1.0.0 database to the compact ledger', () => {
  it(`answers every question the same before and after (${ROWS} deployments)`, async () => {
    const dir = tempDir();
    const a = join(dir, 'a.db');
    await releaseDatabase(RELEASE_1_0_0, ROWS, a);
    const b = join(dir, 'b.db');
    copyFileSync(a, b);

    const baseModule = (await import(join(releaseBuild(BASE), 'server/src/store/sqlite.js'))) as {
      SqliteStore: new (path: string) => BaseStore;
    };
    const base = new baseModule.SqliteStore(a);
    const before = await askEverything(base, questions);
    const beforeReplays = await replays(base);
    await base.close();
    expect((before.export as { lines: number }).lines).toBe(ROWS);
    expect(beforeReplays.every((r) => (r as { replayed?: boolean }).replayed !== false)).toBe(true);

    for (const [path, from] of [
      [a, 6],
      [b, 3],
    ] as const) {
      const told: MigrationSummary[] = [];
      const store = new SqliteStore(path, (m) => told.push(m));
      const after = await askEverything(store, questions, true);
      // To the latest schema, whichever migration is the last one.
      expect(told).toEqual([
        { from, to: MIGRATIONS.length, deployments: ROWS, ms: expect.any(Number) },
      ]);
      expect(after).toEqual(before);
      expect(withoutAdded(await replays(store))).toEqual(beforeReplays);
      await store.close();
      // Only the compact tables are left.
      const db = new Database(path, { readonly: true });
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      db.close();
      expect(tables).toEqual([
        'apps',
        'envs',
        'idem_scopes', // the tokens that claimed idempotency keys, held once
        'ledger',
        'outbox', // webhook deliveries, written with their deployments
        'pair_versions',
        'pairs',
        'pending_tasks', // empty once the VACUUM is done
        'repositories',
        'server_keys',
        'sessions',
        'sqlite_sequence', // AUTOINCREMENT's: ledger seqs are never reused
        'tokens',
        'urls', // deployments' URLs, held once
      ]);
    }
  }, 900_000);
});

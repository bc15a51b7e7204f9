/**
 * Where the SQLite store reads a history page (issue 16, read aims): a page
 * whose index entries are bounded by its limit is read on the HTTP thread's
 * own connection, since a reader thread's wake-up can cost more than the
 * read; a page that can walk history (a status filter) or that merges many
 * scopes goes to a reader thread. Both give the same deployments, in the
 * same order, as the same text.
 *
 * The pool is watched, not replaced: the spy calls through to the real
 * reader threads.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { ReaderPool } from '../../server/src/store/sqlite-reader-pool.js';
import { LedgerReads } from '../../server/src/store/sqlite-reads.js';
import { openDatabase } from '../../server/src/store/sqlite-connection.js';
import type { HistoryQuery } from '../../server/src/store/types.js';
import { jsonArray } from '../../server/src/store/sqlite-read-jobs.js';
import { newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

/** `wide` is recorded in 25 environments, `narrow` in 3. */
const WIDE_ENVS = 25;
const T0 = Date.UTC(2026, 0, 1);

let path: string;
let store: SqliteStore;
const run = jest.spyOn(ReaderPool.prototype, 'run');

beforeAll(async () => {
  path = tempDbPath();
  store = new SqliteStore(path);
  const writes = [];
  for (let e = 0; e < WIDE_ENVS; e++) {
    for (let k = 0; k < 4; k++) {
      const at = T0 + (e * 4 + k) * 60_000;
      writes.push(
        store.record(d({ env: `env-${e}`, app: 'wide', version: `1.${k}.0`, deployedAt: at })),
      );
      if (e < 3) {
        const status = k === 2 ? 'failure' : 'success';
        writes.push(
          store.record(
            d({ env: `env-${e}`, app: 'narrow', version: `2.${k}.0`, status, deployedAt: at + 1 }),
          ),
        );
      }
    }
  }
  await Promise.all(writes);
});

afterEach(() => {
  run.mockClear();
});

afterAll(async () => {
  await store.close();
  run.mockRestore();
  removeTempDirs();
});

/** The ops of the reader jobs run since the last check. */
const readerOps = (): string[] => run.mock.calls.map(([job]) => job.op);

describe('LedgerReads.pageBound', () => {
  it('counts limit + 1 index entries per scope merged, and none for a status filter', () => {
    const db = openDatabase(path);
    const reads = new LedgerReads(db);
    const bound = (q: Omit<HistoryQuery, 'limit'>, limit = 50) => reads.pageBound({ ...q, limit });
    expect(bound({ env: 'env-0', app: 'narrow' })).toBe(51); // one pair
    expect(bound({ app: 'narrow' })).toBe(3 * 51); // its 3 pairs
    expect(bound({ app: 'wide' }, 100)).toBe(25 * 101);
    expect(bound({ env: 'env-7' })).toBe(51); // one environment
    expect(bound({})).toBe(25 * 51); // every environment
    expect(bound({ app: 'nowhere' })).toBe(0);
    expect(bound({ env: 'env-0', status: 'failure' })).toBeNull();
    db.close();
  });
});

describe('SqliteStore.history', () => {
  it('reads a bounded page here, and a page filtered by status in a reader thread', async () => {
    const here = await store.history({ app: 'narrow', limit: 50 });
    expect(readerOps()).toEqual([]);
    expect(here.items).toHaveLength(12);

    const failed = await store.history({ app: 'narrow', status: 'failure', limit: 50 });
    expect(readerOps()).toEqual(['history']);
    // The third deployment of each environment failed; newest first: env-2, env-1, env-0.
    expect(failed.items.map((x) => `${x.env} ${x.version}`)).toEqual([
      'env-2 2.2.0',
      'env-1 2.2.0',
      'env-0 2.2.0',
    ]);
    expect(failed.itemsJson).toBe(JSON.stringify(here.items.filter((x) => x.status === 'failure')));
  });

  it('gives a page merged over many scopes from a reader thread, the same as read here', async () => {
    // 25 pairs × 101 entries = 2,525, over the 2,000 read here; 25 × 11 = 275 are not.
    const wide = await store.history({ app: 'wide', limit: 100 });
    expect(readerOps()).toEqual(['history']);
    run.mockClear();
    const first = await store.history({ app: 'wide', limit: 10 });
    expect(readerOps()).toEqual([]);

    expect(wide.items).toHaveLength(100);
    expect(wide.next).toBeNull();
    // Newest first: env-24's 1.3.0 was recorded at T0 + 99 minutes.
    expect(first.items[0]).toMatchObject({
      env: 'env-24',
      version: '1.3.0',
      deployedAt: new Date(T0 + 99 * 60_000).toISOString(),
    });
    expect(first.itemsJson).toBe(JSON.stringify(wide.items.slice(0, 10)));
    expect(first.next).toEqual({ deployedAt: T0 + 90 * 60_000, id: wide.items[9]?.id });
    // The next page read here continues where the reader's page says.
    const second = await store.history({ app: 'wide', limit: 10, after: first.next ?? undefined });
    expect(readerOps()).toEqual([]);
    expect(second.itemsJson).toBe(JSON.stringify(wide.items.slice(10, 20)));
  });
});

describe('jsonArray', () => {
  it('writes JSON texts as the UTF-8 bytes of one array, whatever their characters', () => {
    expect(jsonArray([]).toString('latin1')).toBe('[]');
    expect(jsonArray(['1']).toString('latin1')).toBe('[1]');
    // "é" is 2 bytes in UTF-8, "😀" 4 (a surrogate pair in JS), so the object is 8 + 2 + 4 = 14:
    // "[" 1, the object 14, "," 1, "2" 1, "," 1, '"x"' 3, "]" 1 = 22.
    const bytes = jsonArray(['{"a":"é😀"}', '2', '"x"']);
    expect(bytes.length).toBe(22);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual([{ a: 'é😀' }, 2, 'x']);
  });
});

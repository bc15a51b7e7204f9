/**
 * Answers kept on the HTTP thread until the database changes
 * (sqlite-commit-cache.ts): history pages and states now. A kept answer is
 * served again only while no commit has landed since it was read, whoever
 * made the commit: the writer thread, another connection (an import in
 * another process) or the store's own connection (an import in process).
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { ENTRY_BYTES, UntilCommit } from '../../server/src/store/sqlite-commit-cache.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import type { ImportItem, NewDeployment } from '../../server/src/store/types.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/**
 * UntilCommit's lru-cache, which the class keeps private: the tests read
 * which keys it holds, least recently asked for first, without asking for
 * them (a `get` would move each one last).
 */
const entriesOf = (cache: UntilCommit<string>) =>
  (cache as unknown as { entries: { rkeys(): Iterable<string>; size: number } }).entries;

describe('UntilCommit', () => {
  it('keeps answers under one data_version and drops them all when it moves', () => {
    const cache = new UntilCommit<string>(10_000);
    expect(cache.get(7, 'a')).toBeUndefined();
    cache.set(7, 'a', 'page a', 10);
    cache.set(7, 'b', 'page b', 10);
    expect([cache.get(7, 'a'), cache.get(7, 'b')]).toEqual(['page a', 'page b']);
    expect(cache.get(8, 'a')).toBeUndefined();
    expect(cache.get(8, 'b')).toBeUndefined();
  });

  it('does not keep an answer read under a version the cache has since left', () => {
    const cache = new UntilCommit<string>(10_000);
    cache.get(7, 'a'); // a read starts at version 7...
    cache.get(8, 'b'); // ...another, after a commit, at 8
    cache.set(7, 'a', 'read across the commit', 10);
    expect(cache.get(8, 'a')).toBeUndefined();
    cache.set(8, 'b', 'page b', 10);
    expect(cache.get(8, 'b')).toBe('page b');
  });

  it('keeps at most maxBytes, dropping the least recently asked for, a key once, nothing after clear()', () => {
    // An answer of 10 bytes under a one-letter key costs 10 + 2 + ENTRY_BYTES.
    const cache = new UntilCommit<string>(2 * (12 + ENTRY_BYTES) + 5);
    const kept = () => [...entriesOf(cache).rkeys()];
    cache.get(1, 'a');
    cache.set(1, 'a', 'a', 10);
    cache.set(1, 'a', 'a again', 10); // not counted twice: 'b' fits beside it
    cache.set(1, 'b', 'b', 10);
    expect(kept()).toEqual(['a', 'b']);
    expect(cache.get(1, 'a')).toBe('a'); // asked for again: 'b' is now the least recent
    cache.set(1, 'c', 'c', 10); // a third does not fit: 'b' makes room
    expect(kept()).toEqual(['a', 'c']);
    cache.set(1, 'd', 'd', 15 + ENTRY_BYTES); // 'a' and 'c' both go
    expect(kept()).toEqual(['d']);
    cache.set(1, 'e', 'e', 2 * ENTRY_BYTES + 20); // larger than the bound alone: not kept, 'd' stays
    expect(kept()).toEqual(['d']);
    expect(cache.get(1, 'd')).toBe('d');
    cache.clear();
    expect(cache.get(1, 'd')).toBeUndefined();
    cache.set(1, 'a', 'a', 10);
    expect(cache.get(1, 'a')).toBe('a');
  });

  it('counts what each answer costs besides its value: 200,000 empty pages stay within the bound', () => {
    // A breaker's flood: history queries with an `until` 1 ms apart, each
    // an empty page of 2 characters; counting the text alone let 16 MB of
    // pages hold 8.4 million entries (1.85 GB).
    const max = 16 * 1024 * 1024;
    const cache = new UntilCommit<string>(max);
    const entries = entriesOf(cache);
    cache.get(1, '');
    for (let k = 0; k < 200_000; k++) {
      const key = JSON.stringify(['cur', 'x', null, null, 86_400_000 + k, null, null, 1]);
      cache.set(1, key, '[]', 4);
    }
    const keyBytes = 2 * JSON.stringify(['cur', 'x', null, null, 86_400_000, null, null, 1]).length;
    expect(entries.size).toBe(Math.floor(max / (4 + keyBytes + ENTRY_BYTES)));
  });
});

/**
 * The reader-thread jobs `store` starts from now on, counted: its pool is
 * private, and a page answered from memory shows only in that it started none.
 */
function readerJobs(store: SqliteStore): { count: () => number } {
  const pool = (store as unknown as { readers: { run: (job: unknown) => Promise<unknown> } })
    .readers;
  const run = jest.spyOn(pool, 'run');
  return { count: () => run.mock.calls.length };
}

const item = (input: NewDeployment, id: string): ImportItem => ({
  input,
  id,
  recordedAt: input.deployedAt,
  idempotencyKey: null,
});

const versions = async (store: SqliteStore, limit = 10) =>
  (await store.history({ env: 'dev', limit })).items.map((x) => x.version);

describe('SQLite history pages and states, kept until a commit', () => {
  it('serves a page read again from memory, and reads it anew after any write', async () => {
    const store = new SqliteStore(tempDbPath());
    await store.open();
    try {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }));
      const jobs = readerJobs(store);
      const first = await store.history({ env: 'dev', limit: 10 });
      const again = await store.history({ env: 'dev', limit: 10 });
      expect(again.itemsJson).toBe(first.itemsJson);
      expect(jobs.count()).toBe(1);
      // Another query is another page: other limit, other filter, a cursor.
      expect(await versions(store, 1)).toEqual(['1.1.0']);
      expect((await store.history({ env: 'dev', status: 'failure', limit: 10 })).items).toEqual([]);
      const after = { deployedAt: T0 + MINUTE, id: first.items[0]?.id ?? '' };
      const next = await store.history({ env: 'dev', after, limit: 10 });
      expect(next.items.map((x) => x.version)).toEqual(['1.0.0']);
      expect(jobs.count()).toBe(4);
      // A write acknowledged is in the next read of every page.
      await store.record(d({ version: '1.2.0', deployedAt: T0 + 2 * MINUTE }));
      expect(await versions(store)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
      expect(await versions(store, 1)).toEqual(['1.2.0']);
      expect(jobs.count()).toBe(6);
      // So is a back-dated one, and a deletion by retention.
      await store.record(d({ version: '0.9.0', deployedAt: T0 - MINUTE }));
      expect(await versions(store)).toEqual(['1.2.0', '1.1.0', '1.0.0', '0.9.0']);
      expect(await store.prune(T0)).toBe(1);
      expect(await versions(store)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    } finally {
      await store.close();
    }
  });

  it('answers a page asked for while a write lands, and holds the write in the next read', async () => {
    const store = new SqliteStore(tempDbPath());
    await store.open();
    try {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      // Asked for before the write is answered, the page may or may not hold
      // it; the next read, after the write's answer, must. (Which of the two
      // finishes first is the threads' choice: UntilCommit's own test above
      // pins the rule that a page read across a commit is not kept.)
      const [page] = await Promise.all([
        store.history({ env: 'dev', limit: 10 }),
        store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE })),
      ]);
      expect(page.items.length).toBeGreaterThanOrEqual(1);
      expect(await versions(store)).toEqual(['1.1.0', '1.0.0']);
    } finally {
      await store.close();
    }
  });

  it("sees an import by another connection, and the store's own import, in pages and states", async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    const other = new SqliteStore(path);
    await store.open();
    await other.open();
    try {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      expect(await versions(store)).toEqual(['1.0.0']);
      const state = async () => JSON.parse(String((await store.snapshot('dev'))?.currentJson));
      expect((await state()).map((x: { version: string }) => x.version)).toEqual(['1.0.0']);
      // Another connection: data_version tells this one.
      await other.importMany([
        item(d({ version: '2.0.0', deployedAt: T0 + MINUTE }), '01KB000000000000000000000A'),
      ]);
      expect(await versions(store)).toEqual(['2.0.0', '1.0.0']);
      expect((await state()).map((x: { version: string }) => x.version)).toEqual(['2.0.0']);
      // This store's own connection: data_version does not change for it.
      await store.importMany([
        item(d({ version: '3.0.0', deployedAt: T0 + 2 * MINUTE }), '01KB000000000000000000000B'),
      ]);
      expect(await versions(store)).toEqual(['3.0.0', '2.0.0', '1.0.0']);
      expect((await state()).map((x: { version: string }) => x.version)).toEqual(['3.0.0']);
    } finally {
      await other.close();
      await store.close();
    }
  });
});

it('never answers a page without a write acknowledged before the page was asked for', async () => {
  // A writer and three readers of the same page (so mostly answered from
  // memory) for 2 s: every page must hold each write answered before it
  // was asked for. Writes go forward in time, so the newest one a page
  // holds is its first.
  const store = new SqliteStore(tempDbPath());
  await store.open();
  let stop = false;
  let acknowledged = -1;
  let answers = 0;
  const stale: string[] = [];
  const write = async () => {
    for (let i = 0; !stop; i++) {
      await store.record(d({ version: `1.0.${i}`, deployedAt: T0 + i }));
      acknowledged = i;
    }
  };
  const read = async () => {
    while (!stop) {
      const mustHold = acknowledged;
      const [newest] = (await store.history({ env: 'dev', limit: 20 })).items;
      answers++;
      const holds = newest === undefined ? -1 : Number(newest.version.split('.')[2]);
      if (holds < mustHold) stale.push(`asked after 1.0.${mustHold}, got ${newest?.version}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const running = [write(), read(), read(), read()];
  await new Promise((resolve) => setTimeout(resolve, 2000));
  stop = true;
  await Promise.all(running);
  await store.close();
  expect(stale).toEqual([]);
  expect(acknowledged).toBeGreaterThan(10);
  expect(answers).toBeGreaterThan(acknowledged);
});

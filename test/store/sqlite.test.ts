import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { deploymentOf } from '../../server/src/store/shared.js';
import type { HistoryQuery, NewDeployment } from '../../server/src/store/types.js';
import { openDatabase } from '../../server/src/store/sqlite-connection.js';
import { LedgerReads } from '../../server/src/store/sqlite-reads.js';
import { jsonArray } from '../../server/src/store/sqlite-read-jobs.js';
import { MIGRATIONS } from '../../server/src/store/sqlite-schema.js';
import { newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';
import { storeContract } from './contract.js';

afterAll(removeTempDirs);

storeContract('sqlite', async () => new SqliteStore(tempDbPath()), {
  openPair: async () => {
    const path = tempDbPath();
    return [new SqliteStore(path), new SqliteStore(path)];
  },
});

describe('sqlite store', () => {
  it('sets WAL and synchronous=FULL on every connection, including a reopened file', async () => {
    const path = tempDbPath();
    const first = new SqliteStore(path);
    await first.record(d());
    await first.close();
    const again = new SqliteStore(path);
    await again.open();
    // A second, independent connection sees WAL persisted in the file.
    const probe = new Database(path, { readonly: true });
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    expect(await again.current('dev')).toHaveLength(1);
    await again.close();
  });

  it('migrates a new file to the latest schema version, once', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    await store.open();
    await store.close();
    await new SqliteStore(path).close(); // opening again runs no migration
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database from a newer SVT rather than misreading it', async () => {
    const path = tempDbPath();
    await new SqliteStore(path).open();
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    await expect(new SqliteStore(path).open()).rejects.toThrow(/newer than this server knows/);
  });

  it('commits a batch of writes together, and one failing write fails alone', async () => {
    const store = new SqliteStore(tempDbPath());
    await store.open();
    const claim = { scope: '', key: 'k', fingerprint: 'one' };
    await store.record(d(), claim);
    // Same event-loop turn: one transaction; the key reuse fails in its own savepoint.
    const results = await Promise.allSettled([
      store.record(d({ version: '2.0.0' })),
      store.record(d({ version: '3.0.0' }), { ...claim, fingerprint: 'two' }),
      store.record(d({ version: '4.0.0' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.history({ limit: 10 })).items.map((x) => x.version)).toEqual(
      expect.arrayContaining(['1.0.0', '2.0.0', '4.0.0']),
    );
    expect((await store.history({ limit: 10 })).items).toHaveLength(3);
    await store.close();
  });

  it('sees, through its current-state cache, a write made by another connection', async () => {
    const path = tempDbPath();
    const server = new SqliteStore(path);
    const other = new SqliteStore(path); // as a separate import process would
    await server.record(d({ version: '1.0.0' }));
    const read = async () => JSON.parse((await server.currentJson('dev'))?.toString() ?? '[]');
    expect((await read())[0].version).toBe('1.0.0');
    await other.record(d({ version: '2.0.0', deployedAt: d().deployedAt + 1 }));
    expect((await read())[0].version).toBe('2.0.0');
    await other.close();
    await server.close();
  });

  it('pages DORA events through ties of deployed_at, each once, in history order', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    // Seven deployments at one instant (and one before): pages of 3 end
    // inside the tie, so each next page starts from an id, read as hex.
    const at = d().deployedAt;
    for (let i = 0; i < 7; i++)
      await store.record(d({ app: `a${i}`, version: `1.${i}.0`, deployedAt: at }));
    await store.record(d({ app: 'a0', version: '0.9.0', deployedAt: at - 1000 }));
    const history = (await store.history({ env: 'dev', limit: 100 })).items;
    await store.close();
    const reads = new LedgerReads(openDatabase(path));
    const seen: string[] = [];
    let query: HistoryQuery = { env: 'dev', since: at - 60_000, until: at + 1, limit: 3 };
    for (let page = 0; page < 10; page++) {
      const { events, next } = reads.doraEvents(query);
      seen.push(...events.map((e) => `${e.app}@${e.version}`));
      if (next === null) break;
      query = { ...query, after: next };
    }
    reads.db.close();
    expect(seen).toEqual(history.map((x) => `${x.app}@${x.version}`));
    expect(seen).toHaveLength(8);
  });

  it('gives a history page as JSON text too, the text its items serialize to', async () => {
    const store = new SqliteStore(tempDbPath());
    const at = d().deployedAt;
    await store.record(d({ app: 'web', version: '1.0.0', deployedAt: at }));
    await store.record(
      d({ app: 'api ✓', version: '2.0.0', deployedAt: at + 1000, attributes: { n: 2, s: '"' } }),
    );
    await store.record(d({ app: 'web', version: '0.9.0', deployedAt: at - 1000 }));
    const page = await store.history({ env: 'dev', limit: 2 });
    const other = await store.currentJson('dev', at + 1000);
    await store.close();
    expect(page.items.map((x) => `${x.app}@${x.version}`)).toEqual(['api ✓@2.0.0', 'web@1.0.0']);
    expect(page.items[0]?.attributes).toEqual({ n: 2, s: '"' });
    expect(page.itemsJson).toBe(JSON.stringify(page.items));
    expect(page.next).toEqual({ deployedAt: at, id: page.items[1]?.id });
    // At an instant, the bytes come from a reader thread, handed over whole.
    const state = JSON.parse(other?.toString('utf8') ?? 'null') as {
      app: string;
      version: string;
    }[];
    expect(state.map((x) => `${x.app}@${x.version}`)).toEqual(['api ✓@2.0.0', 'web@1.0.0']);
  });

  it('keeps the projection in agreement with the events', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    for (let i = 0; i < 50; i++) {
      await store.record(
        d({
          app: `a${i % 7}`,
          version: `1.${i}.0`,
          status: i % 4 === 0 ? 'failure' : 'success',
          deployedAt: d().deployedAt + ((i * 7919) % 50) * 1000,
        }),
      );
    }
    const fromProjection = await store.current('dev');
    const fromEvents = await store.current('dev', Number.MAX_SAFE_INTEGER);
    expect(fromProjection).toEqual(fromEvents);
    await store.close();
  });

  it('migrates a 1.0.0 file: every deployment gains its rollback flag, nothing else changes', async () => {
    const path = tempDbPath();
    // A file as release 1.0.0 left it: three migrations, documents without "rollback".
    const db = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) if (typeof m === 'string') db.exec(m);
    db.pragma('user_version = 3');
    const insert = db.prepare(
      `INSERT INTO deployments (id, env, app, status, deployed_at, doc) VALUES (?, 'dev', 'api', ?, ?, ?)`,
    );
    const rows: [string, string, number][] = [
      ['2.0.0', 'success', 1000],
      ['1.0.0', 'success', 2000],
      ['1.1.0', 'failure', 3000],
    ];
    rows.forEach(([version, status, at], i) => {
      const id = `01K00000000000000000000${i}AA`;
      // Every field, as 1.0.0's deploymentOf wrote them (the ledger now keeps columns).
      const doc = {
        ...deploymentOf(
          { ...d({ version, deployedAt: at }), status } as NewDeployment,
          id,
          at,
          null,
          false,
        ),
        attributes: { n: 1.5 },
      };
      delete (doc as Partial<typeof doc>).rollback;
      insert.run(id, status, at, JSON.stringify(doc));
    });
    db.prepare(
      `INSERT INTO env_apps VALUES ('dev', 'api', 1, 2, 2000, '01K000000000000000000001AA', 3, 3000, '01K000000000000000000002AA')`,
    ).run();
    db.close();
    const store = new SqliteStore(path);
    const items = (await store.history({ limit: 10 })).items.reverse();
    expect(items.map((x) => [x.version, x.rollback])).toEqual([
      ['2.0.0', false],
      ['1.0.0', true],
      ['1.1.0', false],
    ]);
    expect(items[0]).toEqual({
      ...deploymentOf(
        d({ version: '2.0.0', deployedAt: 1000 }),
        '01K000000000000000000000AA',
        1000,
        null,
        false,
      ),
      attributes: { n: 1.5 },
    });
    // The versions that ran are known, so a new write is judged against them.
    const again = await store.record(d({ version: '2.0.0', deployedAt: 4000 }));
    expect(again.deployment.rollback).toBe(true);
    await store.close();
  });

  it('migrates 1.0.0 tokens: each still works by its hash; its fixed login-cookie hash is gone', async () => {
    const path = tempDbPath();
    const db = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) if (typeof m === 'string') db.exec(m);
    db.pragma('user_version = 3');
    db.prepare(
      `INSERT INTO tokens (name, hash, scopes, session_hash, created_at) VALUES ('reader', ?, '["read"]', ?, 1)`,
    ).run('a'.repeat(64), 'b'.repeat(64));
    db.close();
    const store = new SqliteStore(path);
    expect((await store.tokenByHash('a'.repeat(64)))?.name).toBe('reader');
    expect(await store.tokenBySession('b'.repeat(64), Date.now())).toBeNull();
    await store.close();
    const probe = new Database(path, { readonly: true });
    const columns = probe.prepare('PRAGMA table_info(tokens)').all() as { name: string }[];
    expect(columns.map((c) => c.name)).not.toContain('session_hash');
    probe.close();
  });

  it('keeps sessions and server keys across reopening the file', async () => {
    const path = tempDbPath();
    const first = new SqliteStore(path);
    await first.createToken({
      name: 'reader',
      hash: 'a'.repeat(64),
      scopes: ['read'],
      createdAt: 1,
      lastUsedAt: null,
      revokedAt: null,
    });
    const now = Date.now();
    await first.createSession({
      hash: 'c'.repeat(64),
      tokenHash: 'a'.repeat(64),
      createdAt: now,
      expiresAt: now + 60_000,
    });
    const key = await first.serverKey('history-cursor');
    await first.close();
    const again = new SqliteStore(path);
    expect((await again.tokenBySession('c'.repeat(64), now))?.name).toBe('reader');
    expect((await again.serverKey('history-cursor')).equals(key)).toBe(true);
    await again.close();
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

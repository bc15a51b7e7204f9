/**
 * Migration 12 (sqlite-compact.ts compactRows): a URL three deployments use
 * held once in `urls`, each claim's scope once in `idem_scopes`, recordedAt
 * stored as its offset from the id's instant, no previous_seq.
 * What a row holds when written now, and what the migration makes of rows
 * written in the schema before it, the ids and instants that do not fit
 * the usual case included.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { idFactory } from '../../server/src/store/ids.js';
import { encodeId } from '../../server/src/store/sqlite-ids.js';
import { MIGRATIONS } from '../../server/src/store/sqlite-schema.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const URL_A = 'http://www.whatever.com:1337/random/url/long/enough';
const URL_B = 'https://api.example.test/';
const URL_C = 'https://pr-12.preview.example.test/';

/** The rows of `sql` on the file at `path`, read-only. */
function rows(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).raw().all();
  } finally {
    db.close();
  }
}

describe('the ledger row (migration 12)', () => {
  it('holds a URL once from its third use on, one used less in its rows, recordedAt in no byte', async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    await store.open();
    // In order: A is held once a third deployment of dev/api uses it, then
    // for every use, other apps' included; B, used once, stays in its row;
    // C's third use, between which come others, is held too.
    const writes: [string, string | null][] = [
      ['api', URL_A],
      ['api', URL_A],
      ['api', URL_B],
      ['api', URL_A],
      ['api', null],
      ['api', URL_C],
      ['web', URL_A],
      ['api', URL_C],
      ['api', URL_C],
    ];
    const written = [];
    for (const [i, [app, url]] of writes.entries()) {
      written.push(await store.record(d({ app, version: `1.0.${i}`, deployedAt: T0 + i, url })));
    }
    const { items } = await store.history({ limit: 10 });
    await store.close();
    expect(items.reverse().map((x) => [x.app, x.url])).toEqual(writes);
    expect(items.map((x) => x.recordedAt)).toEqual(written.map((w) => w.deployment.recordedAt));
    expect(rows(path, 'SELECT id, url FROM urls ORDER BY id')).toEqual([
      [1, URL_A],
      [2, URL_C],
    ]);
    // Each id made at its recording instant: an offset of 0 (serial type 8,
    // no byte in the record).
    expect(
      rows(
        path,
        'SELECT url, typeof(url), typeof(recorded_after_id), recorded_after_id FROM ledger ORDER BY seq',
      ),
    ).toEqual([
      [URL_A, 'text', 'integer', 0],
      [URL_A, 'text', 'integer', 0],
      [URL_B, 'text', 'integer', 0],
      [1, 'integer', 'integer', 0],
      [null, 'null', 'integer', 0],
      [URL_C, 'text', 'integer', 0],
      [1, 'integer', 'integer', 0],
      [URL_C, 'text', 'integer', 0],
      [2, 'integer', 'integer', 0],
    ]);
  });

  it("holds each claim's scope (a token's hash) once, its keys still apart and replayed", async () => {
    const path = tempDbPath();
    const store = new SqliteStore(path);
    await store.open();
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    const claims = [
      { scope: a, key: 'k1', fingerprint: 'f1' },
      { scope: b, key: 'k1', fingerprint: 'f2' },
      { scope: a, key: 'k2', fingerprint: 'f3' },
    ];
    for (const [i, claim] of claims.entries()) {
      expect((await store.record(d({ version: `1.0.${i}` }), claim)).replayed).toBe(false);
    }
    const again = await store.record(d({ version: '1.0.1' }), claims[1]);
    await store.close();
    expect([again.replayed, again.deployment.version]).toEqual([true, '1.0.1']);
    expect(rows(path, 'SELECT id, scope FROM idem_scopes ORDER BY id')).toEqual([
      [1, a],
      [2, b],
    ]);
    expect(rows(path, 'SELECT idem_scope, idem_key FROM ledger ORDER BY seq')).toEqual([
      [1, 'k1'],
      [2, 'k1'],
      [1, 'k2'],
    ]);
  });

  it('is made from rows of schema 11, odd ids and instants kept, replays as first answered', async () => {
    const path = tempDbPath();
    // A file at schema 11, every migration before this one run as released.
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 11)) {
      if (typeof m === 'string') db.exec(m);
      else m(db);
    }
    db.pragma('user_version = 11');
    db.exec(`INSERT INTO envs (id, name) VALUES (1, 'dev');
      INSERT INTO apps (id, name) VALUES (1, 'api');
      INSERT INTO pairs (id, env, app, first_seq, current_seq, latest_seq) VALUES (1, 1, 1, 1, 3, 3);
      INSERT INTO pair_versions (pair, version, first_seq)
        VALUES (1, '1.0.0', 1), (1, '1.1.0', 4), (1, '1.2.0', 2), (1, '1.3.0', 3);`);
    const insert = db.prepare(
      `INSERT INTO ledger (seq, id, pair, env, status, deployed_at, recorded_at, version, rollback,
         previous_seq, url, idem_key, idem_scope, idem_hash)
       VALUES (?, ?, 1, 1, 0, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    );
    const nextId = idFactory();
    // 1: recorded here (an id of its instant); 2: imported a day after its
    // id's instant, recorded with an idempotency key; 3: an id with no
    // instant (the fallback form); 4: recorded after 2, dated before it.
    const ids = [
      nextId(T0),
      nextId(T0 + MINUTE),
      '8ZZZZZZZZZZZZZZZZZZZZZZZZZ',
      nextId(T0 + 3 * MINUTE),
    ];
    const day = 24 * 60 * MINUTE;
    const recorded = [T0, T0 + MINUTE + day, T0 + 2 * MINUTE, T0 + 3 * MINUTE];
    insert.run(1, encodeId(ids[0] ?? ''), T0, recorded[0], '1.0.0', null, URL_A, null, null, null);
    insert.run(
      2,
      encodeId(ids[1] ?? ''),
      T0 + 30 * MINUTE,
      recorded[1],
      '1.2.0',
      1,
      URL_B,
      'k',
      '',
      'f',
    );
    insert.run(
      3,
      encodeId(ids[2] ?? ''),
      T0 + 40 * MINUTE,
      recorded[2],
      '1.3.0',
      2,
      URL_A,
      null,
      null,
      null,
    );
    insert.run(
      4,
      encodeId(ids[3] ?? ''),
      T0 + 10 * MINUTE,
      recorded[3],
      '1.1.0',
      1,
      URL_A,
      null,
      null,
      null,
    );
    db.close();

    const store = new SqliteStore(path);
    await store.open();
    const { items } = await store.history({ limit: 10 });
    expect(items.map((x) => [x.id, x.recordedAt, x.url])).toEqual([
      [ids[2], new Date(T0 + 2 * MINUTE).toISOString(), URL_A],
      [ids[1], new Date(T0 + MINUTE + day).toISOString(), URL_B],
      [ids[3], new Date(T0 + 3 * MINUTE).toISOString(), URL_A],
      [ids[0], new Date(T0).toISOString(), URL_A],
    ]);
    // The replay of seq 2 answers the previous its write answered, seq 1:
    // seq 4 is later in time but was recorded after it.
    const again = await store.record(d({ version: '1.2.0', deployedAt: T0 + 30 * MINUTE }), {
      scope: '',
      key: 'k',
      fingerprint: 'f',
    });
    await store.close();
    expect([again.replayed, again.deployment.id, again.previous?.id]).toEqual([
      true,
      ids[1],
      ids[0],
    ]);
    // A, used three times, is held once; B, used once, stays in its row.
    expect(rows(path, 'SELECT id, url FROM urls')).toEqual([[1, URL_A]]);
    expect(rows(path, 'SELECT id, scope FROM idem_scopes')).toEqual([[1, '']]);
    expect(rows(path, 'SELECT idem_scope FROM ledger ORDER BY seq')).toEqual([
      [null],
      [1],
      [null],
      [null],
    ]);
    expect(
      rows(
        path,
        'SELECT url, typeof(recorded_after_id), recorded_after_id FROM ledger ORDER BY seq',
      ),
    ).toEqual([
      [1, 'integer', 0],
      [URL_B, 'integer', day],
      [1, 'integer', T0 + 2 * MINUTE],
      [1, 'integer', 0],
    ]);
    const columns = rows(path, "SELECT name, type FROM pragma_table_info('ledger')");
    expect(columns).not.toContainEqual(['previous_seq', expect.anything()]);
    expect(columns).toContainEqual(['url', 'INTEGER']);
    expect(rows(path, 'SELECT task FROM pending_tasks')).toEqual([]);
  });
});

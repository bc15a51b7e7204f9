/**
 * Signed history cursors: any instance over the same store accepts the
 * cursors of any other, across restarts; an altered or forged one is a 400
 * naming `cursor`; the pages' "next" links keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app.js';
import { signCursor } from '../../server/src/http/cursor.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A second app over the same SQLite file, with its own store connection: another instance. */
async function another(t: TestApp) {
  const store = new SqliteStore(t.config.dbPath);
  await store.open();
  const app = createApp({ store, config: t.config, logger: pino({ level: 'silent' }) });
  return { store, callback: app.callback() };
}

function expectCursorProblem(res: request.Response): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
}

describe('history cursors', () => {
  let t: TestApp;
  let cursor: string;
  beforeAll(async () => {
    t = await testApp();
    for (let i = 0; i < 12; i++) {
      await t.store.record(
        newDeployment({ env: 'prod', version: `1.0.${i}`, deployedAt: T0 + i * MINUTE }),
      );
    }
    const first = await request(t.callback).get('/api/v1/deployments?env=prod&limit=5').expect(200);
    cursor = first.body.next as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });
  afterAll(() => t.store.close());

  it('a cursor from one instance works on another over the same store, and after a restart', async () => {
    const other = await another(t);
    try {
      const page = await request(other.callback)
        .get(`/api/v1/deployments?env=prod&limit=5&cursor=${cursor}`)
        .expect(200);
      expect(page.body.items.map((d: { version: string }) => d.version)).toEqual([
        '1.0.6',
        '1.0.5',
        '1.0.4',
        '1.0.3',
        '1.0.2',
      ]);
      // And the other way round: the second instance's cursor on the first.
      const third = await request(t.callback)
        .get(`/api/v1/deployments?env=prod&limit=5&cursor=${page.body.next as string}`)
        .expect(200);
      expect(third.body.items.map((d: { version: string }) => d.version)).toEqual([
        '1.0.1',
        '1.0.0',
      ]);
    } finally {
      await other.store.close();
    }
    // A store that reopens the file (a restarted server) has the same key.
    const restarted = await another(t);
    try {
      await request(restarted.callback)
        .get(`/api/v1/deployments?env=prod&limit=5&cursor=${cursor}`)
        .expect(200);
    } finally {
      await restarted.store.close();
    }
  });

  it('altering any one character of a cursor is a 400 naming cursor', async () => {
    for (let i = 0; i < cursor.length; i++) {
      const was = cursor[i] ?? '';
      const now = was === '.' ? 'A' : BASE64URL[(BASE64URL.indexOf(was) + 1) % 64];
      const altered = `${cursor.slice(0, i)}${now ?? ''}${cursor.slice(i + 1)}`;
      const res = await request(t.callback).get(
        `/api/v1/deployments?env=prod&limit=5&cursor=${altered}`,
      );
      if (res.status !== 400) throw new Error(`altered at ${i} (${altered}): ${res.status}`);
      expectCursorProblem(res);
    }
    // Cut short, lengthened, emptied of its tag.
    for (const altered of [cursor.slice(0, -1), `${cursor}A`, cursor.split('.')[0] ?? '']) {
      expectCursorProblem(
        await request(t.callback).get(`/api/v1/deployments?env=prod&limit=5&cursor=${altered}`),
      );
    }
  });

  it('a forged position is a 400, whatever key or scheme forged it', async () => {
    const filters = { env: 'prod' };
    const position = { deployedAt: T0 + 100 * MINUTE, id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' };
    const payload = Buffer.from(
      JSON.stringify({ t: position.deployedAt, i: position.id }),
    ).toString('base64url');
    const unkeyed = createHash('sha256').update(payload).digest('base64url');
    for (const forged of [
      signCursor(randomBytes(32), position, filters), // another server's key
      `${payload}.${unkeyed}`, // an unkeyed hash, as 1.0.0 had
      `${payload}.${'A'.repeat(43)}`,
      `${payload}.${cursor.split('.')[1] ?? ''}`, // a real tag on another position
      Buffer.from(
        JSON.stringify({ v: 1, t: position.deployedAt, i: position.id, f: 'x' }),
      ).toString('base64url'), // 1.0.0's format
    ]) {
      expectCursorProblem(
        await request(t.callback).get(`/api/v1/deployments?env=prod&cursor=${forged}`),
      );
    }
    // The changes API checks the same way.
    expectCursorProblem(
      await request(t.callback).get(
        `/api/v1/changes?env=prod&since=2025-01-01&cursor=${signCursor(randomBytes(32), position, filters)}`,
      ),
    );
  });

  it('the pages’ "next" links keep working, and refuse an altered cursor', async () => {
    for (let i = 0; i < 55; i++) {
      await t.store.record(
        newDeployment({
          env: 'qa',
          app: 'paged',
          version: `0.0.${i}`,
          deployedAt: T0 + i * MINUTE,
        }),
      );
    }
    const app = await request(t.callback).get('/app/paged').expect(200);
    const appNext = /href="\/app\/paged\?(cursor=[^"]+)"/.exec(app.text)?.[1] ?? '';
    expect(appNext).not.toBe('');
    expect((await request(t.callback).get(`/app/paged?${appNext}`).expect(200)).text).toContain(
      '0.0.4</span>',
    );
    await request(t.callback)
      .get(`/app/paged?${appNext.replace(/.$/, '_')}`)
      .expect(400);

    // The changes page shows 100 a page.
    for (let i = 55; i < 105; i++) {
      await t.store.record(
        newDeployment({ env: 'qa', app: 'more', version: `0.0.${i}`, deployedAt: T0 + i * MINUTE }),
      );
    }
    const changes = await request(t.callback)
      .get('/env/qa/changes?since=2025-12-31&until=2026-01-02')
      .expect(200);
    const changesNext = /href="(\/env\/qa\/changes\?[^"]+)"/.exec(changes.text)?.[1] ?? '';
    expect(changesNext).toContain('cursor=');
    const older = await request(t.callback).get(changesNext.replaceAll('&amp;', '&')).expect(200);
    expect(older.text).toContain('0.0.4</');
    expect(older.text).not.toContain('Older →');
  });
});

/**
 * Login sessions with SVT_READ_AUTH=token: one random id per login, ended by
 * logout, by expiry and by the token's revocation, kept across a restart,
 * good for every read the pages link to and for no write.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app.js';
import { hashSessionId, openSession, SESSION_MS } from '../../server/src/auth/sessions.js';
import { hashToken } from '../../server/src/auth/tokens.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

const REMOTE = '203.0.113.5';
type Callback = TestApp['callback'];

/** Logs in with `token`; the `svt_session=...` pair to send back. */
async function login(callback: Callback, token: string, cookie?: string): Promise<string> {
  let req = request(callback).post('/login').type('form').set('X-Forwarded-For', REMOTE);
  if (cookie !== undefined) req = req.set('Cookie', cookie);
  const res = await req.send({ token, next: '/' }).expect(303);
  const set = res.headers['set-cookie']?.[0] ?? '';
  const pair = set.split(';')[0] ?? '';
  expect(pair).toMatch(/^svt_session=[A-Za-z0-9_-]{43}$/);
  return pair;
}

const get = (callback: Callback, path: string, cookie: string) =>
  request(callback).get(path).set('X-Forwarded-For', REMOTE).set('Cookie', cookie);

/** Whether a session opens a page (200) and an API read (200), or neither (302, 401). */
async function works(callback: Callback, cookie: string): Promise<boolean> {
  const page = (await get(callback, '/', cookie)).status;
  const api = (await get(callback, '/api/v1/apps', cookie)).status;
  if (page === 200 && api === 200) return true;
  expect([page, api]).toEqual([302, 401]);
  return false;
}

const idOf = (cookie: string) => cookie.slice('svt_session='.length);

describe('sessions (SVT_READ_AUTH=token)', () => {
  let t: TestApp;
  let reader: string;
  let admin: string;
  beforeAll(async () => {
    t = await testApp({ SVT_READ_AUTH: 'token', SVT_TRUST_PROXY: 'on', SVT_AUTH_FAIL_LIMIT: '0' });
    reader = await issueToken(t.store, 'reader', ['read']);
    admin = await issueToken(t.store, 'root', ['admin']);
    for (const version of ['1.0.0', '1.1.0']) {
      await request(t.callback)
        .post('/api/v1/deployments')
        .set('Authorization', `Bearer ${admin}`)
        .send({ env: 'prod', app: 'api', version, commit: 'abc1234' })
        .expect(201);
    }
  });
  afterAll(() => t.store.close());

  it('gives each login its own random session, stored only as a hash, for 12 hours', async () => {
    const before = Date.now();
    const res = await request(t.callback)
      .post('/login')
      .type('form')
      .set('X-Forwarded-For', REMOTE)
      .send({ token: reader, next: '/' })
      .expect(303);
    const a = res.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
    const b = await login(t.callback, reader);
    expect(a).not.toBe(b);
    expect(await works(t.callback, a)).toBe(true);
    expect(await works(t.callback, b)).toBe(true);
    // The store knows the id's hash, not the id.
    expect(await t.store.tokenBySession(idOf(a), Date.now())).toBeNull();
    expect((await t.store.tokenBySession(hashSessionId(idOf(a)), Date.now()))?.name).toBe('reader');
    const expires = Date.parse(
      /expires=([^;]+)/.exec(res.headers['set-cookie']?.[0] ?? '')?.[1] ?? '',
    );
    expect(expires).toBeGreaterThanOrEqual(before + SESSION_MS - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + SESSION_MS + 1000);
  });

  it('logout ends that session in the store, and only that one', async () => {
    const a = await login(t.callback, reader);
    const b = await login(t.callback, reader);
    const out = await request(t.callback)
      .post('/logout')
      .set('X-Forwarded-For', REMOTE)
      .set('Cookie', a)
      .expect(303);
    expect(out.headers.location).toBe('/login');
    expect(out.headers['set-cookie']?.[0]).toMatch(
      /^svt_session=; path=\/; expires=Thu, 01 Jan 1970/,
    );
    // A copy of the cookie kept after logout opens nothing.
    expect(await works(t.callback, a)).toBe(false);
    expect(await works(t.callback, b)).toBe(true);
    await request(t.callback).post('/logout').set('Cookie', a).expect(303); // again: harmless
    await request(t.callback).post('/logout').expect(303); // without a session: harmless
  });

  it('a new login ends the session the browser held before', async () => {
    const a = await login(t.callback, reader);
    const b = await login(t.callback, reader, a);
    expect(await works(t.callback, a)).toBe(false);
    expect(await works(t.callback, b)).toBe(true);
  });

  it('refuses an expired session, whatever the browser keeps', async () => {
    const record = await t.store.tokenByHash(hashToken(reader));
    if (record === null) throw new Error('the reader token is missing');
    // Opened 12 hours and a moment ago: expired now.
    const old = await openSession(t.store, record, Date.now() - SESSION_MS - 1);
    expect(await works(t.callback, `svt_session=${old.id}`)).toBe(false);
    // A tiny lifetime: works, then does not.
    const brief = await openSession(t.store, record, Date.now(), 300);
    expect(await works(t.callback, `svt_session=${brief.id}`)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect(await works(t.callback, `svt_session=${brief.id}`)).toBe(false);
    // The next login purges expired sessions from the store.
    await login(t.callback, reader);
    expect(await t.store.deleteSession(hashSessionId(brief.id))).toBe(false);
  });

  it('refuses 1.0.0’s cookie (a fixed function of the token) and malformed ones', async () => {
    const legacy = createHash('sha256').update(`svt-session\n${reader}`).digest('hex');
    for (const value of [legacy, reader, hashToken(reader), 'x', '']) {
      expect(await works(t.callback, `svt_session=${value}`)).toBe(false);
    }
  });

  it('never authorizes a write, from anywhere, even an admin token’s session', async () => {
    const session = await login(t.callback, admin);
    expect(await works(t.callback, session)).toBe(true);
    const count = async () =>
      (await get(t.callback, '/api/v1/deployments?limit=100', session)).body.items.length;
    const before = await count();
    for (const from of [REMOTE, '127.0.0.1']) {
      await request(t.callback)
        .post('/api/v1/deployments')
        .set('X-Forwarded-For', from)
        .set('Cookie', session)
        .send({ env: 'prod', app: 'api', version: '6.6.6' })
        .expect(401);
      await request(t.callback)
        .post('/create')
        .set('X-Forwarded-For', from)
        .set('Cookie', session)
        .send({ env: 'prod', name: 'api', version: '6.6.7' })
        .expect(401);
    }
    expect(await count()).toBe(before);
  });

  it('a logged-in reader downloads the CSV and JSON the pages link to', async () => {
    const session = await login(t.callback, reader);
    /** The href of the page's link whose text or href matches `pattern`, unescaped. */
    const linkOf = async (page: string, pattern: RegExp) => {
      const res = await get(t.callback, page, session).expect(200);
      const hrefs = [...res.text.matchAll(/href="([^"]+)"/g)].map((m) =>
        (m[1] ?? '').replaceAll('&amp;', '&'),
      );
      const href = hrefs.find((h) => pattern.test(h));
      if (href === undefined) throw new Error(`no link matching ${String(pattern)} on ${page}`);
      return href;
    };
    const envCsv = await linkOf('/env/prod', /^\/api\/v1\/environments\/prod\?.*format=csv/);
    const csv = await get(t.callback, envCsv, session).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('1.1.0');
    const appCsv = await linkOf('/app/api', /^\/api\/v1\/deployments\?.*format=csv/);
    expect((await get(t.callback, appCsv, session).expect(200)).text).toContain('1.0.0');
    const doraJson = await linkOf('/dora?env=prod', /^\/api\/v1\/dora\?/);
    expect((await get(t.callback, doraJson, session).expect(200)).body).toHaveProperty(
      'env',
      'prod',
    );
    const footer = await linkOf('/', /^\/api\/v1\/environments$/);
    expect((await get(t.callback, footer, session).expect(200)).body.items).toHaveLength(1);
    // Without the session, the same links are refused.
    await request(t.callback).get(envCsv).set('X-Forwarded-For', REMOTE).expect(401);
  });

  it('revoking a token ends every session of it, and only of it', async () => {
    const first = await login(t.callback, reader);
    const second = await login(t.callback, reader);
    const root = await login(t.callback, admin);
    await t.store.revokeToken('reader', Date.now());
    expect(await works(t.callback, first)).toBe(false);
    expect(await works(t.callback, second)).toBe(false);
    expect(await works(t.callback, root)).toBe(true);
    // A new token given the revoked one's name inherits none of its sessions.
    reader = await issueToken(t.store, 'reader', ['read']);
    expect(await works(t.callback, first)).toBe(false);
    expect(await works(t.callback, await login(t.callback, reader))).toBe(true);
  });
});

it('a session survives the server’s restart: it lives in the store', async () => {
  const t = await testApp({ SVT_READ_AUTH: 'token', SVT_TRUST_PROXY: 'on' });
  const reader = await issueToken(t.store, 'reader', ['read']);
  const session = await login(t.callback, reader);
  await t.store.close();
  // The same file, reopened by a new store and a new app: as after a restart.
  const store = new SqliteStore(t.config.dbPath);
  await store.open();
  const app = createApp({ store, config: t.config, logger: pino({ level: 'silent' }) });
  try {
    expect(await works(app.callback(), session)).toBe(true);
  } finally {
    await store.close();
  }
});

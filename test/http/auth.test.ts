/**
 * The scope matrix: every route, for every kind of caller. Requests from
 * another machine are made through SVT_TRUST_PROXY with a forwarded address
 * (the last X-Forwarded-For entry, which the proxy appends), never by
 * sending traffic to another address of this machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

const REMOTE = '203.0.113.5';
const body = (env: string) => ({ env, app: 'api', version: '1.0.0' });

type Caller = 'none' | 'read' | 'write-prod' | 'write-staging' | 'admin' | 'revoked' | 'garbage';

async function setUp(env: Record<string, string> = {}) {
  const t = await testApp({ SVT_TRUST_PROXY: 'on', SVT_AUTH_FAIL_LIMIT: '0', ...env });
  const tokens: Record<Exclude<Caller, 'none' | 'garbage'>, string> = {
    read: await issueToken(t.store, 'reader', ['read']),
    'write-prod': await issueToken(t.store, 'deploy-prod', ['write:prod-*', 'write:prod']),
    'write-staging': await issueToken(t.store, 'deploy-staging', ['write:staging']),
    admin: await issueToken(t.store, 'root', ['admin']),
    revoked: await issueToken(t.store, 'old', ['admin']),
  };
  await t.store.revokeToken('old', Date.now());
  const send = (caller: Caller, method: 'GET' | 'POST', path: string, json?: unknown) => {
    const agent = request(t.callback);
    let req = (method === 'GET' ? agent.get(path) : agent.post(path)).set(
      'X-Forwarded-For',
      REMOTE,
    );
    if (caller === 'garbage') req = req.set('Authorization', 'Bearer svt_not-a-real-token');
    else if (caller !== 'none') req = req.set('Authorization', `Bearer ${tokens[caller]}`);
    return json === undefined ? req : req.send(json as object);
  };
  return { t, tokens, send };
}

const READS = [
  '/api/v1/environments',
  '/api/v1/environments/prod',
  '/api/v1/deployments',
  '/api/v1/apps',
  '/api/v1/apps/api',
  '/api/v1/compare?from=prod&to=prod',
  '/api/v1/changes?env=prod&since=2020-01-01',
  '/list/prod',
  '/list?env=prod',
  '/badge/prod/api.svg',
  '/api/v1/dora?env=prod',
  '/metrics',
];
const PAGES = [
  '/',
  '/env/prod',
  '/env/prod/changes',
  '/app/api',
  '/compare?from=prod&to=prod',
  '/dora?env=prod',
];
const PUBLIC = ['/healthz', '/readyz', '/cli/svt.mjs', '/assets/app.css', '/assets/uplot.js'];

describe('reads open (the default)', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    s = await setUp();
    await s.send('admin', 'POST', '/api/v1/deployments', body('prod')).expect(201);
  });
  afterAll(() => s.t.store.close());

  it.each(['none', 'read', 'write-prod', 'admin'] as const)(
    '%s reads every API route and page',
    async (caller) => {
      for (const path of [...READS, ...PAGES, ...PUBLIC]) {
        const res = await s.send(caller, 'GET', path);
        expect([path, res.status]).toEqual([path, 200]);
      }
    },
  );

  it.each(['revoked', 'garbage'] as const)(
    'a %s token is refused even where none is needed',
    async (caller) => {
      for (const path of [...READS, ...PAGES]) {
        const res = await s.send(caller, 'GET', path);
        expect([path, res.status]).toEqual([path, 401]);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="svt"');
      }
      for (const path of PUBLIC) expect((await s.send(caller, 'GET', path)).status).toBe(200);
    },
  );

  it.each([
    ['none', 401, 401],
    ['read', 403, 403],
    ['write-prod', 201, 200],
    ['write-staging', 403, 403],
    ['admin', 201, 200],
    ['revoked', 401, 401],
    ['garbage', 401, 401],
  ] as const)('%s writing to prod: v1 %i, legacy %i', async (caller, v1, legacy) => {
    const a = await s.send(caller, 'POST', '/api/v1/deployments', body('prod'));
    expect(a.status).toBe(v1);
    const b = await s.send(caller, 'POST', '/create', {
      env: 'prod',
      name: 'api',
      version: '1.0.1',
    });
    expect(b.status).toBe(legacy);
    if (v1 === 403) expect(a.body.detail).toMatch(/may not write to environment "prod"/);
    if (v1 === 401) expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a glob scope covers what it matches and nothing else', async () => {
    await s.send('write-prod', 'POST', '/api/v1/deployments', body('prod-eu')).expect(201);
    await s.send('write-prod', 'POST', '/api/v1/deployments', body('production')).expect(403);
    await s.send('write-prod', 'POST', '/api/v1/deployments', body('staging')).expect(403);
    await s.send('write-staging', 'POST', '/api/v1/deployments', body('staging')).expect(201);
  });

  it('each deployment keeps the name of the token that recorded it', async () => {
    const res = await s
      .send('write-staging', 'POST', '/api/v1/deployments', body('staging'))
      .expect(201);
    expect(res.body.deployment.recordedBy).toBe('deploy-staging');
    const legacy = await s
      .send('admin', 'POST', '/create', { env: 'qa', name: 'x', version: '1.0.0' })
      .expect(200);
    expect(legacy.body.deployment.recordedBy).toBe('root');
  });

  it.each([
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'bearer svt_short',
    'Token svt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'Bearer svt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra',
  ])('a malformed Authorization header %j is a 401, never a 5xx', async (header) => {
    const res = await request(s.t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', REMOTE)
      .set('Authorization', header)
      .send(body('prod'));
    expect(res.status).toBe(401);
  });
});

describe('reads closed (SVT_READ_AUTH=token)', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    s = await setUp({ SVT_READ_AUTH: 'token' });
  });
  afterAll(() => s.t.store.close());

  it.each([
    ['none', 401, 302],
    ['read', 200, 200],
    ['admin', 200, 200],
    ['write-prod', 403, 403],
    ['revoked', 401, 401],
  ] as const)('%s: API %i, pages %i', async (caller, api, pages) => {
    await s.send('admin', 'POST', '/api/v1/deployments', body('prod')).expect(201);
    for (const path of READS)
      expect([path, (await s.send(caller, 'GET', path)).status]).toEqual([path, api]);
    for (const path of PAGES)
      expect([path, (await s.send(caller, 'GET', path)).status]).toEqual([path, pages]);
    for (const path of PUBLIC)
      expect([path, (await s.send(caller, 'GET', path)).status]).toEqual([path, 200]);
  });

  it('the login form turns a read token into a session cookie for reads only (sessions.test.ts: more)', async () => {
    const page = await s.send('none', 'GET', '/env/prod?at=2026-01-01').expect(302);
    expect(page.headers.location).toBe('/login?next=%2Fenv%2Fprod%3Fat%3D2026-01-01');
    const form = await s.send('none', 'GET', page.headers.location ?? '').expect(200);
    expect(form.text).toContain('name="token"');

    const login = (token: string, next = '/env/prod') =>
      request(s.t.callback)
        .post('/login')
        .type('form')
        .send({ token, next })
        .set('X-Forwarded-For', REMOTE);
    await login('svt_wrong').expect(401);
    await login(s.tokens['write-prod']).expect(401); // no read scope
    const ok = await login(s.tokens.read).expect(303);
    expect(ok.headers.location).toBe('/env/prod');
    const cookie = ok.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(
      /^svt_session=[A-Za-z0-9_-]{43}; path=\/; expires=.*; samesite=strict; httponly$/,
    );
    expect(cookie).not.toContain(s.tokens.read);
    const session = cookie.split(';')[0] ?? '';
    // Nothing the store holds opens a session: not the token's hash, not the cookie.
    const value = session.slice('svt_session='.length);
    for (const t of await s.t.store.listTokens()) expect(t.hash).not.toBe(value);
    const forged = `svt_session=${(await s.t.store.listTokens()).find((t) => t.name === 'reader')?.hash ?? ''}`;
    await request(s.t.callback)
      .get('/env/prod')
      .set('X-Forwarded-For', REMOTE)
      .set('Cookie', forged)
      .expect(302);

    const withSession = (method: 'get' | 'post', path: string) =>
      request(s.t.callback)[method](path).set('X-Forwarded-For', REMOTE).set('Cookie', session);
    await withSession('get', '/env/prod').expect(200);
    // A session reads the API too (the pages link to it), and never writes.
    await withSession('post', '/api/v1/deployments').send(body('prod')).expect(401);
    await withSession('get', '/api/v1/apps').expect(200);
    // Only paths of this server after login.
    expect((await login(s.tokens.read, '//evil.example/x')).headers.location).toBe('/');
    expect((await login(s.tokens.read, 'https://evil.example/')).headers.location).toBe('/');

    await s.t.store.revokeToken('reader', Date.now());
    await withSession('get', '/env/prod').expect(302);
  });
});

describe('before any token exists', () => {
  it('writes come from the server’s own machine only, and the refusal says how to create a token', async () => {
    const t = await testApp({ SVT_TRUST_PROXY: 'on' });
    const remote = await request(t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', REMOTE)
      .send(body('prod'))
      .expect(401);
    expect(remote.body.detail).toContain('npx svt-server token create');
    await request(t.callback)
      .post('/create')
      .set('X-Forwarded-For', REMOTE)
      .send({ env: 'p', name: 'a', version: '1.0.0' })
      .expect(401);
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', '127.0.0.1')
      .send(body('prod'))
      .expect(201);
    // A client cannot forge its way in: only the last, proxy-appended entry counts.
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', `127.0.0.1, ${REMOTE}`)
      .send(body('prod'))
      .expect(401);
    await request(t.callback).get('/api/v1/apps').set('X-Forwarded-For', REMOTE).expect(200);
    await t.store.close();
  });

  it('within a second of the first token, a tokenless write is refused even from loopback', async () => {
    const t = await testApp();
    await request(t.callback).post('/api/v1/deployments').send(body('prod')).expect(201);
    await issueToken(t.store, 'first', ['write:*']);
    await new Promise((r) => setTimeout(r, 1100)); // the policy asks the store at most once a second
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send(body('prod'))
      .expect(401);
    expect(res.body.detail).toContain('requires a token');
    await t.store.close();
  });
});

describe('switches', () => {
  it('SVT_AUTH=off accepts everything from anywhere', async () => {
    const t = await testApp({ SVT_AUTH: 'off', SVT_TRUST_PROXY: 'on' });
    await issueToken(t.store, 'ignored', ['read']);
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', REMOTE)
      .send(body('prod'))
      .expect(201);
    await t.store.close();
  });

  it('SVT_LEGACY_AUTH=off leaves /create open, and only /create, with a warning on each such write', async () => {
    const t = await testApp({ SVT_LEGACY_AUTH: 'off', SVT_TRUST_PROXY: 'on' });
    const lines: string[] = [];
    const app = createApp({
      store: t.store,
      config: t.config,
      logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
    });
    await issueToken(t.store, 'ci', ['write:*']);
    const res = await request(app.callback())
      .post('/create')
      .set('X-Forwarded-For', REMOTE)
      .send({ env: 'prod', name: 'seed-caller', version: '1.0.0' })
      .expect(200);
    expect(res.body.deployment.recordedBy).toBeNull();
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('X-Forwarded-For', REMOTE)
      .send(body('prod'))
      .expect(401);
    await t.store.close();
  });
});

describe('rate limits', () => {
  it('SVT_RATE_LIMIT counts writes per token, or per address without one', async () => {
    const t = await testApp({ SVT_RATE_LIMIT: '3', SVT_TRUST_PROXY: 'on' });
    const a = await issueToken(t.store, 'a', ['write:*']);
    const b = await issueToken(t.store, 'b', ['write:*']);
    const post = (token: string) =>
      request(t.callback)
        .post('/api/v1/deployments')
        .set('X-Forwarded-For', REMOTE)
        .set('Authorization', `Bearer ${token}`)
        .send(body('prod'));
    for (let i = 0; i < 3; i++) await post(a).expect(201);
    const limited = await post(a).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.headers['ratelimit-reset']).toBe(limited.headers['retry-after']);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
    await post(b).expect(201); // another token has its own count
    await request(t.callback).get('/api/v1/apps').set('X-Forwarded-For', REMOTE).expect(200); // reads are not counted
    await t.store.close();
  });

  it('SVT_AUTH_FAIL_LIMIT blocks an address after failed authentications, good token or not', async () => {
    const t = await testApp({ SVT_AUTH_FAIL_LIMIT: '2', SVT_TRUST_PROXY: 'on' });
    const good = await issueToken(t.store, 'good', ['write:*']);
    const post = (token: string, from = REMOTE) =>
      request(t.callback)
        .post('/api/v1/deployments')
        .set('X-Forwarded-For', from)
        .set('Authorization', `Bearer ${token}`)
        .send(body('prod'));
    await post('svt_guess1').expect(401);
    await post('svt_guess2').expect(401);
    const blocked = await post(good).expect(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    await post(good, '198.51.100.7').expect(201); // another address is not blocked
    await t.store.close();
  });
});

it('security headers on every answer; names are never patterns', async () => {
  const t: TestApp = await testApp();
  for (const path of ['/healthz', '/api/v1/apps', '/nowhere']) {
    const res = await request(t.callback).get(path);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('same-origin');
  }
  for (const name of ['.*', '(a+)+$', 'a|b']) {
    await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app: name, version: '1' })
      .expect(201);
  }
  await request(t.callback)
    .post('/api/v1/deployments')
    .send({ env: 'prod', app: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', version: '1' })
    .expect(201);
  const apps = (await request(t.callback).get('/api/v1/apps').expect(200)).body.items.map(
    (a: { name: string }) => a.name,
  );
  // As people read them (names.ts, the Unicode collation): punctuation (`.` before `(`),
  // then symbols (`|`), then letters.
  expect(apps).toEqual(['.*', '(a+)+$', 'a|b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!']);
  const one = await request(t.callback)
    .get(`/api/v1/apps/${encodeURIComponent('.*')}`)
    .expect(200);
  expect(one.body.environments).toHaveLength(1);
  expect(
    (await request(t.callback).get('/list/prod').expect(200)).body.map(
      (d: { name: string }) => d.name,
    ),
  ).toHaveLength(4);
  await t.store.close();
});

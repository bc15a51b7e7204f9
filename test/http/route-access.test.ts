/**
 * Access is decided by the route that matched, never by the raw path.
 * Every route the router has (method x path, with sample parameters) is
 * tried under other names for the same path (case, trailing and doubled
 * slashes, percent-encoded letters and slashes, `;`, `.` and `.json`
 * suffixes, dot segments) and with HEAD and OPTIONS, by every kind of
 * caller; each answer must be the canonical request's, or a 404 or 405 (no
 * route), never a wider one, and no variant may store a deployment that its
 * canonical request would not. On the app as createApp builds it (an exact
 * router: every variant of a POST route is a 404), and on the same routes
 * behind a default, loosely matching router: the guarantee must not depend
 * on exact matching.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { newDeployment } from '../helpers/deployments.js';
import { closeServer, listen } from '../helpers/listen.js';
import { looseCallback, routesOf, type RouteEntry } from '../helpers/routes.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

type Caller = 'none' | 'read' | 'write-other' | 'revoked' | 'admin';
const CALLERS: readonly Caller[] = ['none', 'read', 'write-other', 'revoked', 'admin'];

/** Sample values of the path parameters; a route with another parameter fails the test until one is added. */
const PARAMS: Record<string, string> = {
  env: 'prod',
  app: 'api',
  file: 'api.svg',
  name: 'app.css',
  // A well-formed deployment id no deployment has: a 404 past the access check.
  id: '01K0000000000000000000000A',
};

/** The query a route needs to answer 200 rather than 400. */
const QUERIES: Record<string, string> = {
  '/api/v1/changes': '?env=prod&since=2020-01-01',
  '/api/v1/compare': '?from=prod&to=prod',
  '/api/v1/dora': '?env=prod',
  '/compare': '?from=prod&to=prod',
  '/dora': '?env=prod',
  '/env': '?name=prod',
  '/list': '?env=prod',
  '/login': '?next=%2F',
};

function samplePath(template: string): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (value === undefined) throw new Error(`no sample value for :${name} (${template})`);
    return value;
  });
}

/** `%xx` for the character at `i` of `path` (lower- or upper-case hex). */
function encodeAt(path: string, i: number, upper = false): string {
  const hex = path.charCodeAt(i).toString(16).padStart(2, '0');
  return `${path.slice(0, i)}%${upper ? hex.toUpperCase() : hex}${path.slice(i + 1)}`;
}

/** Other names of the same path, each as a browser, a proxy or an attacker might spell it. */
function pathVariants(path: string): string[] {
  const firstLetter = path.search(/[a-z]/);
  const lastLetter = path.length - 1 - [...path].reverse().join('').search(/[a-z]/);
  const innerSlash = path.indexOf('/', 1);
  const all = [
    path.toUpperCase(),
    path.replace(/\/([a-z])/g, (_, c: string) => `/${c.toUpperCase()}`),
    path.replace(/[a-z](?=[^a-z]*$)/, (c) => c.toUpperCase()),
    `${path}/`,
    `/${path}`,
    path.replace(/\/([^/]*)$/, '//$1'),
    firstLetter < 0 ? path : encodeAt(path, firstLetter),
    firstLetter < 0 ? path : encodeAt(path, firstLetter, true),
    lastLetter >= path.length ? path : encodeAt(path, lastLetter),
    innerSlash < 0 ? `${path}%2F` : encodeAt(path, innerSlash, true),
    `${path}%2f`,
    `${path};x`,
    `${path};jsessionid=1`,
    `${path}.json`,
    `${path}.`,
    `${path}%00`,
    `/.${path}`,
    `/x/..${path}`,
    `${path}/.`,
  ];
  return [...new Set(all)].filter((v) => v !== path);
}

/** What an answer grants: its status, and whether it is the redirect to the login page (a refusal). */
interface Outcome {
  status: number;
  login: boolean;
}

function outcomeOf(res: request.Response): Outcome {
  const location = res.headers.location ?? '';
  return { status: res.status, login: res.status === 302 && location.startsWith('/login?') };
}

const refused = (o: Outcome) => o.status === 401 || o.status === 403 || o.status === 429 || o.login;

/**
 * A variant's answer is acceptable when it is the canonical one, no route
 * (404, 405), or, where the canonical request was let through, a parameter
 * the route's validation refuses (400: `prod;x` is no environment name).
 */
function acceptable(canonical: Outcome, got: Outcome): boolean {
  if (got.status === 404 || got.status === 405) return true;
  if (got.status === canonical.status && got.login === canonical.login) return true;
  return !refused(canonical) && got.status === 400;
}

interface World {
  t: TestApp;
  server: Server;
  tokens: Partial<Record<Caller, string>>;
  version: number;
}

async function countDeployments(w: World): Promise<number> {
  let n = 0;
  for await (const line of w.t.store.exportJson()) if (line !== '') n++;
  return n;
}

function send(
  w: World,
  method: string,
  route: RouteEntry,
  url: string,
  caller: Caller,
): request.Test {
  const agent = request(w.server);
  const token = w.tokens[caller];
  let req: request.Test;
  if (method === 'GET') req = agent.get(url);
  else if (method === 'HEAD') req = agent.head(url);
  else if (method === 'OPTIONS') req = agent.options(url);
  else if (method === 'POST') req = agent.post(url);
  else throw new Error(`no way to send ${method}`);
  if (token !== undefined) req = req.set('Authorization', `Bearer ${token}`);
  if (method !== 'POST') return req;
  w.version++;
  switch (route.path) {
    case '/api/v1/deployments':
      return req.send({ env: 'prod', app: 'api', version: `9.0.${w.version}` });
    case '/create':
      return req.send({ env: 'prod', name: 'api', version: `9.0.${w.version}` });
    case '/login':
      return req.type('form').send({ token: token ?? 'svt_none', next: '/' });
    default:
      return req;
  }
}

async function world(env: Record<string, string>, withTokens: boolean): Promise<World> {
  const t = await testApp({ SVT_RATE_LIMIT: '0', SVT_AUTH_FAIL_LIMIT: '0', ...env });
  await t.store.record(newDeployment({ env: 'prod', app: 'api', version: '1.0.0' }));
  const tokens: Partial<Record<Caller, string>> = {};
  if (withTokens) {
    tokens.read = await issueToken(t.store, 'reader', ['read']);
    tokens['write-other'] = await issueToken(t.store, 'deploy-staging', ['write:staging']);
    tokens.revoked = await issueToken(t.store, 'old', ['admin']);
    tokens.admin = await issueToken(t.store, 'root', ['admin']);
    await t.store.revokeToken('old', Date.now());
  }
  return { t, server: createServer(t.callback), tokens, version: 0 };
}

interface Setting {
  name: string;
  env: Record<string, string>;
  tokens: boolean;
  callers: readonly Caller[];
}

const SETTINGS: Setting[] = [
  { name: 'tokens exist, reads open', env: {}, tokens: true, callers: CALLERS },
  {
    name: 'tokens exist, SVT_READ_AUTH=token',
    env: { SVT_READ_AUTH: 'token' },
    tokens: true,
    callers: CALLERS,
  },
  { name: 'no token yet (the loopback rule)', env: {}, tokens: false, callers: ['none'] },
];

describe.each([
  ['the exact router', false],
  ['a loose router with the same routes', true],
] as const)('%s', (_, loose) => {
  describe.each(SETTINGS)('$name', (setting) => {
    let w: World;
    let routes: RouteEntry[];
    beforeAll(async () => {
      w = await world(setting.env, setting.tokens);
      routes = routesOf(w.t.app);
      if (loose) w.server = createServer(looseCallback(w.t.app));
      await listen(w.server);
    });
    afterAll(async () => {
      await closeServer(w.server);
      await w.t.store.close();
    });

    it('the router has the routes this test knows of', () => {
      expect(routes.length).toBeGreaterThanOrEqual(28);
      expect(routes).toContainEqual({ method: 'POST', path: '/api/v1/deployments' });
      expect(routes).toContainEqual({ method: 'POST', path: '/create' });
    });

    it.each(setting.callers)('every route, every variant: caller %s', async (caller) => {
      const failures: string[] = [];
      // Variants of a POST route that the router matched to it: none on the
      // exact router; on the loose one, proof that the guard, not a 404, answered.
      let matchedWrites = 0;
      for (const route of routes) {
        const path = samplePath(route.path);
        const query = QUERIES[route.path] ?? '';
        const canonical = outcomeOf(await send(w, route.method, route, path + query, caller));
        expect([route.method, path, canonical.status < 500]).toEqual([route.method, path, true]);
        const tries: [string, string][] = pathVariants(path).map((v) => [route.method, v + query]);
        tries.push(['HEAD', path + query], ['OPTIONS', path + query]);
        for (const [method, url] of tries) {
          const before = await countDeployments(w);
          const res = await send(w, method, route, url, caller);
          const got = outcomeOf(res);
          const stored = (await countDeployments(w)) - before;
          const what = `${caller} ${method} ${url} -> ${got.status}${got.login ? ' (login)' : ''}`;
          let ok: boolean;
          if (method === 'OPTIONS') {
            // The router's answer (Allow), before any guard or handler.
            ok = got.status === 404 || (got.status === 200 && res.text === '');
          } else if (method === 'HEAD') {
            const get = routes.some((r) => r.method === 'GET' && r.path === route.path);
            const head = get ? outcomeOf(await send(w, 'GET', route, path + query, caller)) : null;
            ok = head === null ? got.status === 404 || got.status === 405 : acceptable(head, got);
          } else {
            ok = acceptable(canonical, got);
            if (route.method === 'POST' && got.status !== 404 && got.status !== 405)
              matchedWrites++;
            // The exact router knows one name for each route.
            if (!loose && route.method === 'POST') ok &&= got.status === 404 || got.status === 405;
          }
          const mayStore =
            method === 'POST' && got.status === canonical.status && canonical.status < 300;
          if (stored !== 0 && !(mayStore && stored === 1)) ok = false;
          if (!ok) {
            failures.push(
              `${what}${stored === 0 ? '' : `, stored ${stored}`} (canonical ${canonical.status})`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
      if (loose) expect(matchedWrites).toBeGreaterThan(0);
      else expect(matchedWrites).toBe(0);
    });
  });
});

describe('the limits and SVT_READ_AUTH follow the route that matched, on a loose router too', () => {
  async function looseWorld(env: Record<string, string>): Promise<World> {
    const w = await world(env, true);
    w.server = createServer(looseCallback(w.t.app));
    await listen(w.server);
    return w;
  }
  const write = (w: World, path: string, token = w.tokens.admin) =>
    request(w.server)
      .post(path)
      .set('Authorization', `Bearer ${token ?? ''}`)
      .send({ env: 'prod', app: 'api', version: '2.0.0' });

  it('SVT_RATE_LIMIT counts a write under any name of its route', async () => {
    const w = await looseWorld({ SVT_RATE_LIMIT: '2' });
    await write(w, '/API/V1/DEPLOYMENTS').expect(201);
    await write(w, '/api/v1/deployments/').expect(201);
    await write(w, '/api/v1/deployments').expect(429);
    await write(w, '/Api/V1/Deployments').expect(429);
    await closeServer(w.server);
    await w.t.store.close();
  });

  it('SVT_AUTH_FAIL_LIMIT counts a bad token under any name of its route', async () => {
    const w = await looseWorld({ SVT_AUTH_FAIL_LIMIT: '2' });
    await write(w, '/API/V1/DEPLOYMENTS', 'svt_guess1').expect(401);
    await request(w.server).get('/API/V1/APPS/').set('Authorization', 'Bearer x').expect(401);
    await write(w, '/api/v1/deployments').expect(429);
    await closeServer(w.server);
    await w.t.store.close();
  });

  it('SVT_READ_AUTH=token closes a read under any name of its route', async () => {
    const w = await looseWorld({ SVT_READ_AUTH: 'token' });
    for (const path of [
      '/API/V1/APPS',
      '/api/v1/apps/',
      '/LIST/prod',
      '/METRICS',
      '/OpenAPI.json',
    ]) {
      await request(w.server).get(path).expect(401);
      await request(w.server)
        .get(path)
        .set('Authorization', `Bearer ${w.tokens.read ?? ''}`)
        .expect(200);
    }
    for (const path of ['/ENV/prod', '/env/prod/', '/Dora?env=prod']) {
      const res = await request(w.server).get(path).expect(302);
      expect(res.headers.location).toMatch(/^\/login\?next=/);
    }
    await closeServer(w.server);
    await w.t.store.close();
  });
});

describe('the canonical answers the variants are held to', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({}, true);
    await listen(w.server);
  });
  afterAll(async () => {
    await closeServer(w.server);
    await w.t.store.close();
  });

  it.each([
    ['none', 401, 401],
    ['read', 403, 403],
    ['write-other', 403, 403],
    ['revoked', 401, 401],
    ['admin', 201, 200],
  ] as const)('%s writing to prod: v1 %i, legacy %i', async (caller, v1, legacy) => {
    const post = (path: string) => send(w, 'POST', { method: 'POST', path }, path, caller);
    expect((await post('/api/v1/deployments')).status).toBe(v1);
    expect((await post('/create')).status).toBe(legacy);
  });

  it('the issue’s three requests are 404s and record nothing', async () => {
    const before = await countDeployments(w);
    await request(w.server)
      .post('/api/v1/deployments/')
      .send({ env: 'prod', app: 'api', version: '6.6.6' })
      .expect(404);
    await request(w.server)
      .post('/API/V1/DEPLOYMENTS')
      .send({ env: 'prod', app: 'api', version: '6.6.6' })
      .expect(404);
    await request(w.server)
      .post('/CREATE')
      .type('form')
      .send('env=prod&name=api&version=6.6.7')
      .expect(404);
    expect(await countDeployments(w)).toBe(before);
  });
});

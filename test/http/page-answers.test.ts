/**
 * What a person's browser gets, page or error: every HTML answer carries
 * the pages' Content-Security-Policy (their own stylesheet and scripts),
 * every other answer the one that loads nothing, whichever route answered
 * or failed. Errors are pages for a browser (and always on page routes),
 * problem+json for programs and on the API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
  "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
/** What Chromium sends when it navigates. */
const BROWSER =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** An answer's type and policy: a page (HTML, the pages' CSP) or data (anything else, nothing loaded). */
function kind(res: Response): 'page' | 'data' {
  const type = res.headers['content-type'] ?? '';
  const csp = res.headers['content-security-policy'];
  if (type === 'text/html; charset=utf-8') {
    expect(csp).toBe(PAGE_CSP);
    return 'page';
  }
  expect(csp).toBe(DATA_CSP);
  return 'data';
}

let open: TestApp;
let locked: TestApp;
beforeAll(async () => {
  open = await testApp();
  await open.store.record(
    newDeployment({ env: 'prod', app: 'api', version: '1.0.0', deployedAt: T0 }),
  );
  locked = await testApp({ SVT_READ_AUTH: 'token', SVT_AUTH_FAIL_LIMIT: '1' });
});
afterAll(async () => {
  await open.store.close();
  await locked.store.close();
  removeTempDirs();
});

describe('the policy follows what is answered', () => {
  it.each([
    ['/', 200],
    ['/env/prod', 200],
    ['/env/prod/changes', 200],
    ['/app/api', 200],
    ['/compare', 200],
    ['/dora', 200],
  ])('page %s', async (path, status) => {
    const res = await request(open.callback).get(path).set('Accept', BROWSER).expect(status);
    expect(kind(res)).toBe('page');
  });

  it.each([
    ['/api/v1/environments', 200],
    ['/api/v1/environments/nope', 404],
    ['/assets/app.css', 200],
    ['/assets/app.js', 200],
    ['/assets/favicon.svg', 200],
    ['/badge/prod/api.svg', 200],
    ['/healthz', 200],
    ['/openapi.json', 200],
  ])('data %s, even for a browser', async (path, status) => {
    const res = await request(open.callback).get(path).set('Accept', BROWSER).expect(status);
    expect(kind(res)).toBe('data');
  });

  it('the login page has the pages’ policy, so its stylesheet loads', async () => {
    const res = await request(locked.callback).get('/login').expect(200);
    expect(kind(res)).toBe('page');
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/app.css" />');
    // Reads closed: a page redirects to it, the API answers 401 problem+json.
    const moved = await request(locked.callback)
      .get('/env/prod')
      .set('Accept', BROWSER)
      .expect(302);
    expect(moved.headers.location).toBe('/login?next=%2Fenv%2Fprod');
    const api = await request(locked.callback)
      .get('/api/v1/apps')
      .set('Accept', BROWSER)
      .expect(401);
    expect(api.headers['content-type']).toBe('application/problem+json');
    expect(kind(api)).toBe('data');
  });
});

describe('errors are pages for a browser', () => {
  it('an unknown address: a page for a browser, problem+json for a program', async () => {
    const page = await request(open.callback).get('/nowhere').set('Accept', BROWSER).expect(404);
    expect(kind(page)).toBe('page');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toMatch(/<main id="main"><h1>Not found<\/h1>/);
    expect(page.text).toContain('no route for GET /nowhere');
    expect(page.text).toContain('<a href="/">Back to the overview</a>');
    for (const accept of [undefined, '*/*', 'application/json']) {
      let req = request(open.callback).get('/nowhere');
      if (accept !== undefined) req = req.set('Accept', accept);
      const res = await req.expect(404);
      expect(kind(res)).toBe('data');
      expect(res.body).toMatchObject({ status: 404, detail: 'no route for GET /nowhere' });
    }
  });

  it('the API speaks problem+json to a browser too', async () => {
    for (const path of [
      '/api/v1/nowhere',
      '/api/v1/environments/nope',
      '/api/v1/deployments?limit=0',
    ]) {
      const res = await request(open.callback).get(path).set('Accept', BROWSER);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(kind(res)).toBe('data');
    }
  });

  it('a method not allowed, and a page route’s 400 and 404 whatever the client accepts', async () => {
    const post = await request(open.callback).post('/compare').set('Accept', BROWSER).expect(405);
    expect(kind(post)).toBe('page');
    expect(post.text).toContain('POST is not allowed on /compare; allowed: HEAD, GET');
    const bad = await request(open.callback).get('/env/prod?at=later').expect(400);
    expect(kind(bad)).toBe('page');
    expect(bad.text).toContain('at: ');
    const missing = await request(open.callback).get('/env/nope').expect(404);
    expect(kind(missing)).toBe('page');
    expect(missing.text).toContain(
      'no deployment was ever recorded in environment &quot;nope&quot;',
    );
  });

  it('a page route’s guard answers with pages: a bad token is a 401 page', async () => {
    const res = await request(open.callback)
      .get('/')
      .set('Authorization', 'Bearer svt_not-a-token')
      .expect(401);
    expect(kind(res)).toBe('page');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="svt"');
    expect(res.text).toContain('<h1>Unauthorized</h1>');
  });

  it('too many failed sign-ins: a 429 page with Retry-After', async () => {
    const signIn = () =>
      request(locked.callback)
        .post('/login')
        .set('Accept', BROWSER)
        .type('form')
        .send({ token: 'svt_wrong', next: '/' });
    const failed = await signIn().expect(401);
    expect(kind(failed)).toBe('page');
    expect(failed.text).toContain('That token is not valid');
    const limited = await signIn().expect(429);
    expect(kind(limited)).toBe('page');
    expect(limited.text).toContain('<h1>Too many requests</h1>');
    expect(limited.text).toMatch(/failed authentications from this address: at most 1 a minute/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a server error on a page is a page that names the request id; on the API, problem+json', async () => {
    const broken = await testApp();
    await broken.store.record(
      newDeployment({ env: 'prod', app: 'api', version: '1', deployedAt: T0 }),
    );
    await broken.store.close();
    const page = await request(broken.callback).get('/').set('X-Request-Id', 'req-42').expect(500);
    expect(kind(page)).toBe('page');
    expect(page.text).toContain('<h1>Internal server error</h1>');
    expect(page.text).toContain('Request id: <code>req-42</code>');
    const api = await request(broken.callback)
      .get('/api/v1/apps')
      .set('Accept', BROWSER)
      .expect(500);
    expect(kind(api)).toBe('data');
    expect(api.body).toMatchObject({ status: 500 });
  });
});

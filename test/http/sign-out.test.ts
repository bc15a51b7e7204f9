/**
 * The pages' header offers to sign out to a signed-in session
 * (SVT_READ_AUTH=token), on every page and error page: a form that POSTs
 * to /logout, which sends the browser to /login. Never to a bearer token,
 * nor where reads are open. (test/browser/sign-out.test.ts clicks it.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

const SIGN_OUT =
  /<form class="signout" method="post" action="\/logout">\s*<button type="submit">Sign out<\/button>/;

const PAGES = [
  '/',
  '/env/prod',
  '/env/prod/changes',
  '/app/api',
  '/compare',
  '/dora',
  '/env/nowhere', // an error page (404)
];

let closed: TestApp;
let open: TestApp;
let reader: string;
let cookie: string;
beforeAll(async () => {
  closed = await testApp({ SVT_READ_AUTH: 'token' });
  open = await testApp();
  for (const t of [closed, open]) await t.store.record(newDeployment({ env: 'prod' }));
  reader = await issueToken(closed.store, 'reader', ['read']);
  const res = await request(closed.callback)
    .post('/login')
    .type('form')
    .send({ token: reader, next: '/' })
    .expect(303);
  cookie = res.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
});
afterAll(async () => {
  await closed.store.close();
  await open.store.close();
  removeTempDirs();
});

describe('the sign-out button', () => {
  it.each(PAGES)('%s, signed in: in the header', async (path) => {
    const res = await request(closed.callback).get(path).set('Cookie', cookie);
    expect([200, 404]).toContain(res.status);
    expect(res.type).toBe('text/html');
    const header = res.text.slice(res.text.indexOf('<header'), res.text.indexOf('</header>'));
    expect(header).toMatch(SIGN_OUT);
  });

  it.each(PAGES)('%s, with a read token and no session: none', async (path) => {
    const res = await request(closed.callback)
      .get(path)
      .set('Authorization', `Bearer ${reader}`)
      .set('Accept', 'text/html');
    expect(res.text).toContain('<header');
    expect(res.text).not.toMatch(/signout|Sign out/);
  });

  it('the login page and open reads: none', async () => {
    const login = await request(closed.callback).get('/login').expect(200);
    expect(login.text).not.toMatch(/signout|Sign out/);
    for (const path of PAGES) {
      const res = await request(open.callback).get(path).set('Cookie', cookie);
      expect(res.text).not.toMatch(/signout|Sign out/);
    }
  });

  it('posting it ends the session and lands on the login page', async () => {
    const out = await request(closed.callback).post('/logout').set('Cookie', cookie).expect(303);
    expect(out.headers.location).toBe('/login');
    const after = await request(closed.callback).get('/').set('Cookie', cookie).expect(302);
    expect(after.headers.location).toBe('/login?next=%2F');
  });
});

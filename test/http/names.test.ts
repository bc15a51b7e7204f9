/**
 * Names that a page could show as another: refused on write; names made of
 * dots (valid, and a dot segment to a browser) linked so they still resolve.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('application names', () => {
  it.each([
    ['a right-to-left override', 'api\u202Egnp.exe'],
    ['a zero-width space', 'pay\u200Bments'],
    ['a left-to-right mark', '\u200Eapi'],
    ['a byte order mark', 'api\uFEFF'],
    ['a bidi isolate', 'a\u2066b\u2069'],
  ])('refuses %s, naming the field', async (_what, app) => {
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app, version: '1.0.0' })
      .expect(400);
    expect(res.body.errors[0].path).toBe('app');
    expect(res.body.errors[0].message).toMatch(/invisible or direction-changing/);
  });

  it('keeps emoji that a zero-width joiner builds', async () => {
    await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app: 'team \u{1F469}\u200D\u{1F4BB}', version: '1.0.0' })
      .expect(201);
  });

  it.each(['..', '.'])('links an app named %j so that its page opens', async (app) => {
    await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dots', app, version: '1.0.0' })
      .expect(201);
    const href = `/app/${app.replace(/\./g, '%2E')}`;
    expect((await request(t.callback).get('/env/dots').expect(200)).text).toContain(
      `href="${href}"`,
    );
    const page = await request(t.callback).get(href).expect(200);
    expect(page.text).toContain(`<h1>${app}</h1>`);
  });

  it('refuses an empty or inverted window instead of answering nothing', async () => {
    const res = await request(t.callback)
      .get('/api/v1/changes')
      .query({ env: 'prod', since: '2026-11-28', until: '2026-11-27' })
      .expect(400);
    expect(res.body.errors).toEqual([
      {
        path: 'until',
        message:
          "must be after since (2026-11-28T00:00:00.000Z), the window's start; got 2026-11-27T00:00:00.000Z",
      },
    ]);
    await request(t.callback)
      .get('/api/v1/deployments')
      .query({ since: '2026-11-28', until: '2026-11-28' })
      .expect(400);
    // The page's default window ends at `until`: the seven days before it.
    const page = await request(t.callback)
      .get('/env/prod/changes')
      .query({ until: '2026-01-08' })
      .expect(200);
    expect(page.text).toContain('2026-01-01T00:00:00.000Z');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
const at = (m: number) => new Date(T0 + m * MINUTE).toISOString();

beforeAll(async () => {
  t = await testApp();
  // Arrival order differs from deployedAt order; a tie at minute 20; a failure and a rollback.
  const rows: [string, string, string, number, ('success' | 'failure' | 'rolled_back')?][] = [
    ['prod', 'api', '1.0.0', 0],
    ['prod', 'api', '1.2.0', 30],
    ['prod', 'web', '5.0.0', 20],
    ['prod', 'api', '1.1.0', 10], // backdated: arrives after 1.2.0
    ['prod', 'api', '1.2.0', 35, 'rolled_back'],
    ['prod', 'api', '1.1.0', 35], // the rollback: a success of the older version
    ['prod', 'web', '5.1.0', 20, 'failure'], // a tie with 5.0.0: the later arrival is later
    ['staging', 'api', '2.0.0', 25],
  ];
  for (const [env, app, version, minute, status] of rows) {
    await t.store.record(
      newDeployment({
        env,
        app,
        version,
        deployedAt: T0 + minute * MINUTE,
        status: status ?? 'success',
      }),
    );
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('GET /api/v1/changes', () => {
  it('every event of the environment in the window, newest first, since inclusive, until exclusive', async () => {
    const res = await request(t.callback)
      .get(`/api/v1/changes?env=prod&since=${at(10)}&until=${at(35)}`)
      .expect(200);
    expect(res.body).toMatchObject({ env: 'prod', since: at(10), until: at(35), next: null });
    expect(
      res.body.items.map(
        (d: { app: string; version: string; status: string }) =>
          `${d.app} ${d.version} ${d.status}`,
      ),
    ).toEqual(['api 1.2.0 success', 'web 5.1.0 failure', 'web 5.0.0 success', 'api 1.1.0 success']);
    const open = await request(t.callback)
      .get(`/api/v1/changes?env=prod&since=${at(30)}`)
      .expect(200);
    expect(open.body.until).toBeNull();
    expect(
      open.body.items.map((d: { version: string; status: string }) => `${d.version} ${d.status}`),
    ).toEqual(['1.1.0 success', '1.2.0 rolled_back', '1.2.0 success']);
  });

  it('answers env, since, until, items and next, in that order', async () => {
    const res = await request(t.callback)
      .get(`/api/v1/changes?env=staging&since=${at(0)}`)
      .expect(200);
    expect(res.body.items.map((d: { version: string }) => d.version)).toEqual(['2.0.0']);
    expect(res.text).toBe(
      JSON.stringify({
        env: 'staging',
        since: at(0),
        until: null,
        items: res.body.items,
        next: null,
      }),
    );
  });

  it('pages with a cursor and a Link header', async () => {
    const first = await request(t.callback)
      .get(`/api/v1/changes?env=prod&since=${at(0)}&limit=4`)
      .expect(200);
    expect(first.body.items).toHaveLength(4);
    expect(first.headers.link).toMatch(/^<\/api\/v1\/changes\?.*cursor=.*>; rel="next"$/);
    const second = await request(t.callback)
      .get(`/api/v1/changes?env=prod&since=${at(0)}&limit=4&cursor=${first.body.next as string}`)
      .expect(200);
    expect(second.body.items.map((d: { version: string }) => d.version)).toEqual([
      '5.0.0',
      '1.1.0',
      '1.0.0',
    ]);
    expect(second.body.next).toBeNull();
  });

  it('needs the environment and the start of the window', async () => {
    const res = await request(t.callback).get('/api/v1/changes').expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['env', 'since']);
    await request(t.callback).get(`/api/v1/changes?env=prod&since=soon`).expect(400);
  });
});

describe('GET /badge/{env}/{app}.svg', () => {
  it('the current version, green; orange when the latest attempt failed; grey "none" when nothing ran', async () => {
    const api = await request(t.callback).get('/badge/prod/api.svg').expect(200);
    expect(api.headers['content-type']).toBe('image/svg+xml');
    expect(api.headers['cache-control']).toBe('max-age=60');
    const svg = api.body.toString();
    expect(svg).toContain('<title>prod: 1.1.0</title>');
    expect(svg).toContain('fill="#4c1"');
    const web = (await request(t.callback).get('/badge/prod/web.svg').expect(200)).body.toString();
    expect(web).toContain('<title>prod: 5.0.0</title>');
    expect(web).toContain('fill="#fe7d37"');
    const none = (
      await request(t.callback).get('/badge/qa/nothing.svg').expect(200)
    ).body.toString();
    expect(none).toContain('<title>qa: none</title>');
    expect(none).toContain('fill="#9f9f9f"');
    await request(t.callback)
      .get('/badge/prod/api.svg')
      .set('If-None-Match', api.headers.etag ?? '')
      .expect(304);
  });

  it('escapes what it shows and refuses what is not a badge', async () => {
    await t.store.record(newDeployment({ env: 'prod', app: 'x"><script>', version: '<&>' }));
    const svg = (
      await request(t.callback)
        .get(`/badge/prod/${encodeURIComponent('x"><script>')}.svg`)
        .expect(200)
    ).body.toString();
    expect(svg).toContain('&lt;&amp;&gt;');
    expect(svg).not.toContain('<script>');
    await request(t.callback).get('/badge/prod/api.png').expect(400);
    await request(t.callback).get('/badge/bad env/api.svg').expect(400);
  });
});

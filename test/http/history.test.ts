import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('GET /api/v1/deployments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    for (let i = 0; i < 120; i++) {
      await t.store.record(
        newDeployment({
          env: i % 2 === 0 ? 'dev' : 'prod',
          app: i % 3 === 0 ? 'web' : 'api',
          version: `1.0.${i}`,
          status: i % 10 === 9 ? 'failure' : 'success',
          deployedAt: T0 + i * MINUTE,
        }),
      );
    }
  });

  it('pages newest first, 50 by default, with a next cursor and a Link header', async () => {
    const first = await request(t.callback).get('/api/v1/deployments').expect(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.items[0].version).toBe('1.0.119');
    expect(first.headers.link).toBe(`</api/v1/deployments?cursor=${first.body.next}>; rel="next"`);
    const seen: string[] = [];
    let url: string | null = '/api/v1/deployments?limit=100';
    while (url !== null) {
      const res: request.Response = await request(t.callback).get(url).expect(200);
      seen.push(...res.body.items.map((x: { version: string }) => x.version));
      const link: string | undefined = res.headers.link;
      url = link === undefined ? null : (/^<([^>]+)>/.exec(link)?.[1] ?? null);
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });

  it('filters by env, app and status, with inclusive since and exclusive until', async () => {
    const since = new Date(T0 + 10 * MINUTE).toISOString();
    const until = new Date(T0 + 20 * MINUTE).toISOString();
    const res = await request(t.callback)
      .get('/api/v1/deployments')
      .query({ env: 'dev', app: 'api', since, until })
      .expect(200);
    expect(res.body.items.map((x: { version: string }) => x.version)).toEqual([
      '1.0.16',
      '1.0.14',
      '1.0.10',
    ]);
    expect(res.body.next).toBeNull();
    const failures = await request(t.callback)
      .get('/api/v1/deployments?status=failure&limit=100')
      .expect(200);
    expect(failures.body.items).toHaveLength(12);
  });

  it('answers items, then next, as the deployment route gives each, names and attributes intact', async () => {
    await t.store.record(
      newDeployment({
        env: 'text',
        app: 'café ✓ "quoted" \\ 🚀',
        version: 'v2.0.0',
        deployedAt: T0 + 500 * MINUTE,
        repository: 'https://github.com/acme/api',
        attributes: { n: 1.5, ok: false, note: 'a\nb <b>' },
      }),
    );
    await t.store.record(
      newDeployment({ env: 'text', version: '1.0.0', deployedAt: T0 + 400 * MINUTE }),
    );
    const res = await request(t.callback).get('/api/v1/deployments?env=text&limit=1').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const [item] = res.body.items;
    expect(item).toMatchObject({
      app: 'café ✓ "quoted" \\ 🚀',
      version: 'v2.0.0',
      deployedAt: '2026-01-01T08:20:00.000Z',
      repository: 'https://github.com/acme/api',
      attributes: { n: 1.5, ok: false, note: 'a\nb <b>' },
      committedAt: null,
      rollback: false,
    });
    expect(typeof res.body.next).toBe('string');
    // The text is what serializing the answer gives: no other spelling, items before next.
    expect(res.text).toBe(JSON.stringify({ items: res.body.items, next: res.body.next }));
    const one = await request(t.callback).get(`/api/v1/deployments/${item.id}`).expect(200);
    expect(item).toEqual(one.body.deployment);
    const last = await request(t.callback)
      .get(`/api/v1/deployments?env=text&limit=1&cursor=${res.body.next}`)
      .expect(200);
    expect(last.text).toBe(JSON.stringify({ items: last.body.items, next: null }));
    expect(last.body.items.map((x: { version: string }) => x.version)).toEqual(['1.0.0']);
  });

  it('takes a plain date as 00:00 UTC', async () => {
    const res = await request(t.callback).get('/api/v1/deployments?until=2026-01-01').expect(200);
    expect(res.body.items).toEqual([]);
    const all = await request(t.callback).get('/api/v1/deployments?since=2026-01-01&limit=1');
    expect(all.body.items).toHaveLength(1);
  });

  it('refuses a cursor used with other filters, bad limits and unknown parameters', async () => {
    const first = await request(t.callback).get('/api/v1/deployments?env=dev&limit=5');
    await request(t.callback)
      .get(`/api/v1/deployments?env=prod&limit=5&cursor=${first.body.next}`)
      .expect(400);
    await request(t.callback)
      .get(`/api/v1/deployments?env=dev&limit=5&cursor=${first.body.next}`)
      .expect(200);
    for (const q of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'status=ok',
      'env=a%20b',
      'envv=dev',
      'env=a&env=b',
    ]) {
      const res = await request(t.callback).get(`/api/v1/deployments?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
    }
  });
});

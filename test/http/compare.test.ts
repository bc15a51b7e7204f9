import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const rows: [string, string, string, number][] = [
    ['staging', 'api', '1.10.0', 1],
    ['prod', 'api', '1.9.0', 2],
    ['staging', 'cart', 'v2.0.0', 3],
    ['prod', 'cart', '2.1.0', 4],
    ['staging', 'new-svc', '0.1.0', 5],
    ['prod', 'legacy', '7', 6],
    ['staging', 'web', '9fceb02', 7],
    ['prod', 'web', 'a1b2c3d', 8],
    ['prod', 'api', '1.11.0', 100], // later: prod overtakes staging
  ];
  for (const [env, app, version, minute] of rows) {
    await t.store.record(newDeployment({ env, app, version, deployedAt: T0 + minute * MINUTE }));
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('GET /api/v1/compare', () => {
  it('one item per app of either environment, by name, with both sides', async () => {
    const res = await request(t.callback).get('/api/v1/compare?from=staging&to=prod').expect(200);
    expect(res.body.from).toBe('staging');
    expect(res.body.to).toBe('prod');
    expect(res.body.at).toBeNull();
    const items = res.body.items as {
      app: string;
      state: string;
      from: { version: string } | null;
      to: { version: string } | null;
    }[];
    expect(
      items.map((i) => [i.app, i.state, i.from?.version ?? null, i.to?.version ?? null]),
    ).toEqual([
      ['api', 'behind', '1.10.0', '1.11.0'],
      ['cart', 'behind', 'v2.0.0', '2.1.0'],
      ['legacy', 'only_in_to', null, '7'],
      ['new-svc', 'only_in_from', '0.1.0', null],
      ['web', 'behind', '9fceb02', 'a1b2c3d'], // not semver: prod's is later
    ]);
  });

  it('at a past instant', async () => {
    const res = await request(t.callback)
      .get(`/api/v1/compare?from=staging&to=prod&at=${new Date(T0 + 50 * MINUTE).toISOString()}`)
      .expect(200);
    expect(res.body.at).toBe(new Date(T0 + 50 * MINUTE).toISOString());
    expect(res.body.items[0]).toMatchObject({ app: 'api', state: 'ahead' }); // 1.10.0 vs 1.9.0 then
  });

  it('refuses missing, malformed or unknown environments and unknown parameters', async () => {
    const missing = await request(t.callback).get('/api/v1/compare?from=staging').expect(400);
    expect(missing.body.errors).toEqual([{ path: 'to', message: expect.any(String) }]);
    const bad = await request(t.callback).get('/api/v1/compare?from=a b&to=prod&x=1').expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'x']);
    const twice = await request(t.callback)
      .get('/api/v1/compare?from=a&from=b&to=prod')
      .expect(400);
    expect(twice.body.errors[0]).toEqual({ path: 'from', message: 'must be given once' });
    const unknown = await request(t.callback)
      .get('/api/v1/compare?from=staging&to=nowhere')
      .expect(404);
    expect(unknown.body.detail).toContain('"nowhere"');
    await request(t.callback).get('/api/v1/compare?from=staging&to=prod&at=yesterday').expect(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('current state and catalogue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    await t.store.record(d({ env: 'staging', app: 'api', version: '1.1.0', deployedAt: T0 }));
    await t.store.record(d({ env: 'prod', app: 'api', version: '1.0.0', deployedAt: T0 + MINUTE }));
    await t.store.record(
      d({ env: 'prod', app: 'api', version: '1.1.0', deployedAt: T0 + 5 * MINUTE }),
    );
    await t.store.record(
      d({ env: 'prod', app: 'a/b c', version: '7', deployedAt: T0 + 2 * MINUTE }),
    );
    await t.store.record(
      d({
        env: 'prod',
        app: 'api',
        version: '1.2.0',
        status: 'failure',
        deployedAt: T0 + 6 * MINUTE,
      }),
    );
  });

  const versions = (res: request.Response) =>
    res.body.deployments.map((x: { app: string; version: string }) => `${x.app}@${x.version}`);

  it('GET /api/v1/environments/{env}: each app current version', async () => {
    const res = await request(t.callback).get('/api/v1/environments/prod').expect(200);
    expect(res.body.env).toBe('prod');
    expect(res.body.at).toBeNull();
    expect(versions(res)).toEqual(['a/b c@7', 'api@1.1.0']);
  });

  it('?at= answers the state at a past instant, with the instant normalised', async () => {
    const at = '2026-01-01T01:03:00+01:00';
    const res = await request(t.callback).get(
      `/api/v1/environments/prod?at=${encodeURIComponent(at)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.at).toBe('2026-01-01T00:03:00.000Z');
    expect(versions(res)).toEqual(['a/b c@7', 'api@1.0.0']);
    const before = await request(t.callback).get('/api/v1/environments/prod?at=2025-12-31');
    expect(before.body.deployments).toEqual([]);
  });

  it('404 for an environment never recorded, 400 for an impossible name', async () => {
    const res = await request(t.callback).get('/api/v1/environments/nowhere').expect(404);
    expect(res.body.detail).toMatch(/nowhere/);
    await request(t.callback).get('/api/v1/environments/bad%20name').expect(400);
    await request(t.callback).get('/api/v1/environments/prod?when=now').expect(400);
  });

  it('GET /api/v1/environments lists environments in the pages’ order (staging, then prod)', async () => {
    const res = await request(t.callback).get('/api/v1/environments').expect(200);
    expect(res.body.items).toEqual([
      { name: 'staging', apps: 1, lastDeployedAt: new Date(T0).toISOString() },
      { name: 'prod', apps: 2, lastDeployedAt: new Date(T0 + 6 * MINUTE).toISOString() },
    ]);
  });

  it('GET /api/v1/apps and /api/v1/apps/{app}, names with "/" and spaces escaped', async () => {
    const apps = await request(t.callback).get('/api/v1/apps').expect(200);
    expect(apps.body.items.map((a: { name: string }) => a.name)).toEqual(['a/b c', 'api']);
    const api = await request(t.callback).get('/api/v1/apps/api').expect(200);
    expect(
      api.body.environments.map((e: { env: string; current: { version: string } }) => [
        e.env,
        e.current.version,
      ]),
    ).toEqual([
      ['staging', '1.1.0'],
      ['prod', '1.1.0'],
    ]);
    const odd = await request(t.callback).get(`/api/v1/apps/${encodeURIComponent('a/b c')}`);
    expect(odd.status).toBe(200);
    expect(odd.body.app).toBe('a/b c');
    await request(t.callback).get('/api/v1/apps/unknown').expect(404);
  });
});

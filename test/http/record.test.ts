import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('POST /api/v1/deployments', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  it('records a deployment with server defaults and answers 201 with it and previous', async () => {
    const before = Date.now();
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1.4.2' })
      .expect(201)
      .expect('Content-Type', /application\/json/);
    expect(res.body.previous).toBeNull();
    expect(res.body.deployment).toMatchObject({
      env: 'dev',
      app: 'api',
      version: '1.4.2',
      status: 'success',
      attributes: {},
      recordedBy: null,
    });
    expect(Date.parse(res.body.deployment.deployedAt)).toBeGreaterThanOrEqual(before - 1);

    const next = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1.4.3' })
      .expect(201);
    expect(next.body.previous).toEqual(res.body.deployment);
  });

  it('says whether the write became current, and what runs instead when it did not', async () => {
    const post = async (version: string, extra: Record<string, string> = {}) =>
      (
        await request(t.callback)
          .post('/api/v1/deployments')
          .send({ env: 'qa', app: 'api', version, ...extra })
          .expect(201)
      ).body;
    const first = await post('2.0.0', { deployedAt: '2026-01-01T10:00:00Z' });
    expect(first).toEqual({
      deployment: first.deployment,
      previous: null,
      current: true,
      links: { commit: null, changes: null },
    });
    // Back-dated: stored, follows nothing, but 2.0.0 deployed later still runs.
    const late = await post('1.9.0', { deployedAt: '2026-01-01T09:00:00Z' });
    expect(late.current).toBe(false);
    expect(late.previous).toBeNull();
    expect(late.currentDeployment).toEqual(first.deployment);
    const failed = await post('2.1.0', { status: 'failure' });
    expect([failed.current, failed.previous?.version, failed.currentDeployment?.version]).toEqual([
      false,
      '2.0.0',
      '2.0.0',
    ]);
    const never = (
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'qa', app: 'web', version: '1.0.0', status: 'started' })
        .expect(201)
    ).body;
    expect([never.current, never.currentDeployment]).toEqual([false, null]);
  });

  it('keeps every optional field, and a client deployedAt with an offset, as UTC', async () => {
    const body = {
      env: 'prod-eu',
      app: 'Test app',
      version: 'v2.4.0',
      status: 'started',
      deployedAt: '2026-01-01T10:30:00.123+01:00',
      commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
      committedAt: '2025-12-31T23:00:00Z',
      ref: 'refs/heads/main',
      url: 'https://app.example.test/',
      pipelineUrl: 'http://ci.example.test/jobs/42',
      actor: 'jane',
      source: 'gitlab',
      attributes: { region: 'eu-west-1', replicas: 3, canary: true, note: '' },
    };
    const res = await request(t.callback).post('/api/v1/deployments').send(body).expect(201);
    expect(res.body.deployment).toMatchObject({
      ...body,
      deployedAt: '2026-01-01T09:30:00.123Z',
      committedAt: '2025-12-31T23:00:00.000Z',
    });
  });

  it.each(['v2.4.0', '9fceb02', '2026.11.28-3', '1.0.0+build.7', 'release/42'])(
    'accepts the version %s',
    async (version) => {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'dev', app: 'api', version })
        .expect(201);
    },
  );

  it('treats null optional fields as absent', async () => {
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1', status: null, commit: null, attributes: null })
      .expect(201);
    expect(res.body.deployment).toMatchObject({ status: 'success', commit: null, attributes: {} });
  });

  it('refuses a deployedAt more than 5 minutes in the future, accepts one just inside', async () => {
    const soon = new Date(Date.now() + 4 * 60_000).toISOString();
    const late = new Date(Date.now() + 6 * 60_000).toISOString();
    await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1', deployedAt: soon })
      .expect(201);
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1', deployedAt: late })
      .expect(400);
    expect(res.body.errors).toEqual([
      { path: 'deployedAt', message: 'must be at most 5 minutes in the future' },
    ]);
  });

  it('applies SVT_VERSION_PATTERN to the whole version', async () => {
    const strict = await testApp({ SVT_VERSION_PATTERN: '[0-9]+\\.[0-9]+\\.[0-9]+' });
    await request(strict.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1.2.3' })
      .expect(201);
    const res = await request(strict.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: 'x1.2.3y' })
      .expect(400);
    expect(res.body.errors[0]).toEqual({
      path: 'version',
      message: 'must match the pattern set in SVT_VERSION_PATTERN',
    });
  });
});

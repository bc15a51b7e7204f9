/**
 * Instants that cannot be: a body's years before 2000 and commits after
 * their deployment are refused with the field named; a query's year 0099 is
 * year 99, not 1999; and an offset pasted unencoded into a query string
 * (`+01:00` arrives as ` 01:00`) means what its author wrote, on every route
 * and page that reads an instant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const HOUR = 3600_000;
const PASTED = '2026-11-28T10:30:00 01:00'; // what ?at=2026-11-28T10:30:00+01:00 decodes to
const UTC = '2026-11-28T09:30:00Z';
const AT = Date.parse(UTC);

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // Straight into the store: the API refuses instants before 2000 now.
  await t.store.record(
    newDeployment({ env: 'prod', app: 'old', deployedAt: Date.parse('1999-01-01T00:00:00Z') }),
  );
  // One deployment just before the instant and one just after, in two environments.
  for (const env of ['prod', 'staging']) {
    await t.store.record(newDeployment({ env, version: '1.0.0', deployedAt: AT - HOUR }));
    await t.store.record(newDeployment({ env, version: '2.0.0', deployedAt: AT + HOUR }));
  }
  await t.store.record(
    newDeployment({ env: 'prod', app: 'web', version: '3.0.0', deployedAt: AT - 1 }),
  );
});

const get = (path: string, query: Record<string, string>) =>
  request(t.callback).get(path).query(query).expect(200);

describe('body instants', () => {
  const post = (body: object) =>
    request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'dev', app: 'api', version: '1.0.0', ...body });

  it('a deployedAt in year 0099 is a 400 naming deployedAt, not a deployment of 1999', async () => {
    const res = await post({ deployedAt: '0099-06-15T00:00:00Z' }).expect(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        path: 'deployedAt',
        message: 'must not be before 2000-01-01T00:00:00Z; got "0099-06-15T00:00:00Z"',
      },
    ]);
    expect(res.body.detail).toBe(`deployedAt: ${res.body.errors[0].message}`);
  });

  it('a committedAt in 1970 is a 400', async () => {
    const res = await post({ committedAt: '1970-01-01T00:00:00Z' }).expect(400);
    expect(res.body.errors).toEqual([
      {
        path: 'committedAt',
        message: 'must not be before 2000-01-01T00:00:00Z; got "1970-01-01T00:00:00Z"',
      },
    ]);
  });

  it('a commit more than 5 minutes after its deployment is a 400; 5 minutes of skew are fine', async () => {
    const deployedAt = '2026-01-01T10:00:00Z';
    const late = await post({ deployedAt, committedAt: '2026-01-01T11:05:01+01:00' }).expect(400);
    expect(late.body.errors).toEqual([
      {
        path: 'committedAt',
        message:
          'must be at most 5 minutes after deployedAt (2026-01-01T10:00:00.000Z): a commit cannot be made after it was deployed; got "2026-01-01T11:05:01+01:00"',
      },
    ]);
    const skewed = await post({ deployedAt, committedAt: '2026-01-01T10:05:00Z' }).expect(201);
    expect(skewed.body.deployment).toMatchObject({
      deployedAt: '2026-01-01T10:00:00.000Z',
      committedAt: '2026-01-01T10:05:00.000Z',
    });
  });

  it('without deployedAt, a commit may be at most 5 minutes after the time of receipt', async () => {
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const res = await post({ committedAt: future }).expect(400);
    expect(res.body.errors[0].path).toBe('committedAt');
    expect(res.body.errors[0].message).toContain('the time of receipt');
  });
});

describe('query instants', () => {
  it('?at=0099-06-15T00:00:00Z is year 99: before anything, not 1999', async () => {
    const y99 = await get('/api/v1/environments/prod', { at: '0099-06-15T00:00:00Z' });
    expect(y99.body).toEqual({
      env: 'prod',
      at: '0099-06-15T00:00:00.000Z',
      attempts: [],
      deployments: [],
    });
    const y1999 = await get('/api/v1/environments/prod', { at: '1999-06-15T00:00:00Z' });
    expect(y1999.body.deployments.map((d: { app: string }) => d.app)).toEqual(['old']);
  });

  it('/api/v1/environments/{env}?at= with the pasted offset, encoded as %20 or sent as a raw +', async () => {
    const expected = await get('/api/v1/environments/prod', { at: UTC });
    expect(expected.body.at).toBe('2026-11-28T09:30:00.000Z');
    const running = (d: { app: string; version: string }) => `${d.app} ${d.version}`;
    expect(expected.body.deployments.map(running).sort()).toEqual([
      'api 1.0.0',
      'old 1.0.0',
      'web 3.0.0',
    ]);
    expect((await get('/api/v1/environments/prod', { at: PASTED })).body).toEqual(expected.body);
    const raw = await request(t.callback)
      .get('/api/v1/environments/prod?at=2026-11-28T10:30:00+01:00')
      .expect(200);
    expect(raw.body).toEqual(expected.body);
  });

  it('/api/v1/compare?at=', async () => {
    const q = { from: 'staging', to: 'prod' };
    const expected = await get('/api/v1/compare', { ...q, at: UTC });
    expect(expected.body.at).toBe('2026-11-28T09:30:00.000Z');
    expect((await get('/api/v1/compare', { ...q, at: PASTED })).body).toEqual(expected.body);
  });

  it('/api/v1/deployments?since=&until=', async () => {
    const expected = await get('/api/v1/deployments', { env: 'prod', since: UTC });
    expect(expected.body.items.map((d: { version: string }) => d.version)).toEqual(['2.0.0']);
    expect((await get('/api/v1/deployments', { env: 'prod', since: PASTED })).body).toEqual(
      expected.body,
    );
    const before = await get('/api/v1/deployments', { env: 'prod', until: UTC });
    expect(before.body.items.map((d: { version: string }) => d.version)).toEqual([
      '3.0.0',
      '1.0.0',
      '1.0.0',
    ]);
    expect((await get('/api/v1/deployments', { env: 'prod', until: PASTED })).body).toEqual(
      before.body,
    );
  });

  it('/api/v1/changes?since=&until=', async () => {
    const expected = await get('/api/v1/changes', { env: 'prod', since: '2026-11-28', until: UTC });
    expect(expected.body).toMatchObject({
      since: '2026-11-28T00:00:00.000Z',
      until: '2026-11-28T09:30:00.000Z',
    });
    expect(expected.body.items).toHaveLength(2);
    const pasted = await get('/api/v1/changes', {
      env: 'prod',
      since: '2026-11-28T01:00:00 01:00',
      until: PASTED,
    });
    expect(pasted.body).toEqual(expected.body);
  });

  it('/api/v1/dora?until=', async () => {
    const expected = await get('/api/v1/dora', { env: 'prod', window: '7d', until: UTC });
    expect(expected.body.until).toBe('2026-11-28T09:30:00.000Z');
    expect(expected.body.since).toBe('2026-11-21T09:30:00.000Z');
    expect((await get('/api/v1/dora', { env: 'prod', window: '7d', until: PASTED })).body).toEqual(
      expected.body,
    );
  });

  it('the /env/{env}?at= page', async () => {
    const expected = await get('/env/prod', { at: UTC });
    expect(expected.text).toContain('2026-11-28T09:30:00.000Z');
    expect((await get('/env/prod', { at: PASTED })).text).toBe(expected.text);
  });

  it("a refused one names what was received, and does not offer a '+' offset as the form", async () => {
    const res = await request(t.callback)
      .get('/api/v1/environments/prod')
      .query({ at: '2026-11-28T10:30 1:00' })
      .expect(400);
    expect(res.body.errors).toHaveLength(1);
    const { path, message } = res.body.errors[0];
    expect(path).toBe('at');
    expect(message).toMatch(/^must be an ISO 8601 instant with a zone/);
    expect(message).toContain('got "2026-11-28T10:30 1:00"');
    expect(message).toContain('%2B');
    expect(message).not.toContain('+01:00');
  });
});

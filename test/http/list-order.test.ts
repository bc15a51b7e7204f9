/**
 * Every list the API answers is in the pages' order: applications as
 * people read them (server/src/names.ts: `alpha`, `app-2`, `app-10`,
 * `Beta`, where code points give `Beta`, `alpha`, `app-10`, `app-2`), and
 * environments in the one environment order (stages, then first seen:
 * README "Environment order"). Expected orders are written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Deployment } from '@svt/client';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

const DAY = 24 * 60 * MINUTE;
/** The apps as people read them. */
const PEOPLE = ['alpha', 'app-2', 'app-10', 'Beta'];

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // First seen: prod, sandbox, dev, staging; shown dev, staging, prod, sandbox.
  for (const env of ['prod', 'sandbox', 'dev', 'staging']) {
    for (const [i, app] of ['app-10', 'Beta', 'app-2', 'alpha'].entries()) {
      const at = T0 + i * MINUTE;
      await t.store.record(newDeployment({ env, app, deployedAt: at }));
      await t.store.record(
        newDeployment({ env, app, version: '2.0.0', status: 'failure', deployedAt: at + 1 }),
      );
    }
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const get = async (path: string) => (await request(t.callback).get(path).expect(200)).body;
const apps = (items: Deployment[]) => items.map((d) => d.app);

describe('lists of applications, as people read them', () => {
  it('GET /api/v1/apps', async () => {
    expect((await get('/api/v1/apps')).items.map((a: { name: string }) => a.name)).toEqual(PEOPLE);
  });

  it('GET /api/v1/environments/{env}: what runs and the open attempts, now and at an instant', async () => {
    const now = await get('/api/v1/environments/prod');
    expect([apps(now.deployments), apps(now.attempts)]).toEqual([PEOPLE, PEOPLE]);
    const then = await get(
      `/api/v1/environments/prod?at=${new Date(T0 + 10 * MINUTE).toISOString()}`,
    );
    expect([apps(then.deployments), apps(then.attempts)]).toEqual([PEOPLE, PEOPLE]);
  });

  it('the CSV of an environment, and the seed routes /list', async () => {
    const csv = await request(t.callback).get('/api/v1/environments/prod?format=csv').expect(200);
    const rows = csv.text.trim().split('\r\n').slice(1);
    expect(rows.map((r) => /^"prod","([^"]+)"/.exec(r)?.[1])).toEqual(PEOPLE);
    for (const path of ['/list/prod', '/list?env=prod']) {
      expect((await get(path)).map((d: { name: string }) => d.name)).toEqual(PEOPLE);
    }
  });

  it('GET /api/v1/compare and GET /api/v1/dora', async () => {
    const compare = await get('/api/v1/compare?from=staging&to=prod');
    expect(compare.items.map((i: { app: string }) => i.app)).toEqual(PEOPLE);
    const dora = await get(`/api/v1/dora?env=prod&until=${new Date(T0 + DAY).toISOString()}`);
    expect(dora.apps.map((a: { app: string }) => a.app)).toEqual(PEOPLE);
  });
});

describe('lists of environments, in the pages’ order', () => {
  const SHOWN = ['dev', 'staging', 'prod', 'sandbox'];

  it('GET /api/v1/environments', async () => {
    expect((await get('/api/v1/environments')).items.map((e: { name: string }) => e.name)).toEqual(
      SHOWN,
    );
  });

  it("each app's environments: GET /api/v1/apps and /api/v1/apps/{app}", async () => {
    const all = await get('/api/v1/apps');
    for (const app of all.items) expect(app.environments).toEqual(SHOWN);
    const one = await get('/api/v1/apps/Beta');
    expect(one.environments.map((e: { env: string }) => e.env)).toEqual(SHOWN);
  });

  it('SVT_ENV_ORDER puts its environments first, as on the pages', async () => {
    const ordered = await testApp({ SVT_ENV_ORDER: 'sandbox,prod' });
    for (const env of ['prod', 'dev', 'sandbox']) {
      await ordered.store.record(newDeployment({ env }));
    }
    const res = await request(ordered.callback).get('/api/v1/environments').expect(200);
    expect(res.body.items.map((e: { name: string }) => e.name)).toEqual(['sandbox', 'prod', 'dev']);
    await ordered.store.close();
  });
});

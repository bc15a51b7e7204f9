/**
 * In flight is not failed, rollbacks are seen, names sort as people read
 * them: the same facts on the API, the environment and history pages, and
 * the badge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Deployment, EnvironmentState } from '@svt/client';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // [app, version, status, minute]
  const rows: [string, string, Deployment['status'], number][] = [
    ['api', '1.0.0', 'success', 0],
    ['api', '1.1.0', 'started', 1], // the README's pattern: success, then started
    ['web', '2.0.0', 'success', 0],
    ['web', '2.1.0', 'failure', 1],
    ['Test app', '3.0.0', 'success', 0],
    ['Test app', '3.1.0', 'success', 1],
    ['Test app', '3.0.0', 'success', 2], // back to 3.0.0: a rollback
    ['app-10', '1', 'success', 0],
    ['app-2', '1', 'success', 0],
    ['new', '0.1.0', 'started', 0], // in progress, nothing succeeded yet
  ];
  for (const [app, version, status, minute] of rows) {
    await t.store.record(
      newDeployment({ env: 'qa', app, version, status, deployedAt: T0 + minute * MINUTE }),
    );
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('the latest attempt beside what runs', () => {
  it('the API lists each open attempt: started in progress, failure a warning', async () => {
    const res = await request(t.callback).get('/api/v1/environments/qa').expect(200);
    const state = res.body as EnvironmentState;
    expect(state.attempts.map((d) => [d.app, d.version, d.status])).toEqual([
      ['api', '1.1.0', 'started'],
      ['new', '0.1.0', 'started'],
      ['web', '2.1.0', 'failure'],
    ]);
    // As people read them, as the pages list them (list-order.test.ts).
    expect(state.deployments.map((d) => `${d.app}@${d.version}`)).toEqual([
      'api@1.0.0',
      'app-2@1',
      'app-10@1',
      'Test app@3.0.0',
      'web@2.0.0',
    ]);
    // At an instant before the attempts, there are none.
    const then = await request(t.callback)
      .get('/api/v1/environments/qa')
      .query({ at: new Date(T0).toISOString() })
      .expect(200);
    expect((then.body as EnvironmentState).attempts.map((d) => d.app)).toEqual(['new']);
  });

  it('a repeated current-state answer (cached with its attempts) follows every write', async () => {
    const state = async () => {
      const first = await request(t.callback).get('/api/v1/environments/cache').expect(200);
      const again = await request(t.callback).get('/api/v1/environments/cache').expect(200);
      expect(again.text).toBe(first.text);
      const body = first.body as EnvironmentState;
      return {
        runs: body.deployments.map((d) => `${d.app}@${d.version}`),
        attempts: body.attempts.map((d) => `${d.app}@${d.version} ${d.status}`),
      };
    };
    const write = (version: string, status: Deployment['status'], minute: number) =>
      t.store.record(
        newDeployment({
          env: 'cache',
          app: 'api',
          version,
          status,
          deployedAt: T0 + minute * MINUTE,
        }),
      );
    await write('1.0.0', 'success', 0);
    expect(await state()).toEqual({ runs: ['api@1.0.0'], attempts: [] });
    await write('1.1.0', 'failure', 1);
    expect(await state()).toEqual({ runs: ['api@1.0.0'], attempts: ['api@1.1.0 failure'] });
    await write('1.1.1', 'started', 2);
    expect(await state()).toEqual({ runs: ['api@1.0.0'], attempts: ['api@1.1.1 started'] });
    await write('1.1.1', 'success', 3);
    expect(await state()).toEqual({ runs: ['api@1.1.1'], attempts: [] });
  });

  it('the environment page says "deploying" for started and warns only of failure', async () => {
    const page = (await request(t.callback).get('/env/qa').expect(200)).text;
    const rowOf = (app: string) =>
      page.slice(page.indexOf(`data-search="${app} `)).split('</tr>')[0] ?? '';
    expect(rowOf('api')).toMatch(/class="note tone-progress"[^>]*>◷ 1\.1\.0 deploying since/);
    expect(rowOf('api')).not.toContain('tone-warn');
    expect(rowOf('web')).toMatch(/class="note tone-warn"[^>]*>⚠ 2\.1\.0 failed/);
    expect(rowOf('new')).toContain('none succeeded');
    expect(rowOf('new')).toContain('deploying since');
    expect(rowOf('Test app')).toContain('↩ rollback');
  });

  it('the badge: blue while deploying, orange after a failure, green otherwise', async () => {
    const fill = async (app: string) =>
      /<rect x="\d+" width="\d+" height="20" fill="(#[0-9a-f]+)"/.exec(
        String((await request(t.callback).get(`/badge/qa/${app}.svg`).expect(200)).body),
      )?.[1];
    expect(await fill('api')).toBe('#007ec6');
    expect(await fill('web')).toBe('#fe7d37');
    expect(await fill('app-2')).toBe('#4c1');
    expect(await fill('new')).toBe('#9f9f9f');
  });
});

describe('rollbacks and names', () => {
  it('history marks the rollback on the API and on the app page', async () => {
    const res = await request(t.callback)
      .get('/api/v1/deployments')
      .query({ app: 'Test app' })
      .expect(200);
    expect(res.body.items.map((d: Deployment) => [d.version, d.rollback])).toEqual([
      ['3.0.0', true],
      ['3.1.0', false],
      ['3.0.0', false],
    ]);
    const csv = await request(t.callback)
      .get('/api/v1/deployments')
      .query({ app: 'Test app', format: 'csv' })
      .expect(200);
    expect(csv.text.split('\r\n')[1]).toMatch(/^"qa","Test app","3\.0\.0","success","true",/);
    const page = (await request(t.callback).get('/app/Test%20app').expect(200)).text;
    expect(page.match(/↩ rollback/g)).toHaveLength(2); // its current version, and the history row
  });

  it('pages list names as people read them: api, app-2, app-10, Test app', async () => {
    // `new` has nothing running yet: both say so (in progress).
    for (const [path, apps] of [
      ['/', ['api', 'app-2', 'app-10', 'new', 'Test app', 'web']],
      ['/env/qa', ['api', 'app-2', 'app-10', 'new', 'Test app', 'web']],
    ] as const) {
      const page = (await request(t.callback).get(path).expect(200)).text;
      const order = apps.map((app) => page.indexOf(`data-search="${app}`));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    }
  });
});

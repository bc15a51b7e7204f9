import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { DeploymentStatus, DoraReport } from '@svt/client';
import { doraReport, storeSource } from '../../server/src/dora-report.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
const HOUR = 3600_000;
const iso = (h: number) => new Date(T0 + h * HOUR).toISOString();
/** The window of most checks: ten days from T0 (2026-01-01T00:00Z). */
const UNTIL = iso(240);

beforeAll(async () => {
  t = await testApp();
  // [env, app, status, deployed hour, committed hour]. Arrival order (this
  // list) differs from deployedAt order: web's failure at 96 h arrives first.
  const rows: [string, string, DeploymentStatus, number, number?][] = [
    ['prod', 'web', 'failure', 96],
    ['prod', 'api', 'success', 1, 0], // lead 1 h
    ['prod', 'api', 'failure', 48], // incident 1 starts
    ['prod', 'api', 'failure', 49], // same incident
    ['prod', 'api', 'success', 51, 48], // restores after 3 h; lead 3 h
    ['prod', 'api', 'rolled_back', 120], // incident 2
    ['prod', 'api', 'success', 120.5], // restores after 30 min; no committedAt
    ['prod', 'api', 'started', 144], // in flight: counted apart
    ['prod', 'api', 'failure', 216], // incident 3, never restored in the window
    ['prod', 'web', 'success', 72, 70], // lead 2 h
    ['prod', 'web', 'success', 72, 68], // a tie on deployedAt; lead 4 h
    ['prod', 'web', 'success', 98], // restores web after 2 h
    ['prod', 'api', 'success', -24], // before the window
    ['prod', 'api', 'failure', 241], // after it
    ['staging', 'api', 'success', 24, 20], // another environment
  ];
  for (const [env, app, status, h, committed] of rows) {
    await t.store.record(
      newDeployment({
        env,
        app,
        status,
        version: `1.0.${h}`,
        deployedAt: T0 + h * HOUR,
        committedAt: committed === undefined ? null : T0 + committed * HOUR,
      }),
    );
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const dora = async (query: string): Promise<DoraReport> =>
  (await request(t.callback).get(`/api/v1/dora?${query}`).expect(200)).body as DoraReport;

describe('GET /api/v1/dora', () => {
  it('an environment over ten days, against figures computed by hand', async () => {
    const r = await dora(`env=prod&window=10d&until=${UNTIL}`);
    expect(r).toMatchObject({
      env: 'prod',
      app: null,
      window: '10d',
      since: iso(0),
      until: UNTIL,
      deployments: { success: 6, rollbacks: 0, failure: 4, rolledBack: 1, started: 1 },
      // 6 successes over 10 days, on 5 distinct days.
      deploymentFrequency: { perDay: 0.6, perWeek: 4.2, activeDays: 5 },
      // 5 failed changes of 11: the rolled_back event at 120 h names a version
      // that never succeeded, so it is a failed change of its own.
      changes: 11,
      failedChanges: 5,
      changeFailureRate: 0.4545,
      // Incidents of 3 h, 30 min and 2 h; one still open.
      timeToRestore: { count: 3, medianSeconds: 7200, p90Seconds: 10800, unrestored: 1 },
      // 1 h, 3 h, 2 h and 4 h.
      leadTime: { count: 4, medianSeconds: 9000, p90Seconds: 14400 },
    });
    expect(r.daily).toEqual([
      { date: '2026-01-01', success: 1, failed: 0, leadTimeMedianSeconds: 3600 },
      { date: '2026-01-02', success: 0, failed: 0, leadTimeMedianSeconds: null },
      { date: '2026-01-03', success: 1, failed: 2, leadTimeMedianSeconds: 10800 },
      // Two successes of web, 2 h and 4 h from commit to deployment.
      { date: '2026-01-04', success: 2, failed: 0, leadTimeMedianSeconds: 10800 },
      { date: '2026-01-05', success: 1, failed: 1, leadTimeMedianSeconds: null },
      { date: '2026-01-06', success: 1, failed: 1, leadTimeMedianSeconds: null },
      { date: '2026-01-07', success: 0, failed: 0, leadTimeMedianSeconds: null },
      { date: '2026-01-08', success: 0, failed: 0, leadTimeMedianSeconds: null },
      { date: '2026-01-09', success: 0, failed: 0, leadTimeMedianSeconds: null },
      { date: '2026-01-10', success: 0, failed: 1, leadTimeMedianSeconds: null },
    ]);
    expect(r.apps).toEqual([
      {
        app: 'api',
        success: 3,
        rollbacks: 0,
        changes: 7,
        failed: 4,
        changeFailureRate: 0.5714,
        timeToRestore: { count: 2, medianSeconds: 6300, p90Seconds: 10800, unrestored: 1 },
        leadTime: { count: 2, medianSeconds: 7200, p90Seconds: 10800 },
      },
      {
        app: 'web',
        success: 3,
        rollbacks: 0,
        changes: 4,
        failed: 1,
        changeFailureRate: 0.25,
        timeToRestore: { count: 1, medianSeconds: 7200, p90Seconds: 7200, unrestored: 0 },
        leadTime: { count: 2, medianSeconds: 10800, p90Seconds: 14400 },
      },
    ]);
  });

  it('a past window (until): the end is exclusive, so the rollback at 120 h is out', async () => {
    const r = await dora(`env=prod&window=5d&until=${iso(120)}`);
    expect(r.deployments).toEqual({
      success: 5,
      rollbacks: 0,
      failure: 3,
      rolledBack: 0,
      started: 0,
    });
    expect(r.changeFailureRate).toBe(0.375);
    expect(r.timeToRestore).toEqual({
      count: 2,
      medianSeconds: 9000,
      p90Seconds: 10800,
      unrestored: 0,
    });
  });

  it('one app across every environment, and one app in one', async () => {
    const all = await dora(`app=api&window=10d&until=${UNTIL}`);
    expect(all).toMatchObject({ env: null, app: 'api' });
    expect(all.deployments.success).toBe(4); // staging's too
    expect(all.leadTime).toEqual({ count: 3, medianSeconds: 10800, p90Seconds: 14400 });
    const one = await dora(`env=prod&app=api&window=10d&until=${UNTIL}`);
    expect(one.deployments).toEqual({
      success: 3,
      rollbacks: 0,
      failure: 3,
      rolledBack: 1,
      started: 1,
    });
    expect(one.apps.map((a) => a.app)).toEqual(['api']);
  });

  it('counts each bad change once, whether a rollback undid it, a rolled_back event marked it, or both', async () => {
    // [version, status, deployed hour, committed hour]
    const rows: [string, DeploymentStatus, number, number][] = [
      ['1.0.0', 'success', 0, -1], // a change, lead 1 h
      ['2.0.0', 'success', 10, 9], // a change that goes bad, lead 1 h
      ['2.0.0', 'rolled_back', 11, 9], // marks it
      ['1.0.0', 'success', 12, -1], // a rollback (older, ran before): undoes 2.0.0 too
      ['2.1.0', 'success', 20, 19], // a change that goes bad, lead 1 h
      ['1.0.0', 'success', 22, -1], // a rollback, unmarked
      ['2.2.0', 'success', 30, 29], // a good change, lead 1 h
    ];
    for (const [version, status, h, committed] of rows) {
      await t.store.record(
        newDeployment({
          env: 'dr',
          app: 'pay',
          version,
          status,
          deployedAt: T0 + h * HOUR,
          committedAt: T0 + committed * HOUR,
        }),
      );
    }
    const r = await dora(`env=dr&window=2d&until=${iso(48)}`);
    expect(r).toMatchObject({
      deployments: { success: 6, rollbacks: 2, failure: 0, rolledBack: 1, started: 0 },
      // Changes: 1.0.0, 2.0.0, 2.1.0, 2.2.0; failed: 2.0.0 (once, though undone and marked) and 2.1.0.
      changes: 4,
      failedChanges: 2,
      changeFailureRate: 0.5,
      // 2.0.0 from 10 h to the rollback at 12 h; 2.1.0 from 20 h to 22 h.
      timeToRestore: { count: 2, medianSeconds: 7200, p90Seconds: 7200, unrestored: 0 },
      // The rollbacks' old commits (13 h and 23 h) are no lead time.
      leadTime: { count: 4, medianSeconds: 3600, p90Seconds: 3600 },
    });
    expect(r.daily[0]).toEqual({
      date: '2026-01-01',
      success: 5,
      failed: 2,
      leadTimeMedianSeconds: 3600,
    });
  });

  /** Records [version, status, hour] rows of one app in `env`, then reads DORA over 2 days. */
  async function scenario(env: string, rows: [string, DeploymentStatus, number][], until = 48) {
    for (const [version, status, h] of rows) {
      await t.store.record(
        newDeployment({ env, app: 'a', version, status, deployedAt: T0 + h * HOUR }),
      );
    }
    const r = await dora(`env=${env}&window=2d&until=${iso(until)}`);
    return {
      changes: r.changes,
      failed: r.failedChanges,
      restore: [r.timeToRestore.count, r.timeToRestore.medianSeconds, r.timeToRestore.unrestored],
    };
  }

  it.each<[string, string, [string, DeploymentStatus, number][], object]>([
    [
      'a rolled_back mark that comes after the rollback names the same bad change',
      'late-mark',
      [
        ['1.0.0', 'success', 0],
        ['2.0.0', 'success', 1],
        ['1.0.0', 'success', 2],
        ['2.0.0', 'rolled_back', 2.1],
      ],
      // Changes 1.0.0 and 2.0.0; 2.0.0 failed once; restored by the rollback after 1 h.
      { changes: 2, failed: 1, restore: [1, 3600, 0] },
    ],
    [
      'a late mark, then a fix forward',
      'fix-forward',
      [
        ['1.0.0', 'success', 0],
        ['2.0.0', 'success', 1],
        ['1.0.0', 'success', 2],
        ['2.0.0', 'rolled_back', 2.1],
        ['2.0.1', 'success', 5],
      ],
      { changes: 3, failed: 1, restore: [1, 3600, 0] },
    ],
    [
      'a rollback undone by another rollback is no change and no failed change',
      'undone-rollback',
      [
        ['1.0.0', 'success', 0],
        ['2.0.0', 'success', 1],
        ['1.0.0', 'success', 2], // a rollback: 2.0.0 failed, restored after 1 h
        ['2.0.0', 'success', 3], // ran before, so a rollback too: undoes the rollback
      ],
      { changes: 2, failed: 1, restore: [1, 3600, 0] },
    ],
    [
      'a failure and a rolled_back mark of the same version are one failed change',
      'failed-and-marked',
      [
        ['2.0.0', 'success', 0],
        ['2.1.0', 'failure', 1],
        ['2.1.0', 'rolled_back', 2],
        ['2.2.0', 'success', 3],
      ],
      { changes: 3, failed: 1, restore: [1, 7200, 0] },
    ],
  ])('%s', async (_name, env, rows, expected) => {
    expect(await scenario(env, rows)).toEqual(expected);
  });

  it('at the window edges, a detected rollback and a mark count the same', async () => {
    // 2.0.0 on the first day, its rollback on the second: two one-day windows.
    const rows: [string, DeploymentStatus, number][] = [
      ['1.0.0', 'success', 0],
      ['2.0.0', 'success', 23],
      ['1.0.0', 'success', 25],
    ];
    for (const env of ['edge-detected', 'edge-marked']) {
      const extra: [string, DeploymentStatus, number][] =
        env === 'edge-marked' ? [['2.0.0', 'rolled_back', 24.5]] : [];
      for (const [version, status, h] of [...rows, ...extra]) {
        await t.store.record(
          newDeployment({ env, app: 'a', version, status, deployedAt: T0 + h * HOUR }),
        );
      }
      const first = await dora(`env=${env}&window=1d&until=${iso(24)}`);
      const second = await dora(`env=${env}&window=1d&until=${iso(48)}`);
      // The first day cannot know what the second undoes; the second counts the change
      // it saw undone as one failed change, whether detected, marked or both.
      expect([first.changes, first.failedChanges]).toEqual([2, 0]);
      expect([second.changes, second.failedChanges]).toEqual([1, 1]);
      expect(second.timeToRestore).toEqual({
        count: 0,
        medianSeconds: null,
        p90Seconds: null,
        unrestored: 0,
      });
    }
  });

  it('a window with nothing in it: zeros and nulls, not errors', async () => {
    const r = await dora(`env=prod&window=24h&until=${iso(-100)}`);
    expect(r).toMatchObject({
      deployments: { success: 0, rollbacks: 0, failure: 0, rolledBack: 0, started: 0 },
      deploymentFrequency: { perDay: 0, perWeek: 0, activeDays: 0 },
      changeFailureRate: null,
      timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 0 },
      leadTime: { count: 0, medianSeconds: null, p90Seconds: null },
      apps: [],
    });
  });

  it('defaults to the last 30 days', async () => {
    const r = await dora('env=prod');
    expect(r.window).toBe('30d');
    expect(Date.parse(r.until) - Date.parse(r.since)).toBe(30 * 24 * HOUR);
  });

  it.each([
    ['window=0d', 'window'],
    ['window=367d', 'window'],
    ['window=30', 'window'],
    ['window=1y', 'window'],
    ['until=yesterday', 'until'],
    ['env=Bad%20Env', 'env'],
    ['team=a', 'team'],
  ])('refuses %s with a problem naming %s', async (query, path) => {
    const res = await request(t.callback).get(`/api/v1/dora?${query}`).expect(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('404 for an environment or an app never recorded', async () => {
    for (const query of ['env=prd', 'app=nope']) {
      const res = await request(t.callback).get(`/api/v1/dora?${query}`).expect(404);
      expect(res.type).toBe('application/problem+json');
    }
  });
});

describe('the SQLite reader path', () => {
  it('reads the same figures as a report over whole history pages', async () => {
    const since = T0 - 48 * HOUR;
    const until = T0 + 300 * HOUR;
    for (const [env, app] of [
      ['prod', null],
      [null, 'api'],
      ['prod', 'web'],
      [null, null],
    ] as const) {
      const w = { env, app, window: '14d', since, until };
      // The lean columns in a reader thread, against whole deployments.
      expect(await t.store.dora(w)).toEqual(await doraReport(storeSource(t.store), w));
    }
  });
});

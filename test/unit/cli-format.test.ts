/** The CLI's tables, from hand-built answers: the order of names, rollback marks, attempt notes. */
import { describe, expect, test } from '@jest/globals';
import {
  attemptNote,
  compareTable,
  count,
  currentTable,
  doraText,
  historyTable,
  seconds,
} from '../../client/src/cli/format.js';
import { compareNames } from '../../client/src/names.js';
import { compareNames as serverCompareNames } from '../../server/src/names.js';
import type { DoraApp, DoraReport } from '../../client/src/types.js';
import { clientDeployment as dep } from '../helpers/deployments.js';

/** Each row's cells (cells are separated by two spaces or more). */
const cells = (text: string) => text.split('\n').map((line) => line.split(/\s{2,}/));

describe('names as people read them', () => {
  test('case does not come first, numbers by value, a code-unit tie-break', () => {
    const names = ['Test app', 'app-10', 'api', 'app-2', 'API', 'Api'];
    expect([...names].sort(compareNames)).toEqual([
      'API',
      'Api',
      'api',
      'app-2',
      'app-10',
      'Test app',
    ]);
    // The pages' order (server/src/names.ts), name for name.
    expect([...names].sort(compareNames)).toEqual([...names].sort(serverCompareNames));
  });

  test('svt list, compare and the DORA apps sort with it', () => {
    const apps = ['Test app', 'app-10', 'app-2', 'api'];
    expect(
      cells(currentTable({ deployments: apps.map((app) => dep({ app })), attempts: [] }))
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(['api', 'app-2', 'app-10', 'Test app']);

    const compared = compareTable({
      from: 'staging',
      to: 'prod',
      at: null,
      items: [
        { app: 'Test app', state: 'same', from: dep({}), to: dep({}) },
        { app: 'app-10', state: 'only_in_to', from: null, to: dep({}) },
        { app: 'app-2', state: 'same', from: dep({}), to: dep({}) },
        { app: 'api', state: 'ahead', from: dep({ version: '2' }), to: dep({}) },
      ],
    });
    // Differing first, then the same ones, each by name.
    expect(
      cells(compared)
        .slice(1)
        .map((row) => row[0]),
    ).toEqual(['api', 'app-10', 'app-2', 'Test app']);

    const app = (name: string): DoraApp => ({
      app: name,
      success: 1,
      rollbacks: 0,
      changes: 1,
      failed: 0,
      changeFailureRate: 0,
      timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 0 },
      leadTime: { count: 0, medianSeconds: null, p90Seconds: null },
    });
    const report: DoraReport = {
      env: 'prod',
      app: null,
      window: '1d',
      since: '2026-11-27T00:00:00.000Z',
      until: '2026-11-28T00:00:00.000Z',
      deployments: { success: 4, rollbacks: 0, failure: 0, rolledBack: 0, started: 0 },
      deploymentFrequency: { perDay: 4, perWeek: 28, activeDays: 1 },
      changes: 4,
      failedChanges: 0,
      changeFailureRate: 0,
      timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 0 },
      leadTime: { count: 0, medianSeconds: null, p90Seconds: null },
      daily: [],
      apps: apps.map(app),
    };
    const lines = cells(doraText(report));
    const header = lines.findIndex((row) => row[0] === 'APP');
    expect(lines.slice(header + 1).map((row) => row[0])).toEqual([
      'api',
      'app-2',
      'app-10',
      'Test app',
    ]);
  });
});

describe('svt list: what runs, and each open attempt', () => {
  test('in progress, a warning, an app with no success, a rollback', () => {
    const text = currentTable({
      deployments: [
        dep({ app: 'web', version: '2.0.0', commit: '0123456789abcdef', actor: 'bob' }),
        dep({ app: 'api', version: '1.9.0', rollback: true }),
        dep({ app: 'worker', version: '7' }),
      ],
      attempts: [
        dep({ app: 'web', version: '2.1.0', status: 'started' }),
        dep({ app: 'worker', version: '8', status: 'failure' }),
        dep({ app: 'api', version: '2.0.1', status: 'rolled_back' }),
        dep({ app: 'new', version: '0.1.0', status: 'failure' }),
      ],
    });
    expect(cells(text)).toEqual([
      ['APP', 'VERSION', 'DEPLOYED', 'COMMIT', 'ACTOR', 'NOTE'],
      [
        'api',
        '1.9.0 (rollback)',
        '2026-11-28 10:15:00Z',
        '-',
        '-',
        '! 2.0.1 rolled back 2026-11-28 10:15:00Z',
      ],
      ['new', '-', '-', '-', '-', '! 0.1.0 failed 2026-11-28 10:15:00Z'],
      [
        'web',
        '2.0.0',
        '2026-11-28 10:15:00Z',
        '0123456789ab',
        'bob',
        'deploying 2.1.0 since 2026-11-28 10:15:00Z',
      ],
      ['worker', '7', '2026-11-28 10:15:00Z', '-', '-', '! 8 failed 2026-11-28 10:15:00Z'],
    ]);
  });

  test('the notes, word for word', () => {
    const at = '2026-11-28T10:15:00.000Z';
    expect(attemptNote(dep({ version: '2.1.0', status: 'started', deployedAt: at }))).toBe(
      'deploying 2.1.0 since 2026-11-28 10:15:00Z',
    );
    expect(attemptNote(dep({ version: '2.1.0', status: 'failure', deployedAt: at }))).toBe(
      '! 2.1.0 failed 2026-11-28 10:15:00Z',
    );
  });

  test('svt history marks rollbacks the same way', () => {
    expect(
      cells(
        historyTable([
          dep({ version: '1.9.0', rollback: true }),
          dep({ version: '2.0.0', deployedAt: '2026-11-28T09:00:00.000Z' }),
        ]),
      ).map((row) => row[3]),
    ).toEqual(['VERSION', '1.9.0 (rollback)', '2.0.0']);
  });
});

describe('svt compare: the environments by name, in the words of the compare page', () => {
  test('column heads are the names as recorded; each state names its environment', () => {
    const text = compareTable({
      from: 'VMs-dev',
      to: 'prod',
      at: null,
      items: [
        { app: 'api', state: 'ahead', from: dep({ version: '2' }), to: dep({ version: '1' }) },
        { app: 'web', state: 'behind', from: dep({ version: '1' }), to: dep({ version: '3' }) },
        { app: 'cron', state: 'only_in_from', from: dep({ version: '4' }), to: null },
        { app: 'zeta', state: 'only_in_to', from: null, to: dep({ version: '5' }) },
        { app: 'db', state: 'same', from: dep({ version: '6' }), to: dep({ version: '6' }) },
      ],
    });
    expect(cells(text)).toEqual([
      ['APP', 'VMs-dev', 'prod', 'STATE'],
      ['api', '2', '1', 'newer in VMs-dev'],
      ['cron', '4', '-', 'only in VMs-dev'],
      ['web', '1', '3', 'newer in prod'],
      ['zeta', '-', '5', 'only in prod'],
      ['db', '6', '6', 'same'],
    ]);
    expect(text).not.toMatch(/\b(from|to)\b/);
  });
});

describe('counts: one, or many', () => {
  test('durations as the DORA page writes them', () => {
    expect([null, 44.6, 90, 1800, 3600, 11_100, 172_800, 187_200].map(seconds)).toEqual([
      '-',
      '45 s',
      '2 min',
      '30 min',
      '1 h',
      '3 h 5 min',
      '2 d',
      '2 d 4 h',
    ]);
  });

  test('count() is singular for exactly one', () => {
    expect(count(0, 'incident')).toBe('0 incidents');
    expect(count(1, 'incident')).toBe('1 incident');
    expect(count(2, 'incident')).toBe('2 incidents');
    expect(count(1, 'success', 'successes')).toBe('1 success');
    expect(count(3, 'success', 'successes')).toBe('3 successes');
  });

  const durations = (n: number, median: number | null) => ({
    count: n,
    medianSeconds: median,
    p90Seconds: median,
  });
  const report = (n: number, unrestored: number): DoraReport => ({
    env: 'prod',
    app: 'api',
    window: '7d',
    since: '2026-11-21T00:00:00.000Z',
    until: '2026-11-28T00:00:00.000Z',
    deployments: { success: n, rollbacks: n, failure: 0, rolledBack: 0, started: 0 },
    deploymentFrequency: { perDay: 1, perWeek: 7, activeDays: n },
    changes: n,
    failedChanges: n,
    changeFailureRate: n === 0 ? null : 1,
    timeToRestore: { ...durations(n, n === 0 ? null : 3600), unrestored },
    leadTime: durations(n, n === 0 ? null : 7200),
    daily: [],
    apps: [],
  });
  const details = (r: DoraReport) =>
    cells(doraText(r))
      .slice(3, 7)
      .map((row) => row[2]);

  test('svt dora: every count agrees with its number, in the words of the DORA page', () => {
    expect(details(report(1, 1))).toEqual([
      '7 a week, 1 success on 1 day',
      '1 failed of 1 change, 1 rollback',
      'median of 1 incident, p90 1 h, 1 not restored yet',
      'median of 1 deployment with committedAt, p90 2 h',
    ]);
    expect(details(report(2, 0))).toEqual([
      '7 a week, 2 successes on 2 days',
      '2 failed of 2 changes, 2 rollbacks',
      'median of 2 incidents, p90 1 h',
      'median of 2 deployments with committedAt, p90 2 h',
    ]);
    expect(details(report(0, 0))).toEqual([
      '7 a week, 0 successes on 0 days',
      '0 failed of 0 changes, 0 rollbacks',
      'no incident ended',
      'no success carried committedAt',
    ]);
    expect(details(report(0, 2))[2]).toBe('no incident ended, 2 not restored yet');
  });
});

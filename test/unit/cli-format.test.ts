/** The CLI's tables, from hand-built answers: the order of names, rollback marks, attempt notes. */
import { describe, expect, test } from '@jest/globals';
import {
  attemptNote,
  compareTable,
  currentTable,
  doraText,
  historyTable,
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

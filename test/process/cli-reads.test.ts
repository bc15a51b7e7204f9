/**
 * The `svt` CLI's reads as a real process (list, history, compare, dora):
 * the bundle `npm ci` builds, against a real server on 127.0.0.1.
 */
import { describe, expect, test } from '@jest/globals';
import { newDeployment } from '../helpers/deployments.js';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, runNode } from '../helpers/run-node.js';

const svt = useListeningApp();
const svtCli = (args: string[], env: Record<string, string> = {}) =>
  runNode(CLI, args, { SVT_URL: svt().url, ...env });

describe('svt list and history', () => {
  test('a table by default, JSON with --json, a past instant with --at', async () => {
    await svtCli([
      'record',
      '--env',
      'list-env',
      '--app',
      'web',
      '--version',
      '1.0.0',
      '--deployed-at',
      '2026-01-01T00:00:00Z',
    ]);
    await svtCli([
      'record',
      '--env',
      'list-env',
      '--app',
      'web',
      '--version',
      '2.0.0',
      '--commit',
      '0123456789abcdef',
    ]);
    await svtCli([
      'record',
      '--env',
      'list-env',
      '--app',
      'worker',
      '--version',
      '7',
      '--actor',
      'bob',
    ]);

    const table = await svtCli(['list', 'list-env']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^APP\s+VERSION\s+DEPLOYED\s+COMMIT\s+ACTOR\s+NOTE$/);
    expect(lines[1]).toMatch(
      /^web\s+2\.0\.0\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+0123456789ab\s+-$/,
    );
    expect(lines[2]).toMatch(/^worker\s+7\s+.*\s+-\s+bob$/);

    const then = await svtCli(['list', 'list-env', '--at', '2026-06-01', '--json']);
    expect(JSON.parse(then.stdout)).toMatchObject({
      env: 'list-env',
      at: '2026-06-01T00:00:00.000Z',
      deployments: [{ app: 'web', version: '1.0.0' }],
    });

    const history = await svtCli(['history', '--env', 'list-env', '--limit', '2']);
    const rows = history.stdout.trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^DEPLOYED\s+ENV\s+APP\s+VERSION\s+STATUS\s+ACTOR$/);
    const all = JSON.parse(
      (await svtCli(['history', '--env', 'list-env', '--limit', '150', '--json'])).stdout,
    ) as { items: unknown[] };
    expect(all.items).toHaveLength(3);
  });

  test('history follows cursors past one page', async () => {
    for (let i = 0; i < 105; i++) {
      await svt().store.record(
        newDeployment({
          env: 'paged',
          app: `app-${i}`,
          version: '1',
          deployedAt: Date.now() - i * 1000,
        }),
      );
    }
    const run = await svtCli(['history', '--env', 'paged', '--limit', '104', '--json']);
    const items = (JSON.parse(run.stdout) as { items: { app: string }[] }).items;
    expect(items).toHaveLength(104);
    expect(items[103]?.app).toBe('app-103');
  });

  test("in flight is not failed: each app's open attempt, rollbacks marked, names as people read them", async () => {
    const record = (app: string, version: string, at: string, status = 'success') =>
      svtCli([
        'record',
        ...['--env', 'attempts', '--app', app, '--version', version],
        ...['--status', status, '--deployed-at', at],
      ]);
    for (const [app, version, at, status] of [
      ['api', '2.0.0', '2026-01-01T10:00:00Z', 'success'],
      ['api', '1.9.0', '2026-01-01T11:00:00Z', 'success'], // older than 2.0.0: a rollback
      ['app-2', '1.0.0', '2026-01-01T10:00:00Z', 'success'],
      ['app-2', '1.1.0', '2026-01-01T12:00:00Z', 'started'],
      ['app-10', '3.0.0', '2026-01-01T10:00:00Z', 'success'],
      ['app-10', '3.1.0', '2026-01-01T12:30:00Z', 'failure'],
      ['Test app', '0.1.0', '2026-01-01T13:00:00Z', 'failure'],
    ] as const) {
      expect((await record(app, version, at, status)).code).toBe(0);
    }
    const run = await svtCli(['list', 'attempts']);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['APP', 'VERSION', 'DEPLOYED', 'COMMIT', 'ACTOR', 'NOTE'],
      ['api', '1.9.0 (rollback)', '2026-01-01 11:00:00Z', '-', '-'],
      [
        'app-2',
        '1.0.0',
        '2026-01-01 10:00:00Z',
        '-',
        '-',
        'deploying 1.1.0 since 2026-01-01 12:00:00Z',
      ],
      ['app-10', '3.0.0', '2026-01-01 10:00:00Z', '-', '-', '! 3.1.0 failed 2026-01-01 12:30:00Z'],
      ['Test app', '-', '-', '-', '-', '! 0.1.0 failed 2026-01-01 13:00:00Z'],
    ]);
    // --json is the server's answer as is: its order (the pages', names as people read them), its attempts.
    const json = JSON.parse((await svtCli(['list', 'attempts', '--json'])).stdout) as {
      deployments: { app: string }[];
      attempts: { app: string; status: string }[];
    };
    expect(json.deployments.map((d) => d.app)).toEqual(['api', 'app-2', 'app-10']);
    expect(json.attempts.map((d) => [d.app, d.status])).toEqual([
      ['app-2', 'started'],
      ['app-10', 'failure'],
      ['Test app', 'failure'],
    ]);

    const history = await svtCli(['history', '--env', 'attempts', '--app', 'api']);
    expect(
      history.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ['DEPLOYED', 'ENV', 'APP', 'VERSION', 'STATUS', 'ACTOR'],
      ['2026-01-01 11:00:00Z', 'attempts', 'api', '1.9.0 (rollback)', 'success', '-'],
      ['2026-01-01 10:00:00Z', 'attempts', 'api', '2.0.0', 'success', '-'],
    ]);

    // Before anything ran there: nothing, and no attempt either.
    const before = await svtCli(['list', 'attempts', '--at', '2025-12-31']);
    expect(before.stdout).toBe(
      'Nothing runs in attempts at 2025-12-31: no successful deployment.\n',
    );
  });
});

test('svt compare: differing apps first, JSON with --json', async () => {
  await svtCli(['record', '--env', 'cmp-staging', '--app', 'api', '--version', '1.10.0']);
  await svtCli(['record', '--env', 'cmp-prod', '--app', 'api', '--version', '1.9.0']);
  await svtCli(['record', '--env', 'cmp-staging', '--app', 'same', '--version', '1']);
  await svtCli(['record', '--env', 'cmp-prod', '--app', 'same', '--version', '1']);
  await svtCli(['record', '--env', 'cmp-prod', '--app', 'zeta', '--version', '2']);
  const run = await svtCli(['compare', 'cmp-staging', 'cmp-prod']);
  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^APP\s+cmp-staging\s+cmp-prod\s+STATE$/);
  expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
    ['api', '1.10.0', '1.9.0', 'newer in cmp-staging'],
    ['zeta', '-', '2', 'only in cmp-prod'],
    ['same', '1', '1', 'same'],
  ]);
  const json = JSON.parse(
    (await svtCli(['compare', 'cmp-staging', 'cmp-prod', '--json'])).stdout,
  ) as { items: unknown[] };
  expect(json.items).toHaveLength(3);
  expect((await svtCli(['compare', 'cmp-staging', 'nowhere'])).code).toBe(1);
});

test('svt dora: the four figures and each app, JSON with --json, a bad window refused', async () => {
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
  const record = (app: string, status: string, h: number) =>
    svtCli([
      'record',
      '--env',
      'dora-prod',
      '--app',
      app,
      '--version',
      `1.${h}`,
      '--status',
      status,
      '--deployed-at',
      at(h),
      '--committed-at',
      at(h - 2),
    ]);
  for (const [app, status, h] of [
    ['api', 'success', 10],
    ['api', 'failure', 20],
    ['api', 'success', 23],
    ['web', 'success', 30],
  ] as const) {
    expect((await record(app, status, h)).code).toBe(0);
  }
  const window = ['--env', 'dora-prod', '--window', '2d', '--until', at(48)];
  const run = await svtCli(['dora', ...window]);
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n').map((l) => l.split(/\s{2,}/));
  expect(lines[0]).toEqual([
    'dora-prod, every application, 2d from 2026-01-01 00:00:00Z to 2026-01-03 00:00:00Z',
  ]);
  expect(lines.slice(2, 7)).toEqual([
    ['FIGURE', 'VALUE', 'DETAIL'],
    ['deployment frequency', '1.5 a day', '10.5 a week, 3 successes on 2 days'],
    ['change failure rate', '25%', '1 failed of 4 changes, 0 rollbacks'],
    ['time to restore', '3 h', 'median of 1 incident, p90 3 h'],
    ['lead time for changes', '2 h', 'median of 3 deployments with committedAt, p90 2 h'],
  ]);
  expect(lines.slice(8, 11)).toEqual([
    ['APP', 'CHANGES', 'FAILED', 'ROLLBACKS', 'FAILURE RATE', 'RESTORE', 'LEAD TIME'],
    ['api', '3', '1', '0', '33.3%', '3 h', '2 h'],
    ['web', '1', '0', '0', '0%', '-', '2 h'],
  ]);
  const json = JSON.parse((await svtCli(['dora', ...window, '--json'])).stdout) as {
    changeFailureRate: number;
  };
  expect(json.changeFailureRate).toBe(0.25);
  const bad = await svtCli(['dora', '--window', '2y']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/window: must be a number of hours, days or weeks/);
});

/**
 * The CLI's words, as a real process against a real server: environments
 * by their names (never "from" and "to"), counts that agree with their
 * numbers, durations and details as the compare and DORA pages write them,
 * and `--help` defaults as people write them.
 */
import { describe, expect, test } from '@jest/globals';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, runNode } from '../helpers/run-node.js';

const svt = useListeningApp();
const svtCli = (args: string[]) => runNode(CLI, args, { SVT_URL: svt().url });

async function record(env: string, app: string, version: string, ...more: string[]) {
  const run = await svtCli(['record', '--env', env, '--app', app, '--version', version, ...more]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/** Each row's cells (cells are separated by two spaces or more). */
const cells = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));

const at = (hour: number) => new Date(Date.UTC(2026, 0, 1, hour)).toISOString();

test('svt compare: columns headed by the environments, states that name them', async () => {
  await record('VMs-dev', 'api', '2.0.0');
  await record('prod', 'api', '1.0.0');
  await record('VMs-dev', 'web', '1.0.0');
  await record('prod', 'web', '3.0.0');
  await record('VMs-dev', 'cron', '4');
  await record('prod', 'zeta', '5');
  await record('VMs-dev', 'db', '6');
  await record('prod', 'db', '6');
  const run = await svtCli(['compare', 'VMs-dev', 'prod']);
  expect(run.code).toBe(0);
  expect(cells(run.stdout)).toEqual([
    ['APP', 'VMs-dev', 'prod', 'STATE'],
    ['api', '2.0.0', '1.0.0', 'newer in VMs-dev'],
    ['cron', '4', '-', 'only in VMs-dev'],
    ['web', '1.0.0', '3.0.0', 'newer in prod'],
    ['zeta', '-', '5', 'only in prod'],
    ['db', '6', '6', 'same'],
  ]);
  expect(run.stdout).not.toMatch(/\b(from|to)\b/i);
});

describe('svt dora: one of a thing is singular', () => {
  const figures = async (env: string) => {
    const run = await svtCli(['dora', '--env', env, '--window', '1d', '--until', at(24)]);
    expect(run.code).toBe(0);
    return cells(run.stdout);
  };

  test('one success on one day, one change, one deployment with committedAt', async () => {
    await record('solo', 'api', '1.0.0', '--deployed-at', at(10), '--committed-at', at(8));
    const lines = await figures('solo');
    expect(lines[0]).toEqual([
      'solo, every application, 1d from 2026-01-01 00:00:00Z to 2026-01-02 00:00:00Z',
    ]);
    expect(lines.slice(3, 7)).toEqual([
      ['deployment frequency', '1 a day', '7 a week, 1 success on 1 day'],
      ['change failure rate', '0%', '0 failed of 1 change, 0 rollbacks'],
      ['time to restore', '-', 'no incident ended'],
      ['lead time for changes', '2 h', 'median of 1 deployment with committedAt, p90 2 h'],
    ]);
  });

  test('one rollback and one incident; none with committedAt', async () => {
    // 1.0.0 at 10:00, 2.0.0 at 12:00, back to 1.0.0 at 14:30: a rollback that
    // undoes 2.0.0, one incident of 2 h 30 min. Three successes, two changes.
    await record('undo', 'api', '1.0.0', '--deployed-at', at(10));
    await record('undo', 'api', '2.0.0', '--deployed-at', at(12));
    await record('undo', 'api', '1.0.0', '--deployed-at', '2026-01-01T14:30:00Z');
    expect((await figures('undo')).slice(3, 7)).toEqual([
      ['deployment frequency', '3 a day', '21 a week, 3 successes on 1 day'],
      ['change failure rate', '50%', '1 failed of 2 changes, 1 rollback'],
      ['time to restore', '2 h 30 min', 'median of 1 incident, p90 2 h 30 min'],
      ['lead time for changes', '-', 'no success carried committedAt'],
    ]);
  });

  test('an incident not restored yet is said so, and noted beside its app', async () => {
    await record('open', 'api', '1.0.0', '--deployed-at', at(10));
    await record('open', 'api', '2.0.0', '--deployed-at', at(12), '--status', 'failure');
    const lines = await figures('open');
    expect(lines[5]).toEqual(['time to restore', '-', 'no incident ended, 1 not restored yet']);
    expect(lines.slice(8)).toEqual([
      ['APP', 'CHANGES', 'FAILED', 'ROLLBACKS', 'FAILURE RATE', 'RESTORE', 'LEAD TIME'],
      ['api', '2', '1', '0', '50%', '- (1 open)', '-'],
    ]);
  });
});

describe('--help', () => {
  const help = async (...args: string[]) => {
    const run = await runNode(CLI, [...args, '--help'], {});
    expect(run.code).toBe(0);
    return run.stdout.replace(/\s+/g, ' '); // as one line: commander wraps at 80 columns
  };

  test('every default as people write it: no quotes, no brackets, no milliseconds', async () => {
    const commands = ['record', 'list', 'history', 'compare', 'dora'];
    for (const command of commands) {
      const text = await help(command);
      const defaults = [...text.matchAll(/default: ([^),]+)/g)].map((m) => m[1]);
      expect(defaults.length).toBeGreaterThan(0);
      // Named by command, so that a failure says where.
      for (const value of defaults)
        expect(`${command}: ${value}`).not.toMatch(/: .*["[\]]|: \d{4,}$/);
    }
  });

  test('record keeps trying 120s by default, the reads 10s; the others show theirs', async () => {
    expect(await help('record')).toContain(
      '--timeout <duration> give up after this long, retries included: 10s, 2m, or seconds (default: 120s)',
    );
    for (const read of ['list', 'history', 'compare', 'dora']) {
      expect(await help(read)).toContain(
        '--timeout <duration> give up after this long, retries included: 10s, 2m, or seconds (default: 10s)',
      );
    }
    expect(await help('record')).toMatch(
      /--status <status> outcome \(choices: .*, default: success\)/,
    );
    expect(await help('record')).toContain(
      '--attr <key=value> extra attribute, repeatable; added to those of SVT_ATTRIBUTES (one key=value per line) --',
    );
    expect(await help('history')).toContain('--limit <n> how many (1-1000) (default: 50)');
    expect(await help('dora')).toContain(
      '--window <window> how far back: 24h, 30d, 12w (default: 30d)',
    );
    expect(await help()).toContain('Timeouts (--timeout): 120s for record, 10s for the reads.');
  });
});

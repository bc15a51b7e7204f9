/**
 * The skip summary: jest run as a real process with the project's config
 * (its transform and reporters) over test/process/fixtures/skip-summary,
 * whose fixture tests skip through skipUnless() and by hand. After the run
 * come one line per group, `N skipped: <group>, <reason>`, added up across
 * files; skips made by hand are counted per file as having no reason.
 */
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { skipUnless } from '../helpers/skip.js';
import { ROOT, runNode } from '../helpers/run-node.js';

const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const CONFIG = join(ROOT, 'test', 'process', 'fixtures', 'skip-summary', 'jest.config.js');

const jest = (...args: string[]) =>
  runNode(JEST, ['--config', CONFIG, ...args], {
    NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning',
  });
const summary = (stderr: string) => stderr.split('\n').filter((l) => / skipped: /.test(l));

describe('the skip summary after a jest run', () => {
  test('one line per group, added up across files; skips by hand as having no reason', async () => {
    const run = await jest();
    expect(run.code).toBe(0);
    expect(summary(run.stderr)).toEqual([
      '1 skipped: Container image, no docker; images come from a registry',
      '4 skipped: Fixture database suite, FIXTURE_DB_URL unset',
      // test.skip, describe.skip over 2 tests, test.todo
      '4 skipped: hidden.fixture.ts, no reason given',
    ]);
    // The same count as jest's own: 8 skipped and 1 todo.
    expect(run.stderr).toMatch(/Tests: +8 skipped, 1 todo, 4 passed, 13 total/);
  }, 60_000);

  test('tests only left out by -t say so; a skip by hand that matches still has no reason', async () => {
    const run = await jest('-t', 'hand');
    expect(run.code).toBe(0);
    expect(summary(run.stderr)).toEqual([
      '1 skipped: Container image, no docker; images come from a registry',
      '4 skipped: Fixture database suite, FIXTURE_DB_URL unset',
      '2 skipped: gated.fixture.ts, not matching --testNamePattern "hand"',
      '3 skipped: hidden.fixture.ts, no reason given',
      // "passes" and the todo
      '2 skipped: hidden.fixture.ts, not matching --testNamePattern "hand"',
      '1 skipped: second.fixture.ts, not matching --testNamePattern "hand"',
    ]);
  }, 60_000);
});

test('skipUnless refuses a skip without a group or a reason, and a group the title cannot hold', () => {
  expect(() => skipUnless(false, 'MongoDB', ' ')).toThrow(
    'skipUnless needs a group and a reason, got "MongoDB" and " "',
  );
  expect(() => skipUnless(true, '', 'unset')).toThrow('skipUnless needs a group and a reason');
  expect(() => skipUnless(false, 'a; b', 'unset')).toThrow(
    'skipUnless: a group may not hold ";" or "]", got "a; b"',
  );
});

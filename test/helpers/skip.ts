/**
 * The one way a test is skipped here: `skipUnless(condition, group, reason)`
 * gives `describe` and `test` that run when the condition holds, and
 * otherwise are skipped with the group and the reason in their title, where
 * the skip summary reporter (test/helpers/skip-summary.mjs) reads them to
 * print `N skipped: <group>, <reason>` after every run. A skip made any
 * other way is printed as `N skipped: <file>, no reason given`.
 */
import { describe as jestDescribe, test as jestTest } from '@jest/globals';

type TestFn = Parameters<typeof jestTest>[1];
type BlockFn = Parameters<typeof jestDescribe>[1];

/** `describe` and `test` behind one condition. */
export interface Gate {
  describe(title: string, fn: BlockFn): void;
  /** `timeout` in ms, as jest's third argument. */
  test(title: string, fn: TestFn, timeout?: number): void;
}

/** The gate that always runs: for code that takes a gate, such as the store contract. */
export const RUN: Gate = {
  describe: (title, fn) => jestDescribe(title, fn),
  test: (title, fn, timeout) => jestTest(title, fn, timeout),
};

/**
 * The title a skipped block or test carries: `<title> [skipped: <group>; <reason>]`.
 * The reporter parses it back with the same shape; keep the two in step.
 */
export function skippedTitle(title: string, group: string, reason: string): string {
  return `${title} [skipped: ${group}; ${reason}]`;
}

/**
 * Runs the tests when `condition` holds; else reports them as skipped under
 * `group` (what is skipped, the same words wherever the same thing is
 * skipped, so that the summary adds them up) for `reason` (what is missing).
 * Throws when either is empty, or when the group holds `;` or `]`, which
 * would make the title ambiguous.
 */
export function skipUnless(condition: boolean, group: string, reason: string): Gate {
  if (group.trim() === '' || reason.trim() === '')
    throw new Error(`skipUnless needs a group and a reason, got "${group}" and "${reason}"`);
  if (/[;\]]/.test(group))
    throw new Error(`skipUnless: a group may not hold ";" or "]", got "${group}"`);
  if (condition) return RUN;
  return {
    describe: (title, fn) => jestDescribe.skip(skippedTitle(title, group, reason), fn),
    test: (title, fn, timeout) => jestTest.skip(skippedTitle(title, group, reason), fn, timeout),
  };
}

/**
 * Jest reporter (jest.config.js, after the default one): after every run,
 * one line per group of skipped tests, `N skipped: <group>, <reason>`, read
 * from the titles test/helpers/skip.ts gives skipped blocks and tests. A
 * skipped or todo test without one is counted per file as
 * `N skipped: <file>, no reason given`, so that no skip goes unexplained;
 * one only left out by `-t` (--testNamePattern) says so instead.
 *
 * Lines go to stderr, like the default reporter's summary, so that
 * `jest --json` keeps stdout for its JSON.
 */
import { relative } from 'node:path';

/** `<title> [skipped: <group>; <reason>]`, as skippedTitle() in skip.ts writes it. */
const MARK = /\[skipped: ([^;\]]+); (.+)\]$/;
const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);

export default class SkipSummary {
  /** @param {import('@jest/types').Config.GlobalConfig} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.pattern = globalConfig.testNamePattern
      ? new RegExp(globalConfig.testNamePattern, 'i')
      : undefined;
  }

  /** @param {import('@jest/test-result').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    /** @type {Map<string, number>} */
    const marked = new Map();
    const unmarked = new Map();
    for (const file of results.testResults)
      for (const test of file.testResults) {
        if (!SKIPPED.has(test.status)) continue;
        const mark = [test.title, ...test.ancestorTitles.toReversed()]
          .map((t) => MARK.exec(t))
          .find((m) => m !== null);
        const [counts, label] = mark
          ? [marked, `${mark[1]}, ${mark[2]}`]
          : [unmarked, `${relative(this.rootDir, file.testFilePath)}, ${this.why(test)}`];
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
    const lines = [marked, unmarked].flatMap((counts) =>
      [...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, n]) => `${n} skipped: ${label}`),
    );
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  }

  /** Why an unmarked test was skipped, as far as the results tell. */
  why(test) {
    if (test.status !== 'todo' && this.pattern && !this.pattern.test(test.fullName))
      return `not matching --testNamePattern "${this.pattern.source}"`;
    return 'no reason given';
  }
}

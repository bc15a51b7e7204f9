/**
 * An environment's current deployments and its open attempts are read from
 * one snapshot (Store.snapshot), now and at an instant. A breaker found the
 * state at an instant read from two moments (two reader jobs, one each):
 * while writes alternated success and failure, 55 answers in 25 s showed
 * an attempt older than the current deployment beside it, a state the
 * environment was never in.
 *
 * The race is real, so the test is a bound on time, not on outcomes: two
 * writers and four readers for 3 s, and not one answer may break the rule.
 */
import { afterAll, expect, it } from '@jest/globals';
import type { Deployment } from '../../client/src/types.js';
import { readState } from '../../server/src/store/shared.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** Whether `a` comes before `b` in the ledger's order: deployedAt, then id. */
const before = (a: Deployment, b: Deployment) =>
  a.deployedAt === b.deployedAt ? a.id < b.id : a.deployedAt < b.deployedAt;

it('never shows an attempt older than the current deployment beside it, now or at an instant', async () => {
  const store = new SqliteStore(tempDbPath());
  const at = T0 + 10 * MINUTE;
  let stop = false;
  let writes = 0;
  let answers = 0;
  const broken: string[] = [];
  // Each app's deployments alternate success and failure, so its current
  // one and its open attempt change with every other write.
  const write = async () => {
    while (!stop) {
      const i = writes++;
      await store.record(
        newDeployment({
          env: 'race',
          app: `a${i % 5}`,
          version: `5.${i}.0`,
          status: i % 2 === 0 ? 'failure' : 'success',
          deployedAt: T0 + i,
        }),
      );
    }
  };
  const read = async (instant: number | undefined) => {
    while (!stop) {
      const state = await readState(store, 'race', instant);
      // Now is answered at once, from this thread: let the writers and the clock run.
      await new Promise((resolve) => setImmediate(resolve));
      answers++;
      if (state === null) continue;
      const current = new Map(state.current.map((d) => [d.app, d]));
      for (const attempt of state.attempts) {
        const runs = current.get(attempt.app);
        if (runs !== undefined && !before(runs, attempt)) {
          broken.push(`${instant ?? 'now'}: ${attempt.version} beside ${runs.version}`);
        }
      }
    }
  };
  setTimeout(() => (stop = true), 3000);
  await Promise.all([write(), write(), read(at), read(at), read(at), read(undefined)]);
  await store.close();
  expect(writes).toBeGreaterThan(100);
  expect(answers).toBeGreaterThan(100);
  expect(broken).toEqual([]);
});

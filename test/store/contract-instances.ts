/**
 * Several instances over one database, part of the store contract: two
 * stores opened on the same data, as two SVT instances behind a load
 * balancer (SQLite: two stores on one file; MongoDB: two clients of one
 * database). Every acknowledged write is read back at once on either one;
 * a key sent to both at once records once; the same file imported on both
 * at once adds each deployment once; pruning on one while the other
 * records back-dated deployments never loses a current one; closing one
 * with writes in flight finishes them.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { RecordResult, Store } from '../../server/src/store/types.js';
import { HttpProblem } from '../../server/src/errors.js';
import { idFactory } from '../../server/src/store/ids.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import type { Gate } from '../helpers/skip.js';

/** Two stores over one fresh database, not yet opened. */
export type OpenPair = () => Promise<[Store, Store]>;

const DAY = 24 * 60 * MINUTE;

export function instancesContract(name: string, openPair: OpenPair, gate: Gate): void {
  gate.describe(`${name} store contract: two instances over one database`, () => {
    let a: Store;
    let b: Store;
    beforeEach(async () => {
      [a, b] = await openPair();
      await a.open();
      await b.open();
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    const versions = async (store: Store, env = 'dev') =>
      (await store.current(env))?.map((x) => `${x.app}@${x.version}`);

    it('reads every acknowledged write back at once, on the instance that wrote it and the other', async () => {
      for (let i = 0; i < 30; i++) {
        const writer = i % 2 === 0 ? a : b;
        const { deployment } = await writer.record(
          d({ version: `1.0.${i}`, deployedAt: T0 + i * MINUTE }),
        );
        for (const reader of [writer, writer === a ? b : a]) {
          expect(await reader.current('dev')).toEqual([deployment]);
          expect(await reader.latest('dev')).toEqual([deployment]);
          expect((await reader.history({ env: 'dev', app: 'api', limit: 1 })).items).toEqual([
            deployment,
          ]);
          expect((await reader.app('api'))?.[0]?.current).toEqual(deployment);
          expect((await reader.environments())[0]?.lastDeployedAt).toBe(T0 + i * MINUTE);
        }
      }
    });

    it('records a key sent to both at once once: the first answer, a replay of it, or 409 to retry', async () => {
      for (let round = 0; round < 10; round++) {
        const claim = { scope: 'ci', key: `run-${round}`, fingerprint: `body-${round}` };
        const input = d({ version: `2.0.${round}`, deployedAt: T0 + round * MINUTE });
        const settled = await Promise.allSettled([a.record(input, claim), b.record(input, claim)]);
        const answers: RecordResult[] = [];
        for (const s of settled) {
          if (s.status === 'fulfilled') answers.push(s.value);
          else {
            expect(s.reason).toBeInstanceOf(HttpProblem);
            expect((s.reason as HttpProblem).status).toBe(409);
          }
        }
        expect(answers.length).toBeGreaterThan(0);
        expect(answers.filter((x) => !x.replayed)).toHaveLength(1);
        expect(new Set(answers.map((x) => x.deployment.id)).size).toBe(1);
        // A client retries a 409: it gets the first answer again.
        const retried = await (settled[0]?.status === 'rejected' ? a : b).record(input, claim);
        expect([retried.replayed, retried.deployment]).toEqual([true, answers[0]?.deployment]);
      }
      const all = (await a.history({ env: 'dev', limit: 100 })).items;
      expect(all.map((x) => x.idempotencyKey).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `run-${i}`).sort(),
      );
    });

    it('adds each deployment once when both import the same file at once', async () => {
      const nextId = idFactory();
      const items = Array.from({ length: 250 }, (_, i) => {
        const at = T0 + i * 1000;
        return {
          input: d({ app: `app-${i % 5}`, version: `1.0.${i}`, deployedAt: at }),
          id: nextId(at),
          recordedAt: at,
          idempotencyKey: null,
        };
      });
      const [one, other] = await Promise.all([a.importMany(items), b.importMany(items)]);
      expect(one + other).toBe(250);
      let seen = 0;
      let page = await b.history({ limit: 100 });
      const ids = new Set(page.items.map((x) => x.id));
      seen += page.items.length;
      while (page.next !== null) {
        page = await b.history({ limit: 100, after: page.next });
        page.items.forEach((x) => ids.add(x.id));
        seen += page.items.length;
      }
      expect([seen, ids.size]).toEqual([250, 250]);
      expect(await versions(a)).toEqual([
        'app-0@1.0.245',
        'app-1@1.0.246',
        'app-2@1.0.247',
        'app-3@1.0.248',
        'app-4@1.0.249',
      ]);
    });

    it('never prunes a current or latest deployment that a back-dated write makes so meanwhile', async () => {
      const apps = ['a0', 'a1', 'a2', 'a3', 'a4'];
      for (const app of apps) await a.record(d({ app, version: '1.0.0', deployedAt: T0 }));
      // Every write below is dated before the cutoff, so each is a candidate
      // for pruning at the instant it becomes its app's current deployment.
      const cutoff = T0 + DAY;
      let pruning = true;
      const prunes = (async () => {
        let deleted = 0;
        while (pruning) {
          deleted += await b.prune(cutoff);
          // A breath between runs, so that SQLite's other connection gets the lock.
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return deleted;
      })();
      for (let round = 1; round <= 20; round++) {
        await Promise.all(
          apps.map((app) =>
            a.record(d({ app, version: `1.0.${round}`, deployedAt: T0 + round * MINUTE })),
          ),
        );
        for (const store of [a, b]) {
          expect(await versions(store)).toEqual(apps.map((app) => `${app}@1.0.${round}`));
        }
      }
      pruning = false;
      const deleted = (await prunes) + (await b.prune(cutoff));
      expect(deleted).toBe(100); // 21 per app written, the current one kept
      expect((await a.latest('dev'))?.map((x) => `${x.app}@${x.version}`)).toEqual(
        apps.map((app) => `${app}@1.0.20`),
      );
      const left = (await a.history({ limit: 100 })).items.map((x) => `${x.app}@${x.version}`);
      expect(left.sort()).toEqual(apps.map((app) => `${app}@1.0.20`));
    });

    it("answers a write's previous as stored now, when the other instance has re-flagged it", async () => {
      await a.record(d({ version: '1.0.0', deployedAt: T0 }));
      const replaced = await a.record(d({ version: '1.1.0', deployedAt: T0 + 2 * MINUTE }));
      expect(replaced.deployment.rollback).toBe(false);
      // The other instance records 1.2.0 dated before it: 1.1.0 is now a rollback.
      await b.record(d({ version: '1.2.0', deployedAt: T0 + MINUTE }));
      const stored = { ...replaced.deployment, rollback: true };
      expect((await a.current('dev'))?.[0]).toEqual(stored);
      const next = await a.record(d({ version: '1.3.0', deployedAt: T0 + 3 * MINUTE }));
      expect(next.previous).toEqual(stored);
      // And a retry of a key the other instance recorded replays the stored texts.
      const claim = { scope: 'ci', key: 'k', fingerprint: 'f' };
      const first = await b.record(d({ version: '1.4.0', deployedAt: T0 + 4 * MINUTE }), claim);
      const again = await a.record(d({ version: '1.4.0', deployedAt: T0 + 4 * MINUTE }), claim);
      expect([again.replayed, again.deployment, again.previous]).toEqual([
        true,
        first.deployment,
        next.deployment,
      ]);
    });

    it('finishes the writes in flight when one instance closes', async () => {
      const writes = Array.from({ length: 20 }, (_, i) =>
        a.record(d({ app: `app-${i}`, version: '1.0.0', deployedAt: T0 + i })),
      );
      await a.close();
      const results = await Promise.allSettled(writes);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await b.history({ limit: 100 })).items).toHaveLength(20);
      await expect(a.record(d())).rejects.toThrow(/closed/);
    });
  });
}

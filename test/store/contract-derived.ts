/**
 * What every adapter derives from the events, part of the store contract:
 * whether a write became current (and what runs instead when it did not),
 * rollbacks, kept right when deployments arrive out of order, and the
 * order of every per-app list (names as people read them, names.ts).
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { rollbackFlags } from '../../server/src/rollback.js';
import type { Store } from '../../server/src/store/types.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';

const HOUR = 60 * MINUTE;
import type { Gate } from '../helpers/skip.js';

export function derivedContract(name: string, makeStore: () => Promise<Store>, gate: Gate): void {
  gate.describe(`${name} store contract: derived facts`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Each history entry of dev/api oldest first, as version, status and rollback flag. */
    const ledger = async () =>
      (await store.history({ env: 'dev', app: 'api', limit: 100 })).items
        .reverse()
        .map(
          (x) =>
            `${x.version}${x.status === 'success' ? '' : `:${x.status}`}${x.rollback ? ' R' : ''}`,
        );

    it('says whether each write became current, and what runs instead', async () => {
      const failedFirst = await store.record(
        d({ version: '0.9.0', status: 'failure', deployedAt: T0 - MINUTE }),
      );
      expect([failedFirst.current, failedFirst.currentDeployment]).toEqual([false, null]);
      const first = await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      expect([first.current, first.currentDeployment, first.previous]).toEqual([true, null, null]);
      const second = await store.record(d({ version: '2.0.0', deployedAt: T0 + 2 * MINUTE }));
      expect([second.current, second.previous?.version]).toEqual([true, '1.0.0']);
      // Back-dated between the two: stored, follows 1.0.0, but 2.0.0 still runs.
      const late = await store.record(d({ version: '1.5.0', deployedAt: T0 + MINUTE }));
      expect([late.current, late.previous?.version, late.currentDeployment?.version]).toEqual([
        false,
        '1.0.0',
        '2.0.0',
      ]);
      for (const status of ['failure', 'started', 'rolled_back'] as const) {
        const r = await store.record(d({ version: '2.1.0', status, deployedAt: T0 + 3 * MINUTE }));
        expect([r.current, r.currentDeployment?.version]).toEqual([false, '2.0.0']);
      }
      expect((await store.current('dev'))?.map((x) => x.version)).toEqual(['2.0.0']);
    });

    it('lists the attempts that are not current: latest deployments that did not succeed', async () => {
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0 }));
      await store.record(
        d({ app: 'api', version: '1.1.0', status: 'started', deployedAt: T0 + MINUTE }),
      );
      await store.record(d({ app: 'web', version: '2.0.0', status: 'failure', deployedAt: T0 }));
      await store.record(d({ app: 'db', version: '3.0.0', deployedAt: T0 }));
      expect((await store.attempts('dev')).map((x) => `${x.app}@${x.version}:${x.status}`)).toEqual(
        ['api@1.1.0:started', 'web@2.0.0:failure'],
      );
      expect((await store.attempts('dev', T0)).map((x) => x.app)).toEqual(['web']);
      expect(await store.attempts('nowhere')).toEqual([]);
      expect(await store.attempts('nowhere', T0)).toEqual([]);
      const at = async (instant: number) =>
        (await store.attempts('dev', instant)).map((x) => `${x.app}@${x.version}:${x.status}`);
      await store.record(
        d({ app: 'db', version: '3.1.0', status: 'rolled_back', deployedAt: T0 + 2 * MINUTE }),
      );
      await store.record(d({ app: 'api', version: '1.2.0', deployedAt: T0 + 2 * MINUTE }));
      expect(await at(T0 + MINUTE)).toEqual(['api@1.1.0:started', 'web@2.0.0:failure']);
      expect(await at(T0 + 2 * MINUTE)).toEqual(['db@3.1.0:rolled_back', 'web@2.0.0:failure']);
      expect(await at(T0 - 1)).toEqual([]);
    });

    it('imports a deployment dated after now as taking effect now (one clock)', async () => {
      const before = Date.now();
      await store.importMany([
        {
          input: d({ version: '9.0.0', deployedAt: Date.parse('2027-06-01T00:00:00Z') }),
          id: '01K0000000000000000000000A',
          recordedAt: Date.parse('2027-06-01T00:00:00Z'),
          idempotencyKey: null,
        },
      ]);
      const [stored] = (await store.history({ limit: 1 })).items;
      const at = Date.parse(stored?.deployedAt ?? '');
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(Date.now());
      // So a deployment recorded now comes after it and runs.
      const next = await store.record(d({ version: '9.1.0', deployedAt: Date.now() + 1 }));
      expect(next.current).toBe(true);
    });

    it('replays the first answer, "current" included', async () => {
      await store.record(d({ version: '2.0.0', deployedAt: T0 + MINUTE }));
      const claim = { scope: '', key: 'late', fingerprint: 'f' };
      const first = await store.record(d({ version: '1.0.0', deployedAt: T0 }), claim);
      await store.record(d({ version: '3.0.0', deployedAt: T0 + 2 * MINUTE }));
      const again = await store.record(d({ version: '1.0.0', deployedAt: T0 }), claim);
      expect(again.replayed).toBe(true);
      expect([again.current, again.currentDeployment?.version]).toEqual([false, '2.0.0']);
      expect([first.current, first.currentDeployment?.version]).toEqual([false, '2.0.0']);
      const claim2 = { scope: '', key: 'new', fingerprint: 'g' };
      await store.record(d({ version: '4.0.0', deployedAt: T0 + 3 * MINUTE }), claim2);
      await store.record(d({ version: '5.0.0', deployedAt: T0 + 4 * MINUTE }));
      const replayed = await store.record(
        d({ version: '4.0.0', deployedAt: T0 + 3 * MINUTE }),
        claim2,
      );
      expect([replayed.current, replayed.currentDeployment]).toEqual([true, null]);
    });

    it('flags rollbacks: older than the one replaced, or a version that ran there before', async () => {
      const versions = [
        '1.0.0',
        '2.0.0',
        '1.0.0',
        '1.0.0',
        '2.0.0',
        'abc1234',
        'def5678',
        'abc1234',
        '3.0.0',
        '2.5.0',
      ];
      const flags: boolean[] = [];
      for (const [i, version] of versions.entries()) {
        flags.push(
          (await store.record(d({ version, deployedAt: T0 + i * MINUTE }))).deployment.rollback,
        );
      }
      // 1.0.0 again after 2.0.0: older and ran before. 1.0.0 twice: a redeploy.
      // 2.0.0 again: newer, but ran before. SHAs have no rank: only "ran before" counts.
      // 2.5.0 after 3.0.0: older, though it never ran there.
      expect(flags).toEqual([false, false, true, false, true, false, false, true, false, true]);
      // Failures never are; and the flag is on every read.
      const failed = await store.record(
        d({ version: '1.0.0', status: 'failure', deployedAt: T0 + 20 * MINUTE }),
      );
      expect(failed.deployment.rollback).toBe(false);
      expect((await store.current('dev'))?.[0]?.rollback).toBe(true);
      expect(await ledger()).toEqual([
        '1.0.0',
        '2.0.0',
        '1.0.0 R',
        '1.0.0',
        '2.0.0 R',
        'abc1234',
        'def5678',
        'abc1234 R',
        '3.0.0',
        '2.5.0 R',
        '1.0.0:failure',
      ]);
    });

    it('recomputes rollbacks when a deployment arrives out of order', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const later = await store.record(d({ version: '1.1.0', deployedAt: T0 + 2 * MINUTE }));
      expect(later.deployment.rollback).toBe(false);
      // 1.2.0 dated between them: 1.1.0 now replaces 1.2.0, an older version: a rollback.
      const between = await store.record(d({ version: '1.2.0', deployedAt: T0 + MINUTE }));
      expect([between.current, between.deployment.rollback]).toEqual([false, false]);
      expect(between.currentDeployment).toMatchObject({ version: '1.1.0', rollback: true });
      expect(await ledger()).toEqual(['1.0.0', '1.2.0', '1.1.0 R']);
      expect((await store.current('dev'))?.[0]).toMatchObject({ version: '1.1.0', rollback: true });
      expect((await store.app('api'))?.[0]?.current?.rollback).toBe(true);
      // And back: one dated before all of them makes nothing a rollback that was not.
      await store.record(d({ version: '0.1.0', deployedAt: T0 - MINUTE }));
      expect(await ledger()).toEqual(['0.1.0', '1.0.0', '1.2.0', '1.1.0 R']);
    });

    it('a back-dated success makes the later first success of its version a rollback', async () => {
      // Git SHAs have no rank (version-order.ts): only "ran before" can make a rollback.
      await store.record(d({ version: 'def5678', deployedAt: T0 + 2 * MINUTE }));
      await store.record(d({ version: 'aaa1111', deployedAt: T0 + 3 * MINUTE }));
      await store.record(d({ version: 'abc1234', deployedAt: T0 + 4 * MINUTE }));
      expect(await ledger()).toEqual(['def5678', 'aaa1111', 'abc1234']);
      // abc1234 dated first: the next success (def5678) now replaces it, not a rollback
      // (never ran before); abc1234 at +4 min ran before now: a rollback.
      await store.record(d({ version: 'abc1234', deployedAt: T0 + MINUTE }));
      expect(await ledger()).toEqual(['abc1234', 'def5678', 'aaa1111', 'abc1234 R']);
      // def5678 dated before every other: the next success, abc1234 at +1 min, replaces
      // it and never ran before; def5678 at +2 min ran before it now, and replaces
      // abc1234, another version: a rollback.
      await store.record(d({ version: 'def5678', deployedAt: T0 }));
      expect(await ledger()).toEqual(['def5678', 'abc1234', 'def5678 R', 'aaa1111', 'abc1234 R']);
      // A failure dated anywhere changes no flag.
      await store.record(d({ version: 'aaa1111', status: 'failure', deployedAt: T0 + 90_000 }));
      expect(await ledger()).toEqual([
        'def5678',
        'abc1234',
        'aaa1111:failure',
        'def5678 R',
        'aaa1111',
        'abc1234 R',
      ]);
    });

    it('keeps every flag equal to a recomputation, whatever order 120 writes arrive in', async () => {
      // A fixed pseudo-random order (a linear congruential generator): instants over 40
      // minutes, so with ties, 6 versions (SemVer and SHAs), 1 in 6 a failure.
      let seed = 20261130;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const versions = ['1.0.0', '1.1.0', '2.0.0', '0.9.0', 'abc1234', 'def5678'];
      for (let i = 0; i < 120; i++) {
        await store.record(
          d({
            version: versions[next(versions.length)],
            status: next(6) === 0 ? 'failure' : 'success',
            deployedAt: T0 + next(40) * MINUTE,
          }),
        );
      }
      const items = (await store.history({ env: 'dev', app: 'api', limit: 200 })).items.reverse();
      const successes = items.filter((x) => x.status === 'success');
      expect(successes.map((x) => x.rollback)).toEqual(
        rollbackFlags(successes.map((x) => x.version)),
      );
      // Some of each, so that the comparison says something.
      expect(successes.filter((x) => x.rollback).length).toBeGreaterThan(10);
      expect(successes.filter((x) => !x.rollback).length).toBeGreaterThan(10);
      // What runs is the latest success, flag included.
      expect((await store.current('dev'))?.[0]).toEqual(successes.at(-1));
    });

    it("answers a write's previous and current deployments as stored now, re-flagged ones too", async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const replaced = await store.record(d({ version: '1.1.0', deployedAt: T0 + 2 * MINUTE }));
      // The next write's previous is 1.1.0 as it was answered: not a rollback.
      const failed = await store.record(
        d({ version: '1.1.1', status: 'failure', deployedAt: T0 + 3 * MINUTE }),
      );
      expect(failed.previous).toEqual(replaced.deployment);
      expect(failed.currentDeployment).toEqual(replaced.deployment);
      // 1.2.0 dated before it makes 1.1.0 a rollback: every later answer says so.
      await store.record(d({ version: '1.2.0', deployedAt: T0 + MINUTE }));
      const stored = (await store.current('dev'))?.[0];
      expect(stored).toEqual({ ...replaced.deployment, rollback: true });
      const next = await store.record(
        d({ version: '1.1.2', status: 'failure', deployedAt: T0 + 4 * MINUTE }),
      );
      expect([next.previous, next.currentDeployment]).toEqual([stored, stored]);
      const after = await store.record(d({ version: '1.3.0', deployedAt: T0 + 5 * MINUTE }));
      expect(after.previous).toEqual(stored);
    });

    it('replays a key with its deployment as stored now, rollback flag included (README)', async () => {
      const claim = { scope: 'ci', key: 'deploy-1.1.0', fingerprint: 'body' };
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const input = d({ version: '1.1.0', deployedAt: T0 + 2 * MINUTE });
      const first = await store.record(input, claim);
      expect(first.deployment.rollback).toBe(false);
      // A back-dated 1.2.0 makes 1.1.0 a rollback; the replay says so, as every read does.
      await store.record(d({ version: '1.2.0', deployedAt: T0 + MINUTE }));
      const again = await store.record(input, claim);
      expect([again.replayed, again.current]).toEqual([true, true]);
      expect(again.deployment).toEqual({ ...first.deployment, rollback: true });
      expect((await store.current('dev'))?.[0]).toEqual(again.deployment);
    });

    it('lists apps as people read them, not by code point: current, latest, attempts, apps', async () => {
      // Code-point order: Beta, alpha, app-10, app-2. As people read them: by hand below.
      const people = ['alpha', 'app-2', 'app-10', 'Beta'];
      for (const [i, app] of ['app-10', 'Beta', 'app-2', 'alpha'].entries()) {
        await store.record(d({ app, deployedAt: T0 + i * MINUTE }));
        await store.record(d({ app, version: '2.0.0', status: 'failure', deployedAt: T0 + HOUR }));
      }
      const names = (list: { app: string }[] | null) => list?.map((x) => x.app);
      const later = T0 + 2 * HOUR;
      expect(names(await store.current('dev'))).toEqual(people);
      expect(names(await store.current('dev', later))).toEqual(people);
      expect(names(await store.latest('dev'))).toEqual(people);
      expect(names(await store.latest('dev', later))).toEqual(people);
      expect(names(await store.attempts('dev'))).toEqual(people);
      expect(names(await store.attempts('dev', later))).toEqual(people);
      const json = JSON.parse((await store.currentJson('dev'))?.toString() ?? '[]') as {
        app: string;
      }[];
      expect(names(json)).toEqual(people);
      expect((await store.apps()).map((a) => a.name)).toEqual(people);
    });
  });
}

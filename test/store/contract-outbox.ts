/**
 * The webhook outbox, part of the store contract (outbox-types.ts): a
 * deployment's deliveries are written with it and only with it; leases
 * give a delivery to one owner at a time and let another take it over once
 * they run out; retries wait for their time; given-up deliveries are
 * listed, counted, bounded and can be redelivered.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { HttpProblem } from '../../server/src/errors.js';
import type { Store } from '../../server/src/store/types.js';
import { newDeployment as d } from '../helpers/deployments.js';
import type { Gate } from '../helpers/skip.js';

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';
const LEASE = 1000;

export function outboxContract(name: string, makeStore: () => Promise<Store>, gate: Gate): void {
  gate.describe(`${name} store contract: webhook outbox`, () => {
    let store: Store;
    /** An instant after every delivery the test records (they are due from their recording). */
    let t: number;
    beforeEach(async () => {
      store = await makeStore();
      await store.open();
      t = Date.now() + 60_000;
    });
    afterEach(async () => {
      await store.close();
    });

    const record = async (version: string, hooks: string[] = [A]) =>
      (await store.record(d({ version }), undefined, hooks)).deployment;

    it('a new deployment leaves one delivery per hook; a replay, a refused write and an import leave none', async () => {
      const claim = { scope: '', key: 'k', fingerprint: 'f' };
      const before = Date.now();
      const first = await store.record(d(), claim, [A, B]);
      await store.record(d(), claim, [A, B]); // the replay
      await expect(
        store.record(d({ version: '9' }), { ...claim, fingerprint: 'g' }, [A, B]),
      ).rejects.toThrow(HttpProblem);
      await store.record(d({ version: '2.0.0', deployedAt: d().deployedAt + 1 })); // no hooks
      await store.importMany([
        {
          input: d({ version: '3.0.0' }),
          id: '01K00000000000000000000000',
          recordedAt: before,
          idempotencyKey: null,
        },
      ]);
      const [toA, ...moreA] = await store.claimDeliveries(A, 'one', t, LEASE, 10);
      const toB = await store.claimDeliveries(B, 'one', t, LEASE, 10);
      expect(moreA).toEqual([]);
      expect(toB).toHaveLength(1);
      expect(toA).toEqual({
        id: `${first.deployment.id}-${A}`,
        hook: A,
        event: expect.any(String),
        createdAt: expect.any(Number),
        since: toA?.createdAt,
        attempts: 0,
      });
      expect(toB[0]?.id).toBe(`${first.deployment.id}-${B}`);
      expect(toA?.createdAt).toBeGreaterThanOrEqual(before - 1);
      expect(toA?.createdAt).toBeLessThanOrEqual(Date.now());
      // The event is the write's answer.
      expect(JSON.parse(toA?.event ?? '')).toEqual({
        deployment: first.deployment,
        previous: null,
        current: true,
        currentDeployment: null,
      });
      expect(toB[0]?.event).toBe(toA?.event);
    });

    it('a lease: one owner at a time, oldest first; once it runs out another takes over, and the first can no longer finish', async () => {
      const ids = [];
      for (const v of ['1', '2', '3']) ids.push(`${(await record(v)).id}-${A}`);
      const one = await store.claimDeliveries(A, 'one', t, LEASE, 2);
      expect(one.map((x) => x.id)).toEqual(ids.slice(0, 2));
      expect((await store.claimDeliveries(A, 'two', t, LEASE, 10)).map((x) => x.id)).toEqual([
        ids[2],
      ]);
      expect(await store.claimDeliveries(A, 'two', t + LEASE - 1, LEASE, 10)).toEqual([]);
      // A lease that ends at `now` holds nothing: 'two' takes over those of 'one' (and its own).
      const taken = await store.claimDeliveries(A, 'two', t + LEASE, LEASE, 10);
      expect(taken.map((x) => x.id)).toEqual(ids);
      expect(await store.finishDelivery(ids[0] ?? '', 'one', { kind: 'delivered' }, t)).toBe(false);
      expect(await store.finishDelivery(ids[0] ?? '', 'two', { kind: 'delivered' }, t)).toBe(true);
      expect(await store.finishDelivery(ids[0] ?? '', 'two', { kind: 'delivered' }, t)).toBe(false);
      const [stat] = await store.outboxStats();
      expect(stat).toMatchObject({ hook: A, pending: 2, failed: 0 });
    });

    it('a retry waits for its time and keeps attempts and the last error; a given-up delivery is listed, counted and can be redelivered', async () => {
      const id = `${(await record('1')).id}-${A}`;
      await store.claimDeliveries(A, 'one', t, LEASE, 10);
      const retry = { kind: 'retry', at: t + 5000, error: 'HTTP 503', status: 503 } as const;
      expect(await store.finishDelivery(id, 'one', retry, t)).toBe(true);
      expect(await store.claimDeliveries(A, 'one', t + 4999, LEASE, 10)).toEqual([]);
      const [pending] = await store.deliveries('pending', 10);
      expect(pending).toMatchObject({
        id,
        state: 'pending',
        attempts: 1,
        nextAt: t + 5000,
        lastError: 'HTTP 503',
        lastStatus: 503,
        failedAt: null,
      });
      const [again] = await store.claimDeliveries(A, 'one', t + 5000, LEASE, 10);
      expect(again).toMatchObject({ id, attempts: 1 });
      const failed = { kind: 'failed', error: 'HTTP 400', status: 400 } as const;
      expect(await store.finishDelivery(id, 'one', failed, t + 6000)).toBe(true);
      expect(await store.claimDeliveries(A, 'one', t + 99_000, LEASE, 10)).toEqual([]);
      expect(await store.deliveries('pending', 10)).toEqual([]);
      expect(await store.deliveries('failed', 10)).toMatchObject([
        { id, state: 'failed', attempts: 2, failedAt: t + 6000, lastError: 'HTTP 400' },
      ]);
      expect(await store.outboxStats()).toEqual([
        { hook: A, pending: 0, oldestSince: null, failed: 1 },
      ]);

      const back = await store.redeliver(id, t + 7000);
      expect(back).toMatchObject({ id, state: 'pending', since: t + 7000, nextAt: t + 7000 });
      expect(back?.failedAt).toBeNull();
      expect(await store.outboxStats()).toEqual([
        { hook: A, pending: 1, oldestSince: t + 7000, failed: 0 },
      ]);
      expect((await store.claimDeliveries(A, 'two', t + 7000, LEASE, 10))[0]?.id).toBe(id);
      expect(await store.redeliver(`01K00000000000000000000000-${A}`, t)).toBeNull();
    });

    it('released: back in the queue as it was, at once; releasing an owner ends all its leases', async () => {
      const id = `${(await record('1')).id}-${A}`;
      await record('2');
      await store.claimDeliveries(A, 'one', t, LEASE, 10);
      expect(await store.finishDelivery(id, 'one', { kind: 'released' }, t)).toBe(true);
      const [back] = await store.claimDeliveries(A, 'two', t, LEASE, 10);
      expect(back).toMatchObject({ id, attempts: 0 });
      expect(await store.releaseDeliveries('two')).toBe(1);
      expect(await store.releaseDeliveries('two')).toBe(0);
      await store.claimDeliveries(A, 'three', t, LEASE, 10);
      expect(await store.releaseDeliveries(null)).toBe(2);
      expect(await store.claimDeliveries(A, 'four', t, LEASE, 10)).toHaveLength(2);
    });

    it('expiry gives up what waited too long, whatever its hook, never one under a live lease', async () => {
      const old = `${(await record('1', [A])).id}-${A}`;
      const leased = `${(await record('2', [B])).id}-${B}`;
      const tried = `${(await record('3', [A])).id}-${A}`;
      await store.claimDeliveries(B, 'one', t, LEASE, 10);
      await store.claimDeliveries(A, 'one', t, LEASE, 10);
      await store.finishDelivery(old, 'one', { kind: 'released' }, t);
      const retry = { kind: 'retry', at: t, error: 'connect ECONNREFUSED', status: null } as const;
      await store.finishDelivery(tried, 'one', retry, t);
      const reason = 'given up: no delivery within 24h';
      const hooks = await store.expireDeliveries(t, t, 100, reason);
      expect(hooks.sort()).toEqual([A, A]);
      const failed = await store.deliveries('failed', 10);
      expect(Object.fromEntries(failed.map((f) => [f.id, f.lastError]))).toEqual({
        [old]: reason,
        [tried]: 'connect ECONNREFUSED',
      });
      // The leased one goes once its lease is over.
      expect(await store.expireDeliveries(t, t + LEASE, 100, reason)).toEqual([B]);
      expect((await store.deliveries('failed', 10)).map((f) => f.id)).toContain(leased);
      // Nothing recorded after `before` is given up.
      await record('4');
      expect(await store.expireDeliveries(t - 60_000 - 10_000, t, 100, reason)).toEqual([]);
    });

    it('keeps only the most recently failed deliveries when trimmed', async () => {
      const ids: string[] = [];
      for (const v of ['1', '2', '3', '4']) ids.push(`${(await record(v)).id}-${A}`);
      await store.claimDeliveries(A, 'one', t, LEASE, 10);
      for (const [i, id] of ids.entries()) {
        await store.finishDelivery(id, 'one', { kind: 'failed', error: 'x', status: 400 }, t + i);
      }
      expect(await store.trimFailedDeliveries(2)).toBe(2);
      expect((await store.deliveries('failed', 10)).map((f) => f.id)).toEqual([ids[3], ids[2]]);
      expect(await store.trimFailedDeliveries(2)).toBe(0);
    });

    it('counts pending deliveries and their oldest wait by hook', async () => {
      const first = await store.record(d({ version: '1' }), undefined, [A, B]);
      await store.record(d({ version: '2' }), undefined, [A]);
      const since = Date.parse(first.deployment.recordedAt);
      const stats = (await store.outboxStats()).sort((x, y) => x.hook.localeCompare(y.hook));
      expect(stats).toEqual([
        { hook: A, pending: 2, oldestSince: since, failed: 0 },
        { hook: B, pending: 1, oldestSince: since, failed: 0 },
      ]);
      expect((await store.deliveries('pending', 1)).map((x) => x.hook)).toEqual([A]);
    });
  });
}

/**
 * History and idempotency, part of the store contract: pages newest first
 * with their bounds, filters and ties, an app's history across its
 * environments, and one record per idempotency key with its first answer
 * replayed.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { RecordResult, Store } from '../../server/src/store/types.js';
import { HttpProblem } from '../../server/src/errors.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import type { Gate } from '../helpers/skip.js';

export function historyContract(name: string, makeStore: () => Promise<Store>, gate: Gate): void {
  gate.describe(`${name} store contract: history and idempotency`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('pages history newest first with inclusive since, exclusive until and filters', async () => {
      for (let i = 0; i < 7; i++) {
        await store.record(d({ version: `1.0.${i}`, deployedAt: T0 + i * MINUTE }));
      }
      await store.record(d({ env: 'prod', version: '1.0.0', deployedAt: T0 + 3 * MINUTE }));
      await store.record(d({ app: 'web', status: 'failure', deployedAt: T0 + 3 * MINUTE }));

      const all = await store.history({ limit: 100 });
      expect(all.items).toHaveLength(9);
      expect(all.next).toBeNull();
      const keys = all.items.map((x) => [Date.parse(x.deployedAt), x.id] as const);
      const sorted = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
      expect(keys).toEqual(sorted);

      const window = await store.history({
        env: 'dev',
        app: 'api',
        since: T0 + 2 * MINUTE,
        until: T0 + 5 * MINUTE,
        limit: 100,
      });
      expect(window.items.map((x) => x.version)).toEqual(['1.0.4', '1.0.3', '1.0.2']);
      expect(
        (await store.history({ status: 'failure', limit: 10 })).items.map((x) => x.app),
      ).toEqual(['web']);

      const seen: string[] = [];
      let page = await store.history({ env: 'dev', limit: 3 });
      seen.push(...page.items.map((x) => x.id));
      while (page.next !== null) {
        page = await store.history({ env: 'dev', limit: 3, after: page.next });
        seen.push(...page.items.map((x) => x.id));
      }
      expect(seen).toEqual(
        (await store.history({ env: 'dev', limit: 100 })).items.map((x) => x.id),
      );
      expect(new Set(seen).size).toBe(8);
    });

    it('pages a window with ties on deployedAt across page boundaries, every row once', async () => {
      // Five at one instant, between others inside and outside the window.
      const minutes = [0, 1, 1, 1, 1, 1, 2, 3];
      for (const [i, m] of minutes.entries()) {
        await store.record(d({ app: `app-${i}`, deployedAt: T0 + m * MINUTE }));
      }
      const window = { since: T0 + MINUTE, until: T0 + 3 * MINUTE };
      const all = (await store.history({ ...window, limit: 100 })).items.map((x) => x.app);
      expect(all).toEqual(['app-6', 'app-5', 'app-4', 'app-3', 'app-2', 'app-1']);
      for (const filters of [window, { ...window, env: 'dev' }]) {
        const seen: string[] = [];
        let page = await store.history({ ...filters, limit: 2 });
        seen.push(...page.items.map((x) => x.app));
        while (page.next !== null) {
          page = await store.history({ ...filters, limit: 2, after: page.next });
          seen.push(...page.items.map((x) => x.app));
        }
        expect(seen).toEqual(all);
      }
    });

    it('pages an app history across its environments in one order', async () => {
      const envs = ['dev', 'staging', 'prod'];
      for (let i = 0; i < 12; i++) {
        // Interleaved times, and one tie on deployedAt across environments.
        const at = i === 5 ? T0 + 4 * MINUTE : T0 + i * MINUTE;
        await store.record(d({ env: envs[i % 3] ?? 'dev', version: `1.0.${i}`, deployedAt: at }));
      }
      await store.record(d({ app: 'other', deployedAt: T0 + 30 * MINUTE }));
      const seen: string[] = [];
      let page = await store.history({ app: 'api', limit: 2 });
      seen.push(...page.items.map((x) => x.version));
      while (page.next !== null) {
        page = await store.history({ app: 'api', limit: 2, after: page.next });
        seen.push(...page.items.map((x) => x.version));
      }
      const all = (await store.history({ limit: 100 })).items.filter((x) => x.app === 'api');
      expect(seen).toEqual(all.map((x) => x.version));
      expect(seen).toHaveLength(12);
      const failures = await store.history({ app: 'api', status: 'failure', limit: 5 });
      expect(failures.items).toEqual([]);
    });

    it('records once per idempotency key and scope, and refuses a key reused with another body', async () => {
      const claim = { scope: '', key: 'job-1', fingerprint: 'aaa' };
      const first = await store.record(d({ version: '1.0.0' }), claim);
      const again = await store.record(d({ version: '1.0.0' }), claim);
      expect(again.replayed).toBe(true);
      expect(again.deployment).toEqual(first.deployment);
      expect(again.deployment.idempotencyKey).toBe('job-1');
      expect((await store.history({ limit: 10 })).items).toHaveLength(1);

      await expect(
        store.record(d({ version: '9.9.9' }), { ...claim, fingerprint: 'bbb' }),
      ).rejects.toMatchObject({
        status: 422,
      });
      await expect(store.record(d(), { ...claim, fingerprint: 'bbb' })).rejects.toBeInstanceOf(
        HttpProblem,
      );

      const otherScope = await store.record(d({ version: '1.0.0' }), {
        ...claim,
        scope: 'ci-token',
      });
      expect(otherScope.replayed).toBe(false);
      expect((await store.history({ limit: 10 })).items).toHaveLength(2);
    });

    it('replays the first answer, previous included', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const claim = { scope: '', key: 'k', fingerprint: 'f' };
      const first = await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }), claim);
      await store.record(d({ version: '1.2.0', deployedAt: T0 + 2 * MINUTE }));
      const again = await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }), claim);
      const fields = (r: RecordResult) => [r.deployment, r.previous, r.firstInEnv, r.replayed];
      expect(fields(again)).toEqual([first.deployment, first.previous, first.firstInEnv, true]);
      expect(first.previous?.version).toBe('1.0.0');
    });

    it('replays the previous first answered, after a success recorded out of order before it', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const claim = { scope: '', key: 'k', fingerprint: 'f' };
      const first = await store.record(d({ version: '1.2.0', deployedAt: T0 + 2 * MINUTE }), claim);
      // Now the latest success before 1.2.0, but recorded after it.
      await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }));
      const again = await store.record(d({ version: '1.2.0', deployedAt: T0 + 2 * MINUTE }), claim);
      expect(first.previous?.version).toBe('1.0.0');
      expect([again.replayed, again.previous]).toEqual([true, first.previous]);
    });
  });
}

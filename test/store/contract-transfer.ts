/**
 * Export and import, part of the store contract: what `svt-server export`
 * writes and `import` reads back (the documented move from SQLite to
 * MongoDB), every field of every deployment kept both ways; imports in
 * batches larger than one MongoDB transaction, with an id given twice; and
 * where an imported environment takes its place among the others.
 */
import { afterEach, expect, it } from '@jest/globals';
import type { Store } from '../../server/src/store/types.js';
import { idFactory } from '../../server/src/store/ids.js';
import { parseExported } from '../../server/src/validation/exported.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import type { Gate } from '../helpers/skip.js';

/** Every line a store exports, parsed. */
async function exported(store: Store): Promise<unknown[]> {
  const lines: unknown[] = [];
  for await (const line of store.exportJson()) lines.push(JSON.parse(line));
  return lines;
}

/** Every line a store exports, as import reads them. */
async function items(store: Store) {
  const lines = [];
  for await (const line of store.exportJson()) lines.push(parseExported(line));
  return lines;
}

export function transferContract(name: string, makeStore: () => Promise<Store>, gate: Gate): void {
  gate.describe(`${name} store contract: export and import`, () => {
    const opened: Store[] = [];
    const open = async (): Promise<Store> => {
      const store = await makeStore();
      opened.push(store);
      await store.open();
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('gives back every field of every deployment, keys included, after export then import', async () => {
      const from = await open();
      const claim = (key: string, scope = '') => ({ scope, key, fingerprint: `f-${key}` });
      await from.record(
        d({
          env: 'prod-eu',
          app: 'Test app',
          version: 'v2.4.0',
          deployedAt: T0,
          commit: 'a1b2c3d',
          committedAt: T0 - 5 * MINUTE,
          ref: 'refs/tags/v2.4.0',
          repository: 'https://git.example.test/shop/app',
          url: 'https://example.test/app',
          pipelineUrl: 'https://ci.example.test/p/1',
          actor: 'jane',
          source: 'github',
          attributes: { region: 'eu', replicas: 3, canary: false },
          recordedBy: 'ci-token',
        }),
        claim('run-1-attempt-1', 'ci-token'),
      );
      await from.record(d({ version: '1.0.0', deployedAt: T0 }), claim('job-1'));
      await from.record(d({ version: '2.0.0', deployedAt: T0 + 2 * MINUTE }));
      await from.record(d({ version: '2.1.0', status: 'started', deployedAt: T0 + 3 * MINUTE }));
      await from.record(d({ version: '2.1.0', status: 'failure', deployedAt: T0 + 4 * MINUTE }));
      await from.record(d({ version: '1.0.0', deployedAt: T0 + 5 * MINUTE })); // a rollback
      // Back-dated between 1.0.0 and 2.0.0: arrives last, changes no flag of those after it.
      await from.record(d({ version: '1.5.0', deployedAt: T0 + MINUTE }), claim('late'));
      await from.record(d({ env: 'qa', version: '3.0.0', status: 'rolled_back' }));
      const before = await exported(from);
      expect(before).toHaveLength(8);
      expect(before.map((x) => (x as { idempotencyKey: string | null }).idempotencyKey)).toEqual([
        'run-1-attempt-1',
        'job-1',
        null,
        null,
        null,
        null,
        'late',
        null,
      ]);

      const to = await open();
      expect(await to.importMany(await items(from))).toBe(8);
      expect(await exported(to)).toEqual(before);
      // A second move of the same file adds nothing.
      expect(await to.importMany(await items(from))).toBe(0);
      for (const env of ['prod-eu', 'dev', 'qa']) {
        expect(await to.current(env)).toEqual(await from.current(env));
        expect(await to.latest(env)).toEqual(await from.latest(env));
        expect(await to.current(env, T0 + 90_000)).toEqual(await from.current(env, T0 + 90_000));
      }
      expect(await to.environments()).toEqual(await from.environments());
      expect(await to.apps()).toEqual(await from.apps());
      // And the export of the import, imported again, is the same once more.
      const again = await open();
      await again.importMany(await items(to));
      expect(await exported(again)).toEqual(before);
    });

    it('imports more than a transaction holds in one call, an id given twice added once', async () => {
      const nextId = idFactory();
      const batch = Array.from({ length: 250 }, (_, i) => {
        const at = T0 + i * 1000;
        return {
          input: d({ app: `app-${i % 7}`, version: `1.0.${i}`, deployedAt: at }),
          id: nextId(at),
          recordedAt: at,
          idempotencyKey: i % 50 === 0 ? `import-${i}` : null,
        };
      });
      const store = await open();
      const first = batch[0];
      if (first === undefined) throw new Error('no items');
      expect(await store.importMany([...batch.slice(0, 120), first, ...batch.slice(120)])).toBe(
        250,
      );
      expect(await store.importMany(batch)).toBe(0);
      const all = await exported(store);
      expect(all).toHaveLength(250);
      expect((all as { id: string }[]).map((x) => x.id)).toEqual(batch.map((b) => b.id));
      expect((await store.current('dev'))?.map((x) => `${x.app}@${x.version}`)).toEqual([
        'app-0@1.0.245',
        'app-1@1.0.246',
        'app-2@1.0.247',
        'app-3@1.0.248',
        'app-4@1.0.249',
        'app-5@1.0.243',
        'app-6@1.0.244',
      ]);
    });

    it("keeps an imported deployment's recordedAt and url, whatever instant its id holds", async () => {
      const nextId = idFactory();
      const day = 24 * 60 * MINUTE;
      const url = 'https://api.example.test/';
      // Recorded a day before its id's instant, three years after it, and an
      // id outside the ULID range (first character 8-Z), which holds none.
      const cases: [string, number, string | null][] = [
        [nextId(T0), T0 - day, url],
        [nextId(T0 + MINUTE), T0 + MINUTE + 3 * 365 * day, url],
        ['8ZZZZZZZZZZZZZZZZZZZZZZZZZ', T0 + 2 * MINUTE, null],
        [nextId(T0 + 3 * MINUTE), T0 + 3 * MINUTE, 'https://api-2.example.test/'],
      ];
      const store = await open();
      await store.importMany(
        cases.map(([id, recordedAt, u], i) => ({
          input: d({ version: `1.0.${i}`, deployedAt: T0 + i * MINUTE, url: u }),
          id,
          recordedAt,
          idempotencyKey: null,
        })),
      );
      const all = (await exported(store)) as { id: string; recordedAt: string; url: string }[];
      expect(all.map((x) => [x.id, x.recordedAt, x.url])).toEqual(
        cases.map(([id, at, u]) => [id, new Date(at).toISOString(), u]),
      );
    });

    it('places an imported environment where it arrived: after those already there', async () => {
      const store = await open();
      await store.record(d({ env: 'prod', app: 'api', deployedAt: T0 }));
      await store.record(d({ env: 'staging', app: 'web', deployedAt: T0 }));
      // The seed's data of a year before: ids of their time, imported now.
      const nextId = idFactory();
      const old = T0 - 365 * 24 * 60 * MINUTE;
      await store.importMany(
        ['legacy', 'staging'].map((env, i) => ({
          input: d({ env, app: 'old', version: '0.9.0', deployedAt: old + i }),
          id: nextId(old + i),
          recordedAt: old + i,
          idempotencyKey: null,
        })),
      );
      expect((await store.environments()).map((e) => [e.name, e.apps])).toEqual([
        ['prod', 1],
        ['staging', 2],
        ['legacy', 1],
      ]);
      expect((await store.apps()).map((a) => [a.name, a.environments])).toEqual([
        ['api', ['prod']],
        ['old', ['staging', 'legacy']],
        ['web', ['staging']],
      ]);
    });
  });
}

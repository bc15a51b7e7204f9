/**
 * The store contract: every adapter must pass it. Each adapter's test file
 * calls `storeContract(name, makeStore)` and adds only what is its own.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { Store } from '../../server/src/store/types.js';
import { MINUTE, T0, newDeployment as d } from '../helpers/deployments.js';
import { RUN, type Gate } from '../helpers/skip.js';
import { accessContract } from './contract-access.js';
import { derivedContract } from './contract-derived.js';
import { type OpenPair, instancesContract } from './contract-instances.js';
import { transferContract } from './contract-transfer.js';
import { outboxContract } from './contract-outbox.js';
import { historyContract } from './contract-history.js';

export interface ContractOptions {
  /**
   * Two stores over one fresh database, as two SVT instances would open
   * it (contract-instances.ts).
   */
  openPair: OpenPair;
  /**
   * Where the suites run, or are reported as skipped with a group and a
   * reason (an adapter whose server is not reachable here): a gate from
   * skipUnless() in test/helpers/skip.ts. Default: always run.
   */
  gate?: Gate;
}

export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  { openPair, gate = RUN }: ContractOptions,
): void {
  derivedContract(name, makeStore, gate);
  accessContract(name, makeStore, gate);
  transferContract(name, makeStore, gate);
  instancesContract(name, openPair, gate);
  outboxContract(name, makeStore, gate);
  historyContract(name, makeStore, gate);
  gate.describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
    });

    const versions = async (env: string, at?: number) =>
      (await store.current(env, at))?.map((x) => `${x.app}@${x.version}`);

    it('records every field and returns it as stored', async () => {
      const input = d({
        env: 'prod-eu',
        app: 'Test app',
        version: 'v2.4.0',
        status: 'success',
        deployedAt: T0 + 1234,
        commit: 'a1b2c3d',
        committedAt: T0 - 5 * MINUTE,
        ref: 'refs/tags/v2.4.0',
        repository: 'https://git.example.test/shop/app',
        url: 'https://example.test/app',
        pipelineUrl: 'https://ci.example.test/p/1',
        actor: 'jane',
        source: 'github',
        attributes: { region: 'eu', replicas: 3, canary: false },
      });
      const before = Date.now();
      const { deployment, previous, firstInEnv, replayed } = await store.record(input);
      expect(deployment).toEqual({
        id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        env: 'prod-eu',
        app: 'Test app',
        version: 'v2.4.0',
        status: 'success',
        deployedAt: new Date(T0 + 1234).toISOString(),
        recordedAt: expect.any(String),
        commit: 'a1b2c3d',
        committedAt: new Date(T0 - 5 * MINUTE).toISOString(),
        ref: 'refs/tags/v2.4.0',
        repository: 'https://git.example.test/shop/app',
        url: 'https://example.test/app',
        pipelineUrl: 'https://ci.example.test/p/1',
        actor: 'jane',
        source: 'github',
        attributes: { region: 'eu', replicas: 3, canary: false },
        recordedBy: null,
        idempotencyKey: null,
        rollback: false,
      });
      expect(Date.parse(deployment.recordedAt)).toBeGreaterThanOrEqual(before - 1);
      expect(await store.deployment(deployment.id)).toEqual(deployment);
      expect(await store.deployment('01K0000000000000000000000A')).toBeNull();
      expect(await store.deployment('not an id')).toBeNull();
      expect([previous, firstInEnv, replayed]).toEqual([null, true, false]);
      expect(await store.current('prod-eu')).toEqual([deployment]);
    });

    it('gives, where it has it, the v1 answer as JSON text equal to the objects', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const result = await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }));
      if (result.responseJson !== undefined) {
        expect(JSON.parse(result.responseJson)).toEqual({
          deployment: result.deployment,
          previous: result.previous,
          current: true,
        });
      }
      expect(result.previous?.version).toBe('1.0.0');
    });

    it('answers with the deployment each write replaced as current', async () => {
      const first = await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const second = await store.record(d({ version: '1.1.0', deployedAt: T0 + MINUTE }));
      expect(second.previous?.id).toBe(first.deployment.id);
      expect(second.firstInEnv).toBe(false);
      const failed = await store.record(
        d({ version: '1.2.0', status: 'failure', deployedAt: T0 + 2 * MINUTE }),
      );
      expect(failed.previous?.id).toBe(second.deployment.id);
      const other = await store.record(d({ app: 'web', deployedAt: T0 + 3 * MINUTE }));
      expect(other.previous).toBeNull();
      expect(other.firstInEnv).toBe(true);
    });

    it('keeps the latest success by deployedAt as current, whatever the arrival order', async () => {
      await store.record(d({ version: '2.0.0', deployedAt: T0 + 2 * MINUTE }));
      const late = await store.record(d({ version: '1.0.0', deployedAt: T0 + MINUTE }));
      expect(late.previous).toBeNull(); // nothing succeeded before it in deployedAt order
      expect(await versions('dev')).toEqual(['api@2.0.0']);
    });

    it('answers a late arrival with the success before it in deployedAt order, not the current one', async () => {
      // SQLite takes "previous" from the projection for in-order writes and
      // searches the per-app index only for these: both paths are covered.
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ version: '1.1.0', status: 'failure', deployedAt: T0 + MINUTE }));
      await store.record(d({ version: '3.0.0', deployedAt: T0 + 3 * MINUTE }));
      const late = await store.record(d({ version: '2.0.0', deployedAt: T0 + 2 * MINUTE }));
      expect(late.previous?.version).toBe('1.0.0');
      const next = await store.record(d({ version: '4.0.0', deployedAt: T0 + 4 * MINUTE }));
      expect(next.previous?.version).toBe('3.0.0');
      expect(await versions('dev')).toEqual(['api@4.0.0']);
    });

    it('never makes failure, started or rolled_back current; a rollback is a new success', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ version: '1.1.0', status: 'started', deployedAt: T0 + 1 * MINUTE }));
      await store.record(d({ version: '1.1.0', status: 'failure', deployedAt: T0 + 2 * MINUTE }));
      expect(await versions('dev')).toEqual(['api@1.0.0']);
      await store.record(d({ version: '1.2.0', deployedAt: T0 + 3 * MINUTE }));
      await store.record(
        d({ version: '1.2.0', status: 'rolled_back', deployedAt: T0 + 4 * MINUTE }),
      );
      const rollback = await store.record(d({ version: '1.0.0', deployedAt: T0 + 4 * MINUTE }));
      expect(rollback.previous?.version).toBe('1.2.0');
      expect(await versions('dev')).toEqual(['api@1.0.0']);
    });

    it('breaks deployedAt ties by id: the later arrival wins', async () => {
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      const second = await store.record(d({ version: '1.0.1', deployedAt: T0 }));
      expect(second.previous?.version).toBe('1.0.0');
      expect(await versions('dev')).toEqual(['api@1.0.1']);
    });

    it('tells an unknown environment (null) from one with nothing current ([])', async () => {
      expect(await store.current('nowhere')).toBeNull();
      await store.record(d({ env: 'qa', status: 'failure' }));
      expect(await store.current('qa')).toEqual([]);
    });

    it('answers the state of an environment at any past instant', async () => {
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ app: 'web', version: '5.0.0', deployedAt: T0 + 10 * MINUTE }));
      await store.record(d({ app: 'api', version: '1.1.0', deployedAt: T0 + 20 * MINUTE }));
      await store.record(
        d({ app: 'api', version: '1.2.0', status: 'failure', deployedAt: T0 + 25 * MINUTE }),
      );
      expect(await versions('dev', T0 - 1)).toEqual([]);
      expect(await versions('dev', T0)).toEqual(['api@1.0.0']); // inclusive
      expect(await versions('dev', T0 + 15 * MINUTE)).toEqual(['api@1.0.0', 'web@5.0.0']);
      expect(await versions('dev', T0 + 30 * MINUTE)).toEqual(['api@1.1.0', 'web@5.0.0']);
      expect(await versions('dev')).toEqual(['api@1.1.0', 'web@5.0.0']);
    });

    it("gives each app's latest attempt, whatever its status, now and at an instant", async () => {
      expect(await store.latest('nowhere')).toBeNull();
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ app: 'web', version: '5.0.0', deployedAt: T0 }));
      await store.record(
        d({ app: 'api', version: '1.1.0', status: 'failure', deployedAt: T0 + 10 * MINUTE }),
      );
      await store.record(
        d({ app: 'web', version: '4.0.0', status: 'started', deployedAt: T0 - MINUTE }), // backdated
      );
      const now = await store.latest('dev');
      expect(now?.map((x) => `${x.app}@${x.version}:${x.status}`)).toEqual([
        'api@1.1.0:failure',
        'web@5.0.0:success',
      ]);
      const then = await store.latest('dev', T0 + MINUTE);
      expect(then?.map((x) => `${x.app}@${x.version}:${x.status}`)).toEqual([
        'api@1.0.0:success',
        'web@5.0.0:success',
      ]);
    });

    it('gives the same deployments as JSON text through currentJson', async () => {
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0, attributes: { n: 1 } }));
      await store.record(d({ app: 'web', version: '2.0.0', deployedAt: T0 + MINUTE }));
      for (const at of [undefined, T0, T0 + MINUTE]) {
        const json = await store.currentJson('dev', at);
        expect(JSON.parse(json?.toString('utf8') ?? 'null')).toEqual(
          await store.current('dev', at),
        );
      }
      expect(await store.currentJson('nowhere')).toBeNull();
    });

    it('gives the current deployments and the open attempts together through snapshot', async () => {
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0 }));
      await store.record(
        d({ app: 'api', version: '1.1.0', status: 'failure', deployedAt: T0 + MINUTE }),
      );
      await store.record(
        d({ app: 'web', version: '2.0.0', status: 'started', deployedAt: T0 + MINUTE }),
      );
      const line = (x: { app: string; version: string }) => `${x.app}@${x.version}`;
      for (const [at, current, attempts] of [
        [undefined, ['api@1.0.0'], ['api@1.1.0', 'web@2.0.0']],
        [T0 + MINUTE, ['api@1.0.0'], ['api@1.1.0', 'web@2.0.0']],
        [T0, ['api@1.0.0'], []],
      ] as const) {
        const state = await store.snapshot('dev', at);
        expect(JSON.parse(state?.currentJson.toString('utf8') ?? 'null').map(line)).toEqual(
          current,
        );
        expect(state?.attempts.map(line)).toEqual(attempts);
      }
      expect(await store.snapshot('nowhere')).toBeNull();
      expect(await store.snapshot('nowhere', T0)).toBeNull();
    });

    it('never answers a stale current state after a write', async () => {
      const versions = async () =>
        (
          JSON.parse((await store.currentJson('dev'))?.toString() ?? '[]') as { version: string }[]
        ).map((x) => x.version);
      await store.record(d({ version: '1.0.0', deployedAt: T0 }));
      expect(await versions()).toEqual(['1.0.0']);
      expect(await versions()).toEqual(['1.0.0']);
      await store.record(d({ version: '2.0.0', deployedAt: T0 + MINUTE }));
      expect(await versions()).toEqual(['2.0.0']);
    });

    it('matches names exactly: nothing is a pattern', async () => {
      await store.record(d({ env: 'dev', app: 'a.b', version: '1.0.0' }));
      await store.record(d({ env: 'dev', app: 'axb', version: '2.0.0' }));
      await store.record(d({ env: 'devx', app: 'a.b', version: '3.0.0' }));
      expect(await versions('dev')).toEqual(['a.b@1.0.0', 'axb@2.0.0']);
      expect((await store.history({ app: 'a.b', limit: 10 })).items).toHaveLength(2);
      expect((await store.history({ env: 'd.v', limit: 10 })).items).toHaveLength(0);
      expect(await store.app('a.*')).toBeNull();
    });

    it('lists environments in first-seen order and apps by name', async () => {
      await store.record(d({ env: 'staging', app: 'web', deployedAt: T0 }));
      await store.record(d({ env: 'dev', app: 'api', deployedAt: T0 + MINUTE }));
      await store.record(
        d({ env: 'prod', app: 'api', status: 'failure', deployedAt: T0 + 2 * MINUTE }),
      );
      await store.record(d({ env: 'dev', app: 'web', deployedAt: T0 - MINUTE }));

      expect(await store.environments()).toEqual([
        { name: 'staging', apps: 1, lastDeployedAt: T0 },
        { name: 'dev', apps: 2, lastDeployedAt: T0 + MINUTE },
        { name: 'prod', apps: 1, lastDeployedAt: T0 + 2 * MINUTE },
      ]);
      expect(await store.apps()).toEqual([
        { name: 'api', environments: ['dev', 'prod'], lastDeployedAt: T0 + 2 * MINUTE },
        { name: 'web', environments: ['staging', 'dev'], lastDeployedAt: T0 },
      ]);
      const api = await store.app('api');
      expect(api?.map((e) => [e.env, e.current?.version ?? null])).toEqual([
        ['dev', '1.0.0'],
        ['prod', null],
      ]);
      expect(await store.app('nope')).toBeNull();
    });

    it('keeps exactly one current entry per app under concurrent writes', async () => {
      const writes = Array.from({ length: 200 }, (_, i) =>
        store.record(d({ app: `app-${i % 5}`, version: `1.0.${i}`, deployedAt: T0 + i })),
      );
      const results = await Promise.all(writes);
      expect(new Set(results.map((r) => r.deployment.id)).size).toBe(200);
      const current = await store.current('dev');
      expect(current?.map((x) => `${x.app}@${x.version}`)).toEqual([
        'app-0@1.0.195',
        'app-1@1.0.196',
        'app-2@1.0.197',
        'app-3@1.0.198',
        'app-4@1.0.199',
      ]);
      let count = 0;
      let page = await store.history({ limit: 100 });
      count += page.items.length;
      while (page.next !== null) {
        page = await store.history({ limit: 100, after: page.next });
        count += page.items.length;
      }
      expect(count).toBe(200);
    });

    it('keeps tokens by name and hash, revokes them, records their last use', async () => {
      expect(await store.everHadTokens()).toBe(false);
      const ci = {
        name: 'gitlab-ci',
        hash: 'a'.repeat(64),
        scopes: ['write:prod-*'],
        createdAt: T0,
      };
      await store.createToken({ ...ci, lastUsedAt: null, revokedAt: null });
      await store.createToken({
        name: 'reader',
        hash: 'b'.repeat(64),
        scopes: ['read'],
        createdAt: T0,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(await store.everHadTokens()).toBe(true);
      expect(await store.tokenByHash('a'.repeat(64))).toEqual({
        ...ci,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(await store.tokenByHash('c'.repeat(64))).toBeNull();
      await expect(
        store.createToken({
          ...ci,
          hash: 'd'.repeat(64),
          lastUsedAt: null,
          revokedAt: null,
        }),
      ).rejects.toThrow('a token named "gitlab-ci" exists already');

      await store.touchTokens(new Map([['gitlab-ci', T0 + 5 * MINUTE]]));
      await store.touchTokens(new Map([['gitlab-ci', T0 + MINUTE]])); // older: kept as is
      expect((await store.tokenByHash('a'.repeat(64)))?.lastUsedAt).toBe(T0 + 5 * MINUTE);

      expect(await store.revokeToken('gitlab-ci', T0 + 10 * MINUTE)).toBe(true);
      expect(await store.revokeToken('gitlab-ci', T0 + 11 * MINUTE)).toBe(false);
      expect(await store.revokeToken('nobody', T0)).toBe(false);
      expect(await store.tokenByHash('a'.repeat(64))).toBeNull();
      expect((await store.listTokens()).map((t) => [t.name, t.revokedAt])).toEqual([
        ['gitlab-ci', T0 + 10 * MINUTE],
        ['reader', null],
      ]);
      // A revoked name can be given to a new token.
      await store.createToken({
        ...ci,
        hash: 'e'.repeat(64),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect((await store.tokenByHash('e'.repeat(64)))?.name).toBe('gitlab-ci');
      expect(await store.revokeToken('reader', T0)).toBe(true);
      expect(await store.revokeToken('gitlab-ci', T0)).toBe(true);
      // Every token revoked: tokens were created here, so writes still need one.
      expect(await store.everHadTokens()).toBe(true);
    });

    it('prunes history before an instant, never an app’s current or latest entry', async () => {
      await store.record(d({ app: 'api', version: '1.0.0', deployedAt: T0 }));
      await store.record(d({ app: 'api', version: '1.1.0', deployedAt: T0 + MINUTE }));
      await store.record(
        d({ app: 'api', version: '1.2.0', status: 'failure', deployedAt: T0 + 2 * MINUTE }),
      );
      await store.record(d({ app: 'old', version: '7', deployedAt: T0 }));
      await store.record(d({ app: 'api', version: '2.0.0', deployedAt: T0 + 60 * MINUTE }));
      const before = await versions('dev');
      expect(await store.prune(T0 + 30 * MINUTE)).toBe(3); // api 1.0.0, 1.1.0 and the failed 1.2.0
      expect(await versions('dev')).toEqual(before);
      const left = (await store.history({ limit: 100 })).items.map((x) => `${x.app}@${x.version}`);
      expect(left).toEqual(['api@2.0.0', 'old@7']);
      expect(await store.prune(T0 + 30 * MINUTE)).toBe(0);
    });

    it('pings while open and closes safely twice', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.record(d())).rejects.toThrow(/closed/);
    });
  });
}

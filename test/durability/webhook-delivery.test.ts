/**
 * The delivery loop over a real SQLite outbox and real receivers, with its
 * timings shortened: a receiver down for a while gets every delivery once
 * it is back; a backlog of tens of megabytes is drained holding one small
 * batch in memory; two instances over one outbox never send one delivery
 * twice, and the deliveries a dead instance had claimed are taken over
 * when their leases run out.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import { parseConfig } from '../../server/src/config.js';
import { Metrics } from '../../server/src/metrics.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import type { Store } from '../../server/src/store/types.js';
import { signature } from '../../server/src/webhook-formats.js';
import { type WebhookOptions, Webhooks } from '../../server/src/webhooks.js';
import { newDeployment } from '../helpers/deployments.js';
import { closeServer, listen } from '../helpers/listen.js';
import { receiver, until } from '../helpers/receiver.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const FAST: WebhookOptions = { retryBaseMs: 50, retryMaxMs: 400, pauseMaxMs: 200, pollMs: 100 };

/** A pino logger whose lines land in `lines`. */
function capture() {
  const lines: { msg: string; [k: string]: unknown }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  return { lines, logger };
}

const hooksFor = (hooks: object[]) => parseConfig({ SVT_WEBHOOKS: JSON.stringify(hooks) }).webhooks;

let store: SqliteStore;
const loops: Webhooks[] = [];
afterEach(async () => {
  for (const loop of loops.splice(0)) await loop.stop();
  await store.close();
});

describe('the webhook delivery loop', () => {
  it('a receiver down for a while: nothing lost, each delivery once it is back, signed, logged once each way', async () => {
    store = new SqliteStore(tempDbPath());
    await store.open();
    const hook = await receiver((_, res) => res.end('ok'));
    await hook.down();
    const hooks = hooksFor([{ url: hook.url(), secret: 's' }]);
    const { lines, logger } = capture();
    const metrics = new Metrics();
    const loop = new Webhooks(
      store,
      hooks,
      { giveUpMs: 60_000, publicUrl: null },
      logger,
      metrics,
      FAST,
    );
    loops.push(loop);
    loop.start();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { deployment } = await store.record(
        newDeployment({ version: `1.0.${i}` }),
        undefined,
        loop.keys,
      );
      ids.push(`${deployment.id}-${hooks[0]?.key ?? ''}`);
      loop.poke();
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.got).toHaveLength(0);
    expect((await store.outboxStats())[0]?.pending).toBe(30);
    await hook.up();
    expect(
      await until(
        () => new Set(hook.got.map((g) => g.headers['x-svt-event-id'])).size === 30,
        10_000,
      ),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.got).toHaveLength(30); // each once: none was sent twice
    expect(hook.got.map((g) => g.headers['x-svt-event-id']).sort()).toEqual([...ids].sort());
    for (const g of hook.got) {
      const ts = String(g.headers['x-svt-timestamp']);
      expect(g.headers['x-svt-signature']).toBe(signature('s', ts, g.body));
    }
    expect(await store.outboxStats()).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /svt_webhook_deliveries_total\{hook="0",host="[^"]+",outcome="delivered"\} 30/,
    );
    expect(text).toMatch(
      /svt_webhook_deliveries_total\{hook="0",host="[^"]+",outcome="retried"\} [1-9]/,
    );
    const said = lines.map((l) => l.msg);
    expect(said.filter((m) => m.startsWith('webhook deliveries failing'))).toHaveLength(1);
    expect(said.filter((m) => m.startsWith('webhook deliveries recovered'))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('/hook');
    await hook.close();
  }, 30_000);

  it('drains a backlog of tens of megabytes holding one batch in memory', async () => {
    store = new SqliteStore(tempDbPath());
    await store.open();
    // Counts event ids, keeps no body.
    const seen = new Set<string>();
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.add(String(req.headers['x-svt-event-id']));
        res.end('ok');
      });
    });
    const port = await listen(server);
    const hooks = hooksFor([{ url: `http://127.0.0.1:${port}/hook` }]);
    // 20 attributes of 1,000 characters: about 21 KB a deployment, twice in its
    // event (it and the one it replaced): 400 make an outbox of about 17 MB,
    // more than the heap may grow by (12 MB) if the loop held it.
    const attributes = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`a${i}`, 'x'.repeat(1000)]),
    );
    const N = 400;
    const key = hooks[0]?.key ?? '';
    for (let i = 0; i < N; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          store.record(newDeployment({ version: `1.0.${i + k}`, attributes }), undefined, [key]),
        ),
      );
    }
    expect((await store.outboxStats())[0]?.pending).toBe(N);
    // Held: claimed and not yet finished, counted through the store the loop uses.
    let held = 0;
    let mostHeld = 0;
    const counting: Store = new Proxy(store, {
      get(target, prop, receiverObject) {
        const value: unknown = Reflect.get(target, prop, receiverObject);
        if (prop === 'claimDeliveries') {
          return async (...args: Parameters<Store['claimDeliveries']>) => {
            const items = await target.claimDeliveries(...args);
            held += items.length;
            mostHeld = Math.max(mostHeld, held);
            return items;
          };
        }
        if (prop === 'finishDelivery') {
          return async (...args: Parameters<Store['finishDelivery']>) => {
            const mine = await target.finishDelivery(...args);
            held -= 1;
            return mine;
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    // A full collection now and then (each one costs tens of milliseconds on a large heap).
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }, 500);
    const loop = new Webhooks(
      counting,
      hooks,
      // Never given up here (give-up is tested on its own): on a busy machine
      // recording and draining the backlog took longer than a minute, and the
      // deliveries given up meanwhile were never seen.
      { giveUpMs: 3_600_000, publicUrl: null },
      pino({ level: 'silent' }),
      null,
      FAST,
    );
    loops.push(loop);
    loop.start();
    try {
      // About 10 s on a quiet machine; each delivery is a synced transaction,
      // so a machine whose disk is busy elsewhere takes far longer. The claim
      // here is memory, not speed: the bound is generous.
      const drained = await until(() => seen.size === N, 300_000);
      expect(drained).toBe(true);
    } finally {
      clearInterval(sampler);
      await closeServer(server);
    }
    expect(mostHeld).toBeLessThanOrEqual(10);
    // The backlog was about 17 MB; the loop's heap grew by a batch's worth at most.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(12 * 1024 * 1024);
    // The receiver saw the last event before its worker had deleted it (the
    // answer comes first): the outbox empties a moment later.
    let left = await store.outboxStats();
    for (let i = 0; i < 300 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await store.outboxStats();
    }
    expect(left).toEqual([]);
  }, 330_000);

  it('two instances over one outbox never send a delivery twice; a dead one’s claims are taken over when their leases end', async () => {
    store = new SqliteStore(tempDbPath());
    await store.open();
    const hook = await receiver((_, res) => setTimeout(() => res.end('ok'), 20));
    const hooks = hooksFor([{ url: hook.url() }]);
    const key = hooks[0]?.key ?? '';
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { deployment } = await store.record(newDeployment({ version: `1.0.${i}` }), undefined, [
        key,
      ]);
      ids.push(`${deployment.id}-${key}`);
    }
    // An instance that claimed ten and died.
    const leaseMs = 1500;
    const claimedAt = Date.now();
    const dead = await store.claimDeliveries(key, 'dead', claimedAt, leaseMs, 10);
    expect(dead).toHaveLength(10);
    const settings = { giveUpMs: 60_000, publicUrl: null };
    const options = { ...FAST, leaseMs, batch: 3, takeOverAtStart: false };
    const silent = pino({ level: 'silent' });
    const counts = [new Metrics(), new Metrics()];
    const a = new Webhooks(store, hooks, settings, silent, counts[0], { ...options, owner: 'a' });
    const b = new Webhooks(store, hooks, settings, silent, counts[1], { ...options, owner: 'b' });
    loops.push(a, b);
    a.start();
    b.start();
    expect(await until(() => hook.got.length >= 30, 10_000)).toBe(true);
    // The dead instance's ten wait for its leases to end.
    const deadIds = new Set(dead.map((d) => d.id));
    const early = hook.got.filter((g) => deadIds.has(String(g.headers['x-svt-event-id'])));
    expect(early).toHaveLength(0);
    expect(await until(() => hook.got.length === 40, 10_000)).toBe(true);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(leaseMs);
    await new Promise((r) => setTimeout(r, 300));
    const sent = hook.got.map((g) => String(g.headers['x-svt-event-id']));
    expect(sent).toHaveLength(40);
    expect([...sent].sort()).toEqual([...ids].sort());
    expect(await store.outboxStats()).toEqual([]);
    // Both instances delivered: they shared the outbox.
    for (const m of counts) {
      const text = await m.registry.metrics();
      const delivered = /outcome="delivered"\} (\d+)/.exec(text)?.[1];
      expect(Number(delivered)).toBeGreaterThan(0);
    }
    await hook.close();
  }, 30_000);
});

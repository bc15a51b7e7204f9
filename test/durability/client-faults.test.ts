/**
 * The client under faults: between SvtClient and a real server, the fault
 * proxy drops connections, loses answers after the write, and answers 503
 * or 429 on a share of requests. With retries and idempotency keys, every
 * deployment is stored exactly once.
 */
import { expect, test } from '@jest/globals';
import { SvtClient } from '../../client/src/client.js';
import { faultProxy, type Fault } from '../helpers/fault-proxy.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp({ SVT_RATE_LIMIT: '0' });
const DEPLOYMENTS = Number(process.env.SVT_FAULT_DEPLOYMENTS ?? 300);

test(`${DEPLOYMENTS} deployments through a proxy that faults 40% of requests: each stored exactly once`, async () => {
  // A fixed sequence of pseudo-random choices, so that a failure replays.
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const faults: Fault[] = [
    'reset',
    'forward-then-reset',
    { status: 503 },
    { status: 429, headers: { 'retry-after': '0' } },
  ];
  const proxy = await faultProxy(svt().port, () =>
    random() < 0.4 ? faults[Math.floor(random() * faults.length)] : undefined,
  );
  try {
    const client = new SvtClient({
      baseUrl: proxy.url,
      backoff: { baseMs: 5, maxMs: 50 },
      deadlineMs: 30_000,
    });
    await Promise.all(
      Array.from({ length: DEPLOYMENTS }, (_, i) =>
        client.record(
          { env: `env-${i % 4}`, app: `app-${i % 25}`, version: `1.0.${i}` },
          { idempotencyKey: `run-1-deploy-${i}` },
        ),
      ),
    );
    const versions: string[] = [];
    let page = await svt().store.history({ limit: 100 });
    versions.push(...page.items.map((d) => d.version));
    while (page.next !== null) {
      page = await svt().store.history({ limit: 100, after: page.next });
      versions.push(...page.items.map((d) => d.version));
    }
    expect(versions).toHaveLength(DEPLOYMENTS);
    expect(new Set(versions).size).toBe(DEPLOYMENTS);
    expect(proxy.seen.length).toBeGreaterThan(DEPLOYMENTS * 1.2); // the faults did happen
  } finally {
    await proxy.close();
  }
}, 60_000);

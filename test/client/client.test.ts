import { describe, expect, test } from '@jest/globals';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { SvtClient } from '../../client/src/client.js';
import { SvtError } from '../../client/src/errors.js';
import { faultProxy } from '../helpers/fault-proxy.js';
import { clientDeployment } from '../helpers/deployments.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp();
const fast = { baseMs: 20, maxMs: 100 };

async function stored(app: string) {
  return (await svt().store.history({ app, limit: 100 })).items;
}

describe('SvtClient against a real server', () => {
  test('records, then reads back through every read method', async () => {
    const client = new SvtClient({ baseUrl: svt().url });
    const first = await client.record({ env: 'staging', app: 'reader', version: '1.0.0' });
    expect(first.replayed).toBe(false);
    expect(first.previous).toBeNull();
    expect(first.deployment).toMatchObject({
      env: 'staging',
      app: 'reader',
      version: '1.0.0',
      status: 'success',
    });
    const second = await client.record({
      env: 'staging',
      app: 'reader',
      version: '1.1.0',
      commit: 'abc1234',
    });
    expect(second.previous?.id).toBe(first.deployment.id);

    const now = await client.current('staging');
    expect(now.deployments.map((d) => d.version)).toEqual(['1.1.0']);
    const then = await client.current('staging', { at: first.deployment.deployedAt });
    expect(then.at).toBe(first.deployment.deployedAt);
    const page = await client.history({ app: 'reader', limit: 1 });
    expect(page.items.map((d) => d.version)).toEqual(['1.1.0']);
    const next = await client.history({ app: 'reader', limit: 1, cursor: page.next ?? undefined });
    expect(next.items.map((d) => d.version)).toEqual(['1.0.0']);
    expect((await client.environments()).items.map((e) => e.name)).toContain('staging');
    expect((await client.apps()).items.map((a) => a.name)).toContain('reader');
    expect((await client.app('reader')).environments).toEqual([
      { env: 'staging', current: second.deployment },
    ]);
    const since = first.deployment.deployedAt;
    const changes = await client.changes('staging', { since });
    expect(changes.items.map((d) => d.version)).toEqual(['1.1.0', '1.0.0']);
    const compared = await client.compare('staging', 'staging');
    expect(compared.items.map((i) => i.state)).toEqual(['same']);
    const dora = await client.dora({ env: 'staging', app: 'reader', window: '1d' });
    expect(dora).toMatchObject({ env: 'staging', app: 'reader', window: '1d' });
    expect(dora.deployments.success).toBe(2);
  });

  test('names with reserved URL characters reach the server intact', async () => {
    const client = new SvtClient({ baseUrl: `${svt().url}/` });
    await client.record({ env: 'qa', app: 'pay svc/v2?x=1#y', version: '2' });
    expect((await client.app('pay svc/v2?x=1#y')).environments[0]?.current?.version).toBe('2');
  });

  test('the same Idempotency-Key records once and says it replayed', async () => {
    const client = new SvtClient({ baseUrl: svt().url });
    const body = { env: 'prod', app: 'keyed', version: '3.0.0' };
    const a = await client.record(body, { idempotencyKey: 'job-1' });
    const b = await client.record(body, { idempotencyKey: 'job-1' });
    expect(b.replayed).toBe(true);
    expect(b.deployment).toEqual(a.deployment);
    expect(await stored('keyed')).toHaveLength(1);
  });

  test('a refusal is one typed error, never retried', async () => {
    const proxy = await faultProxy(svt().port, []);
    try {
      const client = new SvtClient({ baseUrl: proxy.url, backoff: fast });
      const err = await client
        .record({ env: 'bad env', app: 'x', version: '1' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SvtError);
      const e = err as SvtError;
      expect(e.status).toBe(400);
      expect(e.transient).toBe(false);
      expect(e.code).toBe('validation');
      expect(e.problem?.errors?.[0]?.path).toBe('env');
      expect(e.message).toMatch(/^SVT refused the request: 400 .*env: must be/);
      expect(proxy.seen).toHaveLength(1);
      const missing = await client.current('nowhere').catch((x: unknown) => x);
      expect(missing).toMatchObject({ status: 404, transient: false });
    } finally {
      await proxy.close();
    }
  });
});

describe('retries', () => {
  test('503, a reset, a 409 and a lost answer: one deployment stored, same body and key each time', async () => {
    const proxy = await faultProxy(svt().port, [
      { status: 503 },
      'reset',
      { status: 409, headers: { 'retry-after': '0' } },
      'forward-then-reset',
    ]);
    try {
      const notices: string[] = [];
      const client = new SvtClient({
        baseUrl: proxy.url,
        backoff: fast,
        onRetry: (r) => notices.push(r.reason),
      });
      const outcome = await client.record(
        { env: 'prod', app: 'flaky', version: '1.0.0', attributes: { region: 'eu' } },
        { idempotencyKey: 'run-7-attempt-1' },
      );
      // The fourth attempt was stored but its answer lost: the fifth is its replay.
      expect(outcome.replayed).toBe(true);
      expect(await stored('flaky')).toHaveLength(1);
      expect(proxy.seen).toHaveLength(5);
      expect(new Set(proxy.seen.map((s) => s.body)).size).toBe(1);
      expect(new Set(proxy.seen.map((s) => s.headers['idempotency-key']))).toEqual(
        new Set(['run-7-attempt-1']),
      );
      expect(notices).toHaveLength(4);
      expect(notices[0]).toMatch(/^503 /);
      expect(notices[2]).toMatch(/^409 /);
    } finally {
      await proxy.close();
    }
  });

  test("waits as long as the server's Retry-After asks", async () => {
    const proxy = await faultProxy(svt().port, [{ status: 429, headers: { 'retry-after': '1' } }]);
    try {
      const client = new SvtClient({ baseUrl: proxy.url, backoff: fast });
      const started = Date.now();
      await client.record({ env: 'prod', app: 'limited', version: '1' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(proxy.seen).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  test('gives up at the deadline with a transient error when the server never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      const client = new SvtClient({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 200,
        deadlineMs: 900,
        backoff: fast,
      });
      const err = (await client
        .record({ env: 'p', app: 'a', version: '1' })
        .catch((e: unknown) => e)) as SvtError;
      expect(err).toBeInstanceOf(SvtError);
      expect(err.transient).toBe(true);
      expect(err.status).toBeNull();
      expect(err.attempts).toBeGreaterThanOrEqual(2);
      expect(err.message).toMatch(/unreachable or failing: no answer within 0\.[12] s/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  test('a 5xx that outlasts the deadline ends as a transient error carrying the last answer', async () => {
    const proxy = await faultProxy(
      svt().port,
      Array.from({ length: 50 }, () => ({ status: 502 })),
    );
    try {
      const client = new SvtClient({ baseUrl: proxy.url, backoff: fast, deadlineMs: 400 });
      const err = (await client.apps().catch((e: unknown) => e)) as SvtError;
      expect(err).toMatchObject({ status: 502, transient: true });
      expect(proxy.seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  test('a redirect or a body that is not JSON is an error, not a crash; a redirect is not followed', async () => {
    const redirect = await faultProxy(svt().port, [
      { status: 301, headers: { location: 'https://svt.example.com/api/v1/deployments' } },
    ]);
    const html = await faultProxy(svt().port, [
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
    ]);
    try {
      const moved = (await new SvtClient({ baseUrl: redirect.url })
        .record({ env: 'p', app: 'moved', version: '1' })
        .catch((e: unknown) => e)) as SvtError;
      expect(moved).toMatchObject({ status: 301, transient: false });
      expect(moved.message).toContain(
        'redirects (301) to https://svt.example.com/api/v1/deployments',
      );
      expect(redirect.seen).toHaveLength(1);
      const page = (await new SvtClient({ baseUrl: html.url })
        .apps()
        .catch((e: unknown) => e)) as SvtError;
      expect(page).toBeInstanceOf(SvtError);
      expect(page.message).toBe(
        'SVT answered 200 with a body that is not JSON: "<html>login</html>"',
      );
    } finally {
      await redirect.close();
      await html.close();
    }
  });

  test('a 1.0 server, which says nothing of current or attempts: a success is taken as current, no attempts', async () => {
    // The answers of a 1.0 server (hand-written: this one is newer), then the real one.
    // No rollback field: JSON leaves undefined out.
    const old = { ...clientDeployment({ status: 'failure' }), rollback: undefined };
    const json = { 'content-type': 'application/json' };
    const proxy = await faultProxy(svt().port, [
      { status: 201, headers: json, body: JSON.stringify({ deployment: old, previous: null }) },
      {
        status: 201,
        headers: json,
        body: JSON.stringify({ deployment: { ...old, status: 'success' }, previous: null }),
      },
      {
        status: 200,
        headers: json,
        body: JSON.stringify({ env: 'prod', at: null, deployments: [old] }),
      },
    ]);
    try {
      const client = new SvtClient({ baseUrl: proxy.url });
      const request = { env: 'prod', app: 'api', version: '1.0.0' };
      expect((await client.record({ ...request, status: 'failure' })).current).toBe(false);
      expect((await client.record(request)).current).toBe(true);
      expect((await client.current('prod')).attempts).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  test('refuses a server URL that is not http(s)', () => {
    expect(() => new SvtClient({ baseUrl: 'svt.example.com' })).toThrow(
      'server URL must be an http(s) URL, got "svt.example.com"',
    );
  });
});

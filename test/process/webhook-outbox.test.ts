/**
 * The outbox across a SIGKILL of a real server process: deployments are
 * acknowledged, the receiver takes five deliveries and holds the sixth
 * open, and the process is killed with deliveries claimed and in flight.
 * After a restart on the same file every acknowledged deployment reaches
 * the receiver: the five it took are not sent again, the one in flight and
 * the rest are, each exactly once, each with its stable event id.
 */
import { afterAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { hookKey } from '../../server/src/webhook-config.js';
import { signature } from '../../server/src/webhook-formats.js';
import { call, type ServerProcess, startServer } from '../helpers/process.js';
import { receiver, until } from '../helpers/receiver.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const N = 40;

test('every deployment acknowledged before a SIGKILL is delivered after the restart, once, with its event id', async () => {
  let phase: 'before' | 'after' = 'before';
  const held: ServerResponse[] = [];
  /** Event ids the receiver answered 200 to, in order, by phase. */
  const accepted: Record<'before' | 'after', string[]> = { before: [], after: [] };
  const hook = await receiver((req, res, n) => {
    if (phase === 'before' && n > 5) {
      held.push(res); // in flight when the process dies
      return;
    }
    accepted[phase].push(String(req.headers['x-svt-event-id']));
    res.end('ok');
  });
  const env = {
    SVT_DB: join(tempDir('svt-outbox-'), 'svt.db'),
    SVT_WEBHOOKS: JSON.stringify([{ url: hook.url(), secret: 'shh' }]),
    SVT_RATE_LIMIT: '0',
  };
  const key = hookKey('json', hook.url());
  let server: ServerProcess = await startServer(env);
  try {
    const acked: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await call(server.port, 'POST', '/api/v1/deployments', {
        env: 'prod',
        app: `app-${i % 4}`,
        version: `1.0.${i}`,
      });
      expect(res.status).toBe(201);
      acked.push((JSON.parse(res.body) as { deployment: { id: string } }).deployment.id);
    }
    expect(await until(() => held.length === 1, 20_000)).toBe(true);
    server.proc.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    expect(accepted.before).toHaveLength(5);

    phase = 'after';
    server = await startServer(env);
    const expected = acked.map((id) => `${id}-${key}`);
    const all = () => new Set([...accepted.before, ...accepted.after]).size === N;
    expect(await until(all, 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // and nothing more comes

    expect([...accepted.before, ...accepted.after].sort()).toEqual([...expected].sort());
    // Exactly once each: the five taken before the kill were marked delivered then.
    expect(accepted.after).toHaveLength(N - 5);
    // The one in flight at the kill was sent again after the restart, with its id.
    const inFlight = hook.got[5];
    expect(accepted.after).toContain(String(inFlight?.headers['x-svt-event-id']));
    // Every request, before and after: the id in the header and body, for that deployment, signed.
    for (const got of hook.got) {
      const body = JSON.parse(got.body) as { eventId: string; deployment: { id: string } };
      expect(got.headers['x-svt-event-id']).toBe(`${body.deployment.id}-${key}`);
      expect(body.eventId).toBe(got.headers['x-svt-event-id']);
      const ts = String(got.headers['x-svt-timestamp']);
      expect(got.headers['x-svt-signature']).toBe(signature('shh', ts, got.body));
    }
    const metrics = await call(server.port, 'GET', '/metrics');
    expect(metrics.body).toMatch(/svt_webhook_outbox_pending\{hook="0",host="[^"]+"\} 0/);
  } finally {
    server.proc.kill('SIGTERM');
    await server.exited;
    for (const res of held) res.destroy();
    await hook.close();
  }
}, 90_000);

test('SIGTERM with a delivery in flight to a receiver that hangs: the process exits at once, and the delivery goes after the restart', async () => {
  let hang = true;
  const held: ServerResponse[] = [];
  const hook = await receiver((_, res) => (hang ? held.push(res) : res.end('ok')));
  const env = {
    SVT_DB: join(tempDir('svt-outbox-'), 'svt.db'),
    SVT_WEBHOOKS: JSON.stringify([{ url: hook.url() }]),
  };
  let server = await startServer(env);
  try {
    const res = await call(server.port, 'POST', '/api/v1/deployments', {
      env: 'prod',
      app: 'api',
      version: '1.0.0',
    });
    expect(res.status).toBe(201);
    expect(await until(() => held.length === 1)).toBe(true);
    const stopping = Date.now();
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    hang = false;
    server = await startServer(env);
    expect(await until(() => hook.got.length === 2, 10_000)).toBe(true);
    expect(hook.got[1]?.headers['x-svt-event-id']).toBe(hook.got[0]?.headers['x-svt-event-id']);
  } finally {
    server.proc.kill('SIGTERM');
    await server.exited;
    for (const res of held) res.destroy();
    await hook.close();
  }
}, 60_000);

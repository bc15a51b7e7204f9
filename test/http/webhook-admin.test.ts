/**
 * Deliveries are visible and recoverable: a delivery its receiver keeps
 * refusing is given up after SVT_WEBHOOK_GIVE_UP, listed by the admin API
 * (admin tokens only), counted in /metrics, and sent again, with the same
 * event id, when an admin asks once the receiver is back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hookKey } from '../../server/src/webhook-config.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { newDeployment } from '../helpers/deployments.js';
import { type Receiver, receiver, until } from '../helpers/receiver.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

const BASE = '/api/v1/webhooks/deliveries';

interface Delivery {
  id: string;
  hook: { index: number; host: string } | null;
  state: string;
  attempts: number;
  nextAttemptAt: string | null;
  failedAt: string | null;
  lastError: string | null;
  lastStatus: number | null;
  deployment: Record<string, string>;
}

describe('the webhook deliveries API', () => {
  let t: TestApp;
  let hook: Receiver;
  let healthy = false;
  let admin = '';
  let reader = '';
  let deploymentId = '';

  const list = (query = '', token = admin) =>
    request(t.callback).get(`${BASE}${query}`).set('Authorization', `Bearer ${token}`);
  const redeliver = (id: string, token = admin) =>
    request(t.callback).post(`${BASE}/${id}/redeliver`).set('Authorization', `Bearer ${token}`);
  const metric = async (name: string, labels: string) => {
    const text = (await request(t.callback).get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line === undefined ? null : Number(line.split(' ').pop());
  };

  beforeAll(async () => {
    hook = await receiver((_, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end();
    });
    t = await testApp({
      SVT_WEBHOOKS: JSON.stringify([{ url: hook.url() }]),
      SVT_WEBHOOK_GIVE_UP: '1s',
    });
    admin = await issueToken(t.store, 'root', ['admin']);
    reader = await issueToken(t.store, 'reader', ['read']);
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .set('Authorization', `Bearer ${admin}`)
      .send({ env: 'prod', app: 'api', version: '1.0.0' })
      .expect(201);
    deploymentId = res.body.deployment.id;
    // Refused, retried until the second since its recording, then given up.
    const given = await until(() => hook.got.length >= 2, 10_000);
    expect(given).toBe(true);
    let failed: Delivery[] = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) {
      failed = (await list()).body.items as Delivery[];
      if (failed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await t.store.close();
    await hook.close();
    removeTempDirs();
  });

  it('lists a given-up delivery: its event id, hook (index and host, never the URL), attempts, last error', async () => {
    const res = await list().expect(200);
    const items = res.body.items as Delivery[];
    expect(items).toHaveLength(1);
    const [d] = items;
    expect(d).toMatchObject({
      id: `${deploymentId}-${hookKey('json', hook.url())}`,
      hook: { index: 0, host: `127.0.0.1:${hook.port}` },
      state: 'failed',
      nextAttemptAt: null,
      lastError: 'HTTP 503',
      lastStatus: 503,
      deployment: {
        id: deploymentId,
        env: 'prod',
        app: 'api',
        version: '1.0.0',
        status: 'success',
      },
    });
    expect(d?.attempts).toBe(hook.got.length);
    expect(d?.attempts).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(res.body)).not.toContain('/hook');
    expect((await list('?state=pending').expect(200)).body.items).toEqual([]);
  });

  it('counts it in /metrics: given up, none pending', async () => {
    const labels = `hook="0",host="127.0.0.1:${hook.port}"`;
    expect(await metric('svt_webhook_deliveries_total', `${labels},outcome="given_up"`)).toBe(1);
    expect(await metric('svt_webhook_deliveries_total', `${labels},outcome="delivered"`)).toBe(0);
    expect(
      await metric('svt_webhook_deliveries_total', `${labels},outcome="retried"`),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric('svt_webhook_outbox_failed', labels)).toBe(1);
    expect(await metric('svt_webhook_outbox_pending', labels)).toBe(0);
    expect(await metric('svt_webhook_outbox_oldest_seconds', labels)).toBe(0);
  });

  it('is for admin tokens only; bad parameters are 400s', async () => {
    await request(t.callback).get(BASE).expect(401);
    await list('', reader).expect(403);
    const id = `${deploymentId}-${hookKey('json', hook.url())}`;
    await request(t.callback).post(`${BASE}/${id}/redeliver`).expect(401);
    await redeliver(id, reader).expect(403);
    await redeliver(id).set('Origin', 'https://evil.example').expect(403); // a browser's POST from another origin
    const bad = await list('?state=gone&limit=0').expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['limit', 'state']);
    await redeliver('not-an-id').expect(400);
    // Still failed: none of these redelivered it.
    expect((await list()).body.items).toHaveLength(1);
  });

  it('redelivers it, with the same event id, once the receiver is back; then it is gone', async () => {
    healthy = true;
    const id = `${deploymentId}-${hookKey('json', hook.url())}`;
    const before = hook.got.length;
    const res = await redeliver(id).expect(202);
    expect(res.body.delivery).toMatchObject({ id, state: 'pending', failedAt: null });
    expect(await until(() => hook.got.length === before + 1)).toBe(true);
    const last = hook.got[hook.got.length - 1];
    expect(last?.headers['x-svt-event-id']).toBe(id);
    expect(JSON.parse(last?.body ?? '').eventId).toBe(id);
    await new Promise((r) => setTimeout(r, 200)); // its finish recorded
    expect((await list()).body.items).toEqual([]);
    expect((await list('?state=pending')).body.items).toEqual([]);
    const labels = `hook="0",host="127.0.0.1:${hook.port}"`;
    expect(await metric('svt_webhook_deliveries_total', `${labels},outcome="delivered"`)).toBe(1);
    // Delivered ones are not kept.
    await redeliver(id).expect(404);
  });

  it('will not redeliver to a hook no longer configured: 409; its backlog shows as `removed`', async () => {
    const gone = 'ffffffffffff';
    const { deployment } = await t.store.record(newDeployment(), undefined, [gone]);
    const res = await redeliver(`${deployment.id}-${gone}`).expect(409);
    expect(res.body.type).toBe('urn:svt:problem:hook-not-configured');
    expect(await metric('svt_webhook_outbox_pending', 'hook="removed",host=""')).toBe(1);
    const pending = (await list('?state=pending')).body.items as Delivery[];
    expect(pending.map((p) => [p.id, p.hook])).toEqual([[`${deployment.id}-${gone}`, null]]);
  });
});

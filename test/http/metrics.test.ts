/**
 * `/metrics` in Prometheus's text format: requests by route template and
 * status, latency histograms, deployments by environment and source (replays
 * not counted twice), store operation latency, process metrics; labels
 * bounded; read access as for any read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { LABEL_LIMIT } from '../../server/src/metrics.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

/** The value of the sample `name{labels}` in an exposition, or undefined. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.store.close();
  });

  it('counts requests, deployments and store operations, with bounded labels', async () => {
    const body = { env: 'prod', app: 'api', version: '1.0.0', source: 'github' };
    const post = () =>
      request(t.callback).post('/api/v1/deployments').set('Idempotency-Key', 'k1').send(body);
    await post().expect(201);
    await post().expect(201); // a replay
    await request(t.callback)
      .post('/create')
      .send({ env: 'prod', name: 'web', version: '2.0.0' })
      .expect(200); // the seed's answer
    await request(t.callback).get('/api/v1/environments/prod').expect(200);
    await request(t.callback).get('/api/v1/environments/nowhere').expect(404);
    await request(t.callback).get('/no/such/page').expect(404);
    await request(t.callback).post('/api/v1/deployments').send({ env: 'prod' }).expect(400);

    const res = await request(t.callback).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    const requests = (route: string, status: string, method = 'GET') =>
      sample(text, 'svt_http_requests_total', { method, route, status });
    expect(requests('/api/v1/deployments', '201', 'POST')).toBe(2);
    expect(requests('/api/v1/deployments', '400', 'POST')).toBe(1);
    // The template, never the environment's name.
    expect(requests('/api/v1/environments/:env', '200')).toBe(1);
    expect(requests('/api/v1/environments/:env', '404')).toBe(1);
    expect(requests('unmatched', '404')).toBe(1);
    expect(text).not.toContain('nowhere');
    expect(
      sample(text, 'svt_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v1/deployments',
      }),
    ).toBe(3);
    // Recorded deployments: the replay is not a second one; the legacy route counts too.
    expect(
      sample(text, 'svt_deployments_recorded_total', {
        env: 'prod',
        source: 'github',
        status: 'success',
      }),
    ).toBe(1);
    expect(
      sample(text, 'svt_deployments_recorded_total', {
        env: 'prod',
        source: 'legacy',
        status: 'success',
      }),
    ).toBe(1);
    expect(
      sample(text, 'svt_store_operation_duration_seconds_count', {
        operation: 'record',
        outcome: 'ok',
      }),
    ).toBe(3); // the replay reads its first answer through record too
    expect(
      sample(text, 'svt_store_operation_duration_seconds_count', {
        operation: 'snapshot',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'svt_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'svt_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it(`keeps at most ${LABEL_LIMIT} sources as labels, then says other`, async () => {
    for (let i = 0; i <= LABEL_LIMIT; i++) {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'dev', app: 'api', version: `1.0.${i}`, source: `ci-${i}` })
        .expect(201);
    }
    const text = (await request(t.callback).get('/metrics').expect(200)).text;
    const sources = new Set(
      [...text.matchAll(/^svt_deployments_recorded_total\{[^}]*source="([^"]*)"/gm)].map(
        (m) => m[1],
      ),
    );
    expect(sources.size).toBeLessThanOrEqual(LABEL_LIMIT + 1);
    expect(sources).toContain('other');
  });
});

describe('/metrics with reads closed', () => {
  it('needs a read token, like any read', async () => {
    const t = await testApp({ SVT_READ_AUTH: 'token' });
    try {
      await request(t.callback).get('/metrics').expect(401);
      const token = await issueToken(t.store, 'prometheus', ['read']);
      const res = await request(t.callback)
        .get('/metrics')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.text).toContain('svt_http_requests_total');
    } finally {
      await t.store.close();
    }
  });
});

/**
 * Property tests: whatever a client sends, the answer is a 2xx or a 4xx
 * problem+json (never a 5xx), a refused request stores nothing, and what is
 * stored obeys the data model's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { parseDeployment } from '../../server/src/validation/deployment.js';
import { type TestApp, testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const FIELDS = ['env', 'app', 'version', 'status', 'deployedAt', 'commit', 'committedAt', 'ref'];
const MORE = ['url', 'pipelineUrl', 'actor', 'source', 'attributes', '__proto__', 'constructor'];

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'dev',
    'prod-eu',
    'api',
    '1.2.3',
    'v2',
    'success',
    'failure',
    '2026-01-01T00:00:00Z',
  ),
  fc.constantFrom('https://x.test/', 'javascript:alert(1)', '\u0000', '<script>', ' a ', '$gt'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.string(), scalar),
);
/** Mostly valid bodies, so that accepted writes are exercised too. */
const likely = (good: string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 4 }, { arbitrary: scalar, weight: 1 });
const nearlyValid = fc.record(
  {
    env: likely(['dev', 'prod-eu', 'k8s']),
    app: fc.oneof(likely(['api', 'Test app', 'a.b']), fc.string({ minLength: 1 })),
    version: fc.oneof(likely(['1.2.3', 'v2.4.0', '9fceb02']), fc.string({ minLength: 1 })),
    status: likely(['success', 'failure', 'started', 'rolled_back']),
    url: likely(['https://x.test/', 'http://y.test/a?b=c']),
    attributes: fc.dictionary(
      fc.oneof(fc.constantFrom('team', 'region', 'n'), fc.string()),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ['env', 'app', 'version'] },
);
/** Bodies near the valid ones: known keys, a few odd ones, values of any type. */
const body = fc.oneof(
  nearlyValid,
  fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS, ...MORE, '$where'), fc.string()), value, {
    maxKeys: 12,
  }),
  fc.record(
    { env: scalar, app: scalar, version: scalar, attributes: fc.dictionary(fc.string(), value) },
    { requiredKeys: ['env', 'app', 'version'] },
  ),
  fc.jsonValue(),
);

describe('any request', () => {
  let t: TestApp;
  let stored = 0;
  beforeAll(async () => {
    t = await testApp();
  });

  const count = async (): Promise<number> => {
    let n = 0;
    let page = await t.store.history({ limit: 100 });
    n += page.items.length;
    while (page.next !== null) {
      page = await t.store.history({ limit: 100, after: page.next });
      n += page.items.length;
    }
    return n;
  };

  const expectAnswer = async (res: request.Response): Promise<void> => {
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.status).toBe(res.status);
      expect(typeof res.body.detail).toBe('string');
    }
    if (res.status === 200 || res.status === 201) stored += 1;
    expect(await count()).toBe(stored);
  };

  it('POST /api/v1/deployments with any JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        await expectAnswer(
          await request(t.callback)
            .post('/api/v1/deployments')
            .send(JSON.stringify(b))
            .type('json'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('POST /api/v1/deployments with any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const res = await request(t.callback)
          .post('/api/v1/deployments')
          .set('Content-Type', 'application/json')
          .serialize((b: unknown) => b as string)
          .send(Buffer.from(bytes));
        await expectAnswer(res);
      }),
      { numRuns: 200 },
    );
  });

  it('POST /create with any JSON or form body', async () => {
    const legacy = fc.oneof(
      body.map((b) => JSON.stringify(b)),
      nearlyValid.map(({ env, app, version }) => JSON.stringify({ env, name: app, version })),
      fc.dictionary(fc.string(), fc.string()).map((d) => new URLSearchParams(d).toString()),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(legacy, async (text) => {
        await expectAnswer(await request(t.callback).post('/create').type('form').send(text));
      }),
      { numRuns: 300 },
    );
  });

  it('GET routes with any path segment and query', async () => {
    const segment = fc.string().map(encodeURIComponent);
    const query = fc.dictionary(
      fc.constantFrom(
        'env',
        'app',
        'status',
        'since',
        'until',
        'limit',
        'cursor',
        'at',
        'window',
        'from',
        'to',
        'x',
      ),
      fc.oneof(fc.string(), fc.constantFrom('30d', '24h', '9999w', '0d', '2026-01-01', 'dev')),
    );
    await fc.assert(
      fc.asyncProperty(segment, query, async (seg, q) => {
        const qs = new URLSearchParams(q).toString();
        for (const path of [`/api/v1/environments/${seg}`, `/api/v1/apps/${seg}`, `/list/${seg}`]) {
          const res = await request(t.callback).get(`${path}?${qs}`);
          expect(res.status).toBeLessThan(500);
        }
        for (const path of [
          '/api/v1/deployments',
          '/api/v1/changes',
          '/api/v1/compare',
          '/api/v1/dora',
          '/dora',
          '/compare',
        ]) {
          const res = await request(t.callback).get(`${path}?${qs}`);
          expect([path, qs, res.status < 500]).toEqual([path, qs, true]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stored only deployments that obey the rules', async () => {
    const page = await t.store.history({ limit: 100 });
    expect(stored).toBeGreaterThan(0); // the generators do reach valid bodies (about 20 a run)
    for (const d of page.items) {
      const { env, app, version, status, deployedAt, commit, committedAt, ref, url, pipelineUrl } =
        d;
      const { actor, source, attributes } = d;
      const again = {
        env,
        app,
        version,
        status,
        commit,
        committedAt,
        ref,
        url,
        pipelineUrl,
        actor,
        source,
        attributes,
      };
      // Every stored deployment passes validation again (deployedAt aside: it may be "now").
      expect(() =>
        parseDeployment(again, {
          versionPattern: null,
          now: Date.parse(deployedAt),
          recordedBy: null,
        }),
      ).not.toThrow();
    }
  });
});

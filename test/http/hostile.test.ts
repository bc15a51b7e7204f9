/**
 * Hostile input, at volume: at least 10,000 generated requests per write
 * route and for the read routes (SVT_FUZZ_RUNS to change it), over one
 * real listening server: random JSON, operator objects, prototype keys,
 * deep nesting, huge strings, invalid UTF-8, wrong content types, forged
 * cursors, bad instants, odd headers. Never a 5xx; a 4xx is always
 * problem+json; nothing refused is stored; the server goes on serving.
 */
import { beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { useListeningApp } from '../helpers/listen.js';

const RUNS = Number(process.env.SVT_FUZZ_RUNS ?? 10_000);
const svt = useListeningApp({ SVT_RATE_LIMIT: '0', SVT_AUTH_FAIL_LIMIT: '0' });
let accepted = 0;

beforeAll(() => {
  accepted = 0;
});

/** A URL component; a lone surrogate cannot be encoded, so it becomes U+FFFD as a browser would send it. */
const enc = (s: string) => encodeURIComponent(s.toWellFormed());

const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '.*',
    '(a+)+$',
    '$where',
    '{"$gt":""}',
    '\u0000',
    '\uD800',
    '<script>alert(1)</script>',
    'javascript:alert(1)',
    ' ',
    '../../etc/passwd',
    'a'.repeat(2000),
  ),
);
const operator = fc.constantFrom(
  { $ne: '' },
  { $gt: '' },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  { $in: ['a'] },
);
const fieldValue = fc.oneof(
  nastyString,
  operator,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 3 }),
);

/** Raw request bodies: text, some of it not even JSON, some not UTF-8. */
const rawBody: fc.Arbitrary<{ bytes: Buffer; type: string | null }> = fc.oneof(
  // Near-valid deployments with hostile values in one or more fields.
  fc
    .record(
      {
        env: fc.oneof(fc.constantFrom('dev', 'prod'), fieldValue),
        app: fc.oneof(fc.constantFrom('api', 'a.b'), fieldValue),
        version: fc.oneof(fc.constantFrom('1.2.3', 'v2'), fieldValue),
        name: fc.oneof(fc.constantFrom('api'), fieldValue),
        attributes: fc.oneof(fc.dictionary(nastyString, fieldValue, { maxKeys: 25 }), fieldValue),
        url: fieldValue,
        deployedAt: fc.oneof(
          fc.constantFrom('2026-01-01T00:00:00Z', '2999-01-01T00:00:00Z', 'yesterday'),
          fieldValue,
        ),
      },
      { requiredKeys: [] },
    )
    .map((o) => ({ bytes: Buffer.from(JSON.stringify(o)), type: 'application/json' })),
  // Prototype keys, which JSON.stringify would not write.
  fc
    .constantFrom(
      '{"env":"dev","app":"api","version":"1.0.0","__proto__":{"polluted":true}}',
      '{"env":"dev","app":"api","version":"1.0.0","constructor":{"prototype":{"polluted":true}}}',
      '{"env":"dev","app":"api","version":"1.0.0","attributes":{"__proto__":"x"}}',
      '{"env":"dev","name":"api","version":"1.0.0","constructor.prototype.polluted":"1"}',
    )
    .map((t) => ({ bytes: Buffer.from(t), type: 'application/json' })),
  // Deep nesting.
  fc.integer({ min: 100, max: 20_000 }).map((depth) => ({
    bytes: Buffer.from(
      `{"env":"dev","app":"api","version":"1","attributes":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ),
    type: 'application/json',
  })),
  // Huge strings, past the 64 KB body limit or just under it.
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => ({
    bytes: Buffer.from(
      JSON.stringify({ env: 'dev', app: 'api', version: '1', commit: 'x'.repeat(n) }),
    ),
    type: 'application/json',
  })),
  // Any JSON at all, any bytes at all.
  fc
    .jsonValue()
    .map((v) => ({ bytes: Buffer.from(JSON.stringify(v) ?? 'null'), type: 'application/json' })),
  fc
    .uint8Array({ maxLength: 300 })
    .map((b) => ({ bytes: Buffer.from(b), type: 'application/json' })),
  // Wrong or missing content types, form bodies.
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        null,
      ),
      nastyString,
    )
    .map(([type, text]) => ({
      bytes: Buffer.from(
        type === 'application/x-www-form-urlencoded'
          ? `env=dev&name=${enc(text)}&version=1.0.0`
          : text,
      ),
      type,
    })),
);

const headerValue = fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s));

async function send(
  path: string,
  bytes: Buffer,
  type: string | null,
  key: string | null,
  auth: string | null,
) {
  const headers: Record<string, string> = {};
  if (type !== null) headers['content-type'] = type;
  if (key !== null) headers['idempotency-key'] = key;
  if (auth !== null) headers.authorization = auth;
  return fetch(svt().url + path, { method: 'POST', headers, body: bytes });
}

async function expectProblemOrSuccess(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text).status).toBe(res.status);
  } else if (!(res.headers.get('idempotent-replayed') === 'true')) {
    accepted += 1;
  }
}

for (const path of ['/api/v1/deployments', '/create']) {
  test(`POST ${path}: ${RUNS} hostile requests, never a 5xx`, async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.option(headerValue, { nil: null }),
        fc.option(fc.oneof(headerValue, fc.constantFrom('Bearer', 'Bearer svt_x', 'Basic Og==')), {
          nil: null,
          freq: 8,
        }),
        async ({ bytes, type }, key, auth) =>
          expectProblemOrSuccess(await send(path, bytes, type, key, auth)),
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
}

test(`GET routes: ${RUNS} hostile paths and queries, never a 5xx`, async () => {
  const routes = [
    '/api/v1/deployments',
    '/api/v1/environments/dev',
    '/api/v1/compare',
    '/list',
    '/env/dev',
    '/app/api',
    '/compare',
  ];
  const param = fc.oneof(
    fc.constantFrom(
      'env',
      'app',
      'status',
      'since',
      'until',
      'limit',
      'cursor',
      'at',
      'from',
      'to',
      'name',
      '__proto__',
      'constructor',
    ),
    fc.string({ maxLength: 10 }),
  );
  const paramValue = fc.oneof(
    nastyString,
    fc.constantFrom(
      '2026-02-30',
      '2026-01-01T25:00:00Z',
      '+275760-09-13T00:00:00Z',
      '-1',
      '1e3',
      '0x10',
      'eyJ2IjoxLCJ0IjotMSwiaSI6IngiLCJmIjoieCJ9',
      'eyJ2IjoxfQ',
      '%',
      '%zz',
    ),
    fc.base64String({ maxLength: 60 }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.array(fc.tuple(param, paramValue), { maxLength: 4 }),
      fc.option(nastyString, { nil: null }),
      async (route, params, segment) => {
        const base = segment === null ? route : route.replace(/\/(dev|api)$/, `/${enc(segment)}`);
        const query = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
        const res = await fetch(`${svt().url}${base}${query === '' ? '' : `?${query}`}`, {
          redirect: 'manual',
        });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      },
    ),
    { numRuns: RUNS },
  );
}, 300_000);

test('exactly what was acknowledged is stored, nothing is polluted, and the server still serves', async () => {
  let stored = 0;
  let page = await svt().store.history({ limit: 100 });
  stored += page.items.length;
  while (page.next !== null) {
    page = await svt().store.history({ limit: 100, after: page.next });
    stored += page.items.length;
  }
  expect(stored).toBe(accepted);
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect((await fetch(`${svt().url}/healthz`)).status).toBe(200);
  const ok = await fetch(`${svt().url}/api/v1/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ env: 'dev', app: 'after-fuzz', version: '1.0.0' }),
  });
  expect(ok.status).toBe(201);
});

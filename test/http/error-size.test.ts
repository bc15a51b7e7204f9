/**
 * What an error answer echoes is bounded (errors.ts ECHO_LIMITS): the
 * worst 64 KB bodies, query strings and paths get answers of a few KB, in
 * well under a second, that still say how many fields were wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ECHO_LIMITS, cut } from '../../server/src/errors.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const LIMIT = 64 * 1024 - 64;

/** Keys made by `key(i)`, added to `base` until the object's JSON reaches about 64 KB. */
function manyKeys(key: (i: number) => string, base: Record<string, unknown> = {}): string {
  let text = JSON.stringify(base).slice(0, -1);
  for (let i = 0; ; i++) {
    const next = `${text}${text.length > 1 ? ',' : ''}${JSON.stringify(key(i))}:1`;
    if (next.length + 1 > LIMIT) return `${text}}`;
    text = next;
  }
}

/** `{"$":0,"<key>":{...}}` nested until about 64 KB: one reserved key at every depth. */
function nestedReserved(key: string): string {
  let text = '{}';
  for (;;) {
    const next = `{"$":0,${JSON.stringify(key)}:${text}}`;
    if (next.length > LIMIT) return text;
    text = next;
  }
}

const deployment = { env: 'dev', app: 'api', version: '1.0.0' };

const BODIES: [string, string][] = [
  ['thousands of unknown fields', manyKeys((i) => `k${i}`, deployment)],
  ['thousands of reserved keys', manyKeys((i) => `$${i}`)],
  [
    'thousands of bad attribute keys',
    JSON.stringify({ ...deployment, attributes: JSON.parse(manyKeys((i) => `_${i}`)) as unknown }),
  ],
  ['a reserved key at every depth', nestedReserved('aaaaaaaaaa')],
  ['long keys at every depth', nestedReserved('x'.repeat(1000))],
  ['control characters in keys', manyKeys((i) => `\u0001`.repeat(200) + String(i), deployment)],
  ['one 60,000-character key', JSON.stringify({ ...deployment, ['x'.repeat(60_000)]: 1 })],
  ['many long unknown keys', manyKeys((i) => 'x'.repeat(200) + String(i))],
];

describe('error answers are bounded', () => {
  it('cut: at most the bytes asked for, in JSON, with an ellipsis; never half a character', () => {
    expect(cut('abc', 10)).toBe('abc');
    expect(cut('a'.repeat(300), 200)).toBe(`${'a'.repeat(197)}…`);
    // \u0001 is written \u0001 in JSON: 6 bytes each.
    expect(cut('\u0001'.repeat(100), 20)).toBe('\u0001\u0001…');
    // An emoji is a surrogate pair, 4 bytes; never split.
    expect(cut('😀'.repeat(10), 10)).toBe('😀…');
    expect(cut('😀'.repeat(10), 9)).toBe('😀…');
  });

  it.each(BODIES)('%s: a 400 of a few KB that still counts them', async (_, body) => {
    for (const path of ['/api/v1/deployments', '/create']) {
      const res = await request(t.callback)
        .post(path)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(Buffer.byteLength(res.text)).toBeLessThan(6 * 1024);
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(res.body.errors.length).toBeLessThanOrEqual(ECHO_LIMITS.errors);
      for (const e of res.body.errors as { path: string; message: string }[]) {
        expect(Buffer.byteLength(JSON.stringify(e.path))).toBeLessThanOrEqual(ECHO_LIMITS.path + 2);
      }
    }
    expect((await t.store.history({ limit: 1 })).items).toHaveLength(0);
  });

  it('the detail says how many fields were wrong when only the first are listed', async () => {
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send(manyKeys((i) => `$${i}`))
      .set('Content-Type', 'application/json')
      .expect(400);
    expect(res.body.detail).toMatch(
      /^\d{4} fields are invalid; the first 20 are listed: \$0, \$1, /,
    );
    expect(res.body.errors[0]).toEqual({ path: '$0', message: 'is a reserved key and is refused' });
  });

  it('query strings and paths: a few KB too, as JSON and as a page', async () => {
    const params = Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&');
    const api = await request(t.callback).get(`/api/v1/deployments?${params}`).expect(400);
    expect(Buffer.byteLength(api.text)).toBeLessThan(6 * 1024);
    expect(api.body.errors).toHaveLength(ECHO_LIMITS.errors);
    const page = await request(t.callback).get(`/dora?${params}`).expect(400);
    expect(Buffer.byteLength(page.text)).toBeLessThan(8 * 1024);
    const missing = await request(t.callback)
      .get(`/${'x'.repeat(12_000)}`)
      .expect(404);
    expect(Buffer.byteLength(missing.text)).toBeLessThan(2 * 1024);
  });
});

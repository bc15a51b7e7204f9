/**
 * Every malformed request gets a 4xx problem+json with a clear message, is
 * stored nowhere, and the server goes on serving.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type TestApp, testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const valid = { env: 'dev', app: 'api', version: '1.0.0' };
const attrs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

describe('bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    // Nothing was stored, and the server still serves a good request.
    expect((await t.store.history({ limit: 10 })).items).toEqual([]);
    await request(t.callback).get('/healthz').expect(200);
  });

  // Sent as the bytes given: superagent would serialize a Buffer as JSON.
  const post = (body: string | Buffer, type = 'application/json') =>
    request(t.callback)
      .post('/api/v1/deployments')
      .set('Content-Type', type)
      .serialize((b: unknown) => b as string)
      .send(body);

  const expectProblem = (res: request.Response, status: number, detail: RegExp): void => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
    expect(res.body.detail).toMatch(detail);
  };

  it('invalid JSON', async () => {
    expectProblem(await post('{"env": "dev",'), 400, /not valid JSON/);
  });

  it.each([['[]'], ['"text"'], ['42'], ['null'], ['true']])(
    'a non-object body: %s',
    async (body) => {
      expectProblem(await post(body), 400, /must be a JSON object/);
    },
  );

  it('a body that is not JSON by its Content-Type', async () => {
    expectProblem(await post('<env>dev</env>', 'application/xml'), 415, /application\/json/);
  });

  // Form types are what a page on any origin can send without asking (a
  // form, a no-cors fetch): refused as forgeries, whatever the token state.
  it.each([
    ['application/x-www-form-urlencoded', 'env=dev&app=api&version=1.0.0'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="env"\r\n\r\ndev\r\n--x--',
    ],
    ['text/plain', JSON.stringify(valid)],
    ['Text/Plain; charset=UTF-8', JSON.stringify(valid)],
  ])('a form-type body (%s) is a 403', async (type, body) => {
    expectProblem(await post(body, type), 403, /never a form-type body/);
  });

  it.each([
    [{ ...valid, env: 42 }, 'env', 'must be a string'],
    [{ ...valid, version: 1.2 }, 'version', 'must be a string'],
    [{ ...valid, status: 'done' }, 'status', 'must be one of'],
    [{ ...valid, attributes: 'x' }, 'attributes', 'must be an object'],
    [{ ...valid, attributes: [] }, 'attributes', 'must be an object'],
    [{ env: 'dev', app: 'api' }, 'version', 'is required'],
    [{ ...valid, env: '' }, 'env', 'must not be empty'],
    [{ ...valid, env: 'has space' }, 'env', 'must be 1-64 letters'],
    [{ ...valid, env: '-dev' }, 'env', 'starting with a letter or digit'],
    [{ ...valid, env: 'e'.repeat(65) }, 'env', 'must be 1-64'],
    [{ ...valid, app: ' api' }, 'app', 'leading or trailing spaces'],
    [{ ...valid, app: 'a\u0000b' }, 'app', 'control characters'],
    [{ ...valid, app: 'a'.repeat(129) }, 'app', '1-128 characters'],
    [{ ...valid, version: '1.0 beta' }, 'version', 'without whitespace'],
    [{ ...valid, version: 'v'.repeat(129) }, 'version', '1-128'],
    [{ ...valid, version: '\ud800' }, 'version', 'not valid Unicode'],
    [{ ...valid, url: 'javascript:alert(1)' }, 'url', 'http or https'],
    [{ ...valid, pipelineUrl: 'ftp://x' }, 'pipelineUrl', 'http or https'],
    [{ ...valid, deployedAt: '2026-01-01T10:00:00' }, 'deployedAt', 'with a zone'],
    [{ ...valid, deployedAt: '2026-02-30T10:00:00Z' }, 'deployedAt', 'ISO 8601'],
    [{ ...valid, committedAt: 'yesterday' }, 'committedAt', 'ISO 8601'],
    [
      { ...valid, attributes: { nested: { a: 1 } } },
      'attributes.nested',
      'string, a number or a boolean',
    ],
    [
      { ...valid, attributes: { list: [1, 2] } },
      'attributes.list',
      'string, a number or a boolean',
    ],
    [{ ...valid, attributes: { 'bad key': 'x' } }, 'attributes.bad key', 'key must be 1-64'],
    [{ ...valid, attributes: { long: 'x'.repeat(1025) } }, 'attributes.long', 'at most 1024'],
    [{ ...valid, attributes: attrs(21) }, 'attributes', 'at most 20 keys'],
    [{ ...valid, extra: 'x' }, 'extra', 'not a known field'],
    [{ ...valid, status: '' }, 'status', 'must not be empty'],
    [{ ...valid, attributes: { big: 2 ** 60 } }, 'attributes.big', 'safe integer'],
    [{ ...valid, attributes: { bad: '\udc00' } }, 'attributes.bad', 'not valid Unicode'],
  ])('wrong field %#: %j', async (body, path, message) => {
    const res = await request(t.callback).post('/api/v1/deployments').send(body);
    expectProblem(res, 400, /./);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([{ path, message: expect.stringContaining(message) }]),
    );
  });

  it.each([
    ['{"env":"dev","app":"api","version":"1","__proto__":{"polluted":true}}', '__proto__'],
    ['{"env":"dev","app":"api","version":"1","constructor":{"prototype":{}}}', 'constructor'],
    ['{"env":"dev","app":"api","version":"1","$where":"1"}', '$where'],
    [
      '{"env":"dev","app":"api","version":"1","attributes":{"__proto__":{"x":1}}}',
      'attributes.__proto__',
    ],
    [
      '{"env":"dev","app":"api","version":"1","attributes":{"constructor":"x"}}',
      'attributes.constructor',
    ],
    ['{"env":"dev","app":"api","version":"1","attributes":{"$gt":""}}', 'attributes.$gt'],
  ])('a reserved key: %s', async (body, path) => {
    const res = await post(body);
    expectProblem(res, 400, /reserved/);
    expect(res.body.errors).toContainEqual({ path, message: 'is a reserved key and is refused' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a number JSON reads as Infinity', async () => {
    const res = await post('{"env":"dev","app":"api","version":"1","attributes":{"n":1e400}}');
    expect(res.body.errors).toEqual([{ path: 'attributes.n', message: 'must be a finite number' }]);
  });

  it('a body over 64 KB', async () => {
    const body = JSON.stringify({ ...valid, attributes: { a: 'x'.repeat(70 * 1024) } });
    expectProblem(await post(body), 413, /at most 65536 bytes/);
  });

  it('invalid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"env":"dev","app":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","version":"1"}'),
    ]);
    expectProblem(await post(bytes), 400, /not valid UTF-8/);
  });

  it('a malformed percent-encoding in the path', async () => {
    expectProblem(await request(t.callback).get('/api/v1/apps/%E0%A4%A'), 400, /percent-encoding/);
    expectProblem(await request(t.callback).get('/list/%'), 400, /percent-encoding/);
  });

  it('a forged or foreign cursor', async () => {
    const base = '/api/v1/deployments?cursor=';
    expectProblem(await request(t.callback).get(`${base}not-a-cursor`), 400, /cursor/);
    const forged = Buffer.from(JSON.stringify({ v: 1, t: 1, i: '../x', f: 'y' })).toString(
      'base64url',
    );
    expectProblem(await request(t.callback).get(`${base}${forged}`), 400, /cursor/);
  });

  it.each(['at=yesterday', 'at=2026-13-01', 'at=2026-11-28T10:00'])(
    'a bad instant: %s',
    async (query) => {
      const res = await request(t.callback).get(`/api/v1/environments/dev?${query}`);
      expectProblem(res, 400, /at/);
      expect(res.body.errors[0].message).toMatch(/ISO 8601 instant with a zone/);
    },
  );

  it('an unknown route and an unknown method', async () => {
    expectProblem(await request(t.callback).get('/api/v1/nothing'), 404, /no route for GET/);
    const res = await request(t.callback).delete('/api/v1/deployments');
    expectProblem(res, 405, /DELETE is not allowed on \/api\/v1\/deployments; allowed: .*POST/);
    expect(res.headers.allow).toMatch(/POST/);
  });

  it('an invalid Idempotency-Key header', async () => {
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .set('Idempotency-Key', 'x'.repeat(256))
      .send(valid);
    expectProblem(res, 400, /Idempotency-Key/);
  });
});

/**
 * Compressed answers (koa-compress in app.ts): gzip or brotli as the client
 * accepts, for pages, JSON, CSV streams; never for small answers, HEAD, or
 * a client that accepts none; each decompresses to the very bytes an
 * uncompressing client gets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { newDeployment } from '../helpers/deployments.js';
import { type Listening, listenApp } from '../helpers/listen.js';
import { removeTempDirs } from '../helpers/tmp.js';

let svt: Listening;

beforeAll(async () => {
  svt = await listenApp();
  for (let i = 0; i < 40; i++) {
    await svt.store.record(newDeployment({ env: 'prod', app: `app-${i}`, version: `1.0.${i}` }));
  }
});
afterAll(async () => {
  await svt.close();
  removeTempDirs();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer's bytes exactly as sent: no client-side decompression. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${svt.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (answer: Raw): Buffer =>
  answer.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(answer.body)
    : answer.headers['content-encoding'] === 'gzip'
      ? gunzipSync(answer.body)
      : answer.body;

describe('compression', () => {
  it.each([
    ['the overview page', '/'],
    ['an environment page', '/env/prod'],
    ['an environment as JSON', '/api/v1/environments/prod'],
    ['the history as a CSV stream', '/api/v1/deployments?format=csv'],
    ['the OpenAPI description', '/openapi.json'],
    ['a stylesheet', '/assets/app.css'],
  ])('%s: brotli and gzip decompress to the identity bytes', async (_what, path) => {
    const plain = await raw(path);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    for (const [accept, encoding] of [
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
    ] as const) {
      const packed = await raw(path, { 'accept-encoding': accept });
      expect([packed.status, packed.headers['content-encoding']]).toEqual([200, encoding]);
      expect(packed.headers.vary).toMatch(/Accept-Encoding/i);
      expect(packed.body.length).toBeLessThan(plain.body.length / 2);
      expect(decode(packed).equals(plain.body)).toBe(true);
    }
  });

  it('leaves small answers, HEAD, and clients that accept nothing alone', async () => {
    const small = await raw('/healthz', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    const identity = await raw('/', { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    const head = await raw('/', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect([head.status, head.headers['content-encoding'], head.body.length]).toEqual([
      200,
      undefined,
      0,
    ]);
  });
});

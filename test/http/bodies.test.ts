/**
 * Bodies as @koa/bodyparser reads them for SVT: strict UTF-8 (a real U+FFFD
 * is kept, invalid bytes are refused), compressed bodies, the legacy route's
 * body whatever its Content-Type says, even none.
 */
import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp();

const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
  fetch(svt().url + path, { method: 'POST', headers, body });
const json = { 'content-type': 'application/json' };

describe('request bodies', () => {
  it('keep a U+FFFD that was sent as UTF-8, and refuse bytes that are not UTF-8', async () => {
    const ok = await post(
      '/api/v1/deployments',
      JSON.stringify({ env: 'dev', app: 'r\uFFFDsum\u00e9', version: '1' }),
      json,
    );
    expect(ok.status).toBe(201);
    const bad = await post(
      '/api/v1/deployments',
      Buffer.concat([Buffer.from('{"env":"dev","app":"'), Buffer.from([0xe9]), Buffer.from('"}')]),
      json,
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ detail: 'the request body is not valid UTF-8' });
  });

  it('take a gzip body; refuse a corrupt one with a 400 and an unknown encoding with a 415', async () => {
    const body = gzipSync(JSON.stringify({ env: 'dev', app: 'gz', version: '1' }));
    const ok = await post('/api/v1/deployments', body, { ...json, 'content-encoding': 'gzip' });
    expect(ok.status).toBe(201);
    const corrupt = await post('/api/v1/deployments', Buffer.from('not gzip at all'), {
      ...json,
      'content-encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await post('/api/v1/deployments', '{}', { ...json, 'content-encoding': 'xz' });
    expect(unknown.status).toBe(415);
    expect(await unknown.json()).toMatchObject({ detail: expect.stringContaining('gzip') });
  });

  it('limit a gzip body by its inflated size', async () => {
    const big = JSON.stringify({ env: 'dev', app: 'big', version: '1', ref: 'x'.repeat(70_000) });
    const res = await post('/api/v1/deployments', gzipSync(big), {
      ...json,
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(413);
  });

  it('/create reads a body without a Content-Type, as the seed did', async () => {
    const body = new TextEncoder().encode('{"env":"dev","name":"no-type","version":"1.0.0"}');
    const res = await fetch(`${svt().url}/create`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deployment: { app: 'no-type', source: 'legacy' } });
  });

  it('/create over 64 KB is a 413 too', async () => {
    const res = await post('/create', `env=dev&name=a&version=1.0.0&x=${'y'.repeat(70_000)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(413);
  });

  it('stored what they accepted, and nothing they refused', async () => {
    const page = await svt().store.history({ limit: 100 });
    expect(page.items.map((d) => d.app).sort()).toEqual(['gz', 'no-type', 'r\uFFFDsum\u00e9']);
  });
});

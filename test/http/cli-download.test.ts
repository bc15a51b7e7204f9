import { afterAll, describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import { pino } from 'pino';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { problemMiddleware } from '../../server/src/http/problem.js';
import { cliDownloadRoutes } from '../../server/src/routes/cli-download.js';
import { RouteTable } from '../../server/src/routes/table.js';
import { testApp } from '../helpers/app.js';
import { CLI } from '../helpers/run-node.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('GET /cli/svt.mjs', () => {
  it('serves the bundled CLI byte for byte, with a validator for cheap re-downloads', async () => {
    const t = await testApp();
    const res = await request(t.callback)
      .get('/cli/svt.mjs')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(Buffer.compare(res.body as Buffer, readFileSync(CLI))).toBe(0);
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"[\w-]{27}"$/);

    await request(t.callback)
      .get('/cli/svt.mjs')
      .set('If-None-Match', etag ?? '')
      .expect(304);
    await request(t.callback).head('/cli/svt.mjs').expect(200);
    await request(t.callback).post('/cli/svt.mjs').expect(405);
    await t.store.close();
  });

  it('answers a clear 404 when the CLI was never built', async () => {
    const app = new Koa();
    // The route alone, behind a guard that lets everything through.
    const routes = new RouteTable(() => (_ctx, next) => next());
    cliDownloadRoutes(routes, '/nonexistent/svt.mjs');
    app.use(problemMiddleware(pino({ level: 'silent' })));
    app.use(routes.router.routes());
    const res = await request(app.callback()).get('/cli/svt.mjs').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      title: 'CLI not built',
      type: 'urn:svt:problem:cli-not-built',
    });
  });
});

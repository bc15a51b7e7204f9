import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { pino } from 'pino';
import { createApp } from '../../server/src/app.js';
import { testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('operations probes', () => {
  it('/healthz answers without the database; /readyz with it', async () => {
    const t = await testApp();
    expect((await request(t.callback).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await request(t.callback).get('/readyz').expect(200)).body).toEqual({
      status: 'ready',
      store: 'sqlite',
    });
    await t.store.close();
    await request(t.callback).get('/healthz').expect(200);
    expect((await request(t.callback).get('/readyz').expect(503)).body.status).toBe(
      'store-unreachable',
    );
  });

  it('/readyz answers 503 once shutdown begins', async () => {
    const t = await testApp();
    const lifecycle = { shuttingDown: false };
    const app = createApp({
      store: t.store,
      config: t.config,
      logger: pino({ level: 'silent' }),
      lifecycle,
    });
    await request(app.callback()).get('/readyz').expect(200);
    lifecycle.shuttingDown = true;
    expect((await request(app.callback()).get('/readyz').expect(503)).body.status).toBe(
      'shutting-down',
    );
  });

  it('every answer carries a request id, the caller’s when it is sane', async () => {
    const t = await testApp();
    const own = await request(t.callback).get('/healthz').set('X-Request-Id', 'build-42.7');
    expect(own.headers['x-request-id']).toBe('build-42.7');
    const hostile = await request(t.callback).get('/healthz').set('X-Request-Id', 'a b\tc');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

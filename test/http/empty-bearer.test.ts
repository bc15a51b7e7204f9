/**
 * `Authorization: Bearer ` with nothing after it: what a script sends when
 * its token variable is empty. The answer says so, and how to fix it,
 * instead of the generic "must be Bearer <token>" a malformed header gets.
 * Requests come from loopback (supertest's own server on 127.0.0.1), before
 * any token exists: where no header at all is a write that succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

const body = { env: 'prod', app: 'api', version: '1.0.0' };

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ SVT_AUTH_FAIL_LIMIT: '0' });
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('an empty bearer token', () => {
  it('without the header, the same write from loopback is accepted (no token exists yet)', async () => {
    await request(t.callback).post('/api/v1/deployments').send(body).expect(201);
  });

  it.each(['Bearer ', 'Bearer', 'Bearer      ', 'bearer ', 'BEARER\t'])(
    '%j is a 401 problem saying the token is empty and how to fix it',
    async (header) => {
      const res = await request(t.callback)
        .post('/api/v1/deployments')
        .set('Authorization', header)
        .send(body);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="svt"');
      expect(res.body).toMatchObject({
        type: 'urn:svt:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
      });
      const detail = (res.body as { detail: string }).detail;
      expect(detail).toMatch(/^the token is empty: /);
      // The fix: set the variable to a token, or send no header at all.
      expect(detail).toContain('SVT_TOKEN');
      expect(detail).toContain('npx svt-server token create');
      expect(detail).toContain('send no Authorization header');
      expect(detail).not.toContain('must be "Bearer <token>"');
    },
  );

  it('on a read too, since a token that is sent is always checked', async () => {
    const res = await request(t.callback)
      .get('/api/v1/environments')
      .set('Authorization', 'Bearer ')
      .expect(401);
    expect((res.body as { detail: string }).detail).toMatch(/^the token is empty: /);
  });

  it('a header of another shape keeps its own message', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer svt_a svt_b', 'Token svt_x']) {
      const res = await request(t.callback)
        .post('/api/v1/deployments')
        .set('Authorization', header)
        .send(body)
        .expect(401);
      expect((res.body as { detail: string }).detail).toBe(
        'the Authorization header must be "Bearer <token>"',
      );
    }
    const unknown = await request(t.callback)
      .post('/api/v1/deployments')
      .set('Authorization', 'Bearer svt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .send(body)
      .expect(401);
    expect((unknown.body as { detail: string }).detail).toBe(
      'the token is not valid (unknown, revoked or mistyped)',
    );
  });
});

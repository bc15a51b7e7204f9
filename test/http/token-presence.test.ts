/**
 * Tokenless writes end for good with the first token: revoked tokens count,
 * so revoking every token never reopens writes without one, not even from
 * loopback (auth.test.ts: the rule before any token exists).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

const body = (env: string) => ({ env, app: 'api', version: '1.0.0' });

describe('once a token was ever created', () => {
  it('revoking every token does not reopen tokenless writes, even from loopback', async () => {
    const t = await testApp();
    await issueToken(t.store, 'only', ['write:*']);
    await t.store.revokeToken('only', Date.now());
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .send(body('prod'))
      .expect(401);
    expect(res.body.detail).toContain('requires a token for writes');
    expect(res.body.detail).toContain('npx svt-server token create');
    await request(t.callback)
      .post('/create')
      .send({ env: 'prod', name: 'api', version: '1.0.0' })
      .expect(401);
    expect((await t.store.history({ limit: 10 })).items).toEqual([]);
    await t.store.close();
  });

  it('a running server keeps refusing them after the last token is revoked', async () => {
    const t = await testApp();
    const token = await issueToken(t.store, 'only', ['write:*']);
    await request(t.callback)
      .post('/api/v1/deployments')
      .set('Authorization', `Bearer ${token}`)
      .send(body('prod'))
      .expect(201);
    await request(t.callback).post('/api/v1/deployments').send(body('prod')).expect(401);
    await t.store.revokeToken('only', Date.now());
    await new Promise((r) => setTimeout(r, 1100)); // past the policy's one-second memory
    await request(t.callback).post('/api/v1/deployments').send(body('prod')).expect(401);
    await t.store.close();
  });
});

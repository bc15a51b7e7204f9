import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { pino } from 'pino';
import { createApp } from '../../server/src/app.js';
import { parseConfig } from '../../server/src/config.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import type {
  IdempotencyClaim,
  NewDeployment,
  RecordResult,
} from '../../server/src/store/types.js';
import { type TestApp, testApp } from '../helpers/app.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

afterAll(removeTempDirs);

const body = { env: 'dev', app: 'api', version: '1.0.0' };

describe('Idempotency-Key', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });

  const post = (key: string, payload: object) =>
    request(t.callback).post('/api/v1/deployments').set('Idempotency-Key', key).send(payload);

  it('answers the same key and body with the first answer, storing nothing new', async () => {
    const first = await post('run-1', body).expect(201);
    const again = await post('run-1', { version: '1.0.0', app: 'api', env: 'dev' }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect((await t.store.history({ limit: 10 })).items).toHaveLength(1);
  });

  it('refuses the same key with another body: 422, nothing stored', async () => {
    await post('run-1', body).expect(201);
    const res = await post('run-1', { ...body, version: '2.0.0' }).expect(422);
    expect(res.body).toMatchObject({ status: 422, type: 'urn:svt:problem:idempotency-key-reused' });
    expect((await t.store.history({ limit: 10 })).items).toHaveLength(1);
  });

  it('records anew under another key, and keeps legacy and v1 keys apart', async () => {
    await post('run-1', body).expect(201);
    await post('run-2', body).expect(201);
    await request(t.callback)
      .post('/create')
      .set('Idempotency-Key', 'run-1')
      .send({ env: 'dev', name: 'api', version: '1.0.0' })
      .expect(422); // same scope and key, but another route's body
    expect((await t.store.history({ limit: 10 })).items).toHaveLength(2);
  });

  it('keys belong to a token, not its name: a new token named as a revoked one records anew', async () => {
    const first = await issueToken(t.store, 'ci', ['write:*']);
    const post = (token: string, payload: object) =>
      request(t.callback)
        .post('/api/v1/deployments')
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', 'job-1')
        .send(payload);
    const recorded = await post(first, body).expect(201);
    expect((await post(first, body).expect(201)).headers['idempotent-replayed']).toBe('true');

    await t.store.revokeToken('ci', Date.now());
    const second = await issueToken(t.store, 'ci', ['write:*']);
    const anew = await post(second, body).expect(201);
    expect(anew.headers['idempotent-replayed']).toBeUndefined();
    expect(anew.body.deployment.id).not.toBe(recorded.body.deployment.id);
    expect(anew.body.deployment.recordedBy).toBe('ci');
    // Another token's use of the key neither replays nor refuses: 201, not 422.
    const other = await issueToken(t.store, 'other', ['write:*']);
    const third = await post(other, { ...body, version: '3.0.0' }).expect(201);
    expect(third.headers['idempotent-replayed']).toBeUndefined();
    expect((await t.store.history({ limit: 10 })).items).toHaveLength(3);
  });

  it('answers 409 with Retry-After while the first request with the key is in flight', async () => {
    // The real SQLite store, held back until the second request has been answered.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    class HeldStore extends SqliteStore {
      override async record(input: NewDeployment, claim?: IdempotencyClaim): Promise<RecordResult> {
        await gate;
        return super.record(input, claim);
      }
    }
    const store = new HeldStore(tempDbPath());
    const app = createApp({
      store,
      config: parseConfig({}),
      logger: pino({ level: 'silent' }),
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      const first = request(server)
        .post('/api/v1/deployments')
        .set('Idempotency-Key', 'k')
        .send(body);
      const firstDone = first.then((r) => r);
      await new Promise((r) => setTimeout(r, 50));
      const second = await request(server)
        .post('/api/v1/deployments')
        .set('Idempotency-Key', 'k')
        .send(body);
      expect(second.status).toBe(409);
      expect(second.headers['retry-after']).toBe('1');
      release();
      expect((await firstDone).status).toBe(201);
      const retry = await request(server)
        .post('/api/v1/deployments')
        .set('Idempotency-Key', 'k')
        .send(body);
      expect(retry.status).toBe(201);
      expect(retry.body.deployment.id).toBe((await firstDone).body.deployment.id);
      expect((await store.history({ limit: 10 })).items).toHaveLength(1);
    } finally {
      server.close();
      await store.close();
    }
  });
});

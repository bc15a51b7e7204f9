/**
 * DNS rebinding: a server bound to loopback answers only requests that name
 * it by a loopback name, or by one listed in SVT_ALLOWED_HOSTS; anything
 * else is a 400 before any route runs, and nothing is stored.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer, request as httpRequest } from 'node:http';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { closeServer, listen } from '../helpers/listen.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const get = (t: TestApp, host: string, path = '/healthz') =>
  request(t.callback).get(path).set('Host', host);

async function expectRefused(t: TestApp, host: string): Promise<void> {
  const res = await get(t, host);
  expect([host, res.status]).toEqual([host, 400]);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.body.type).toBe('urn:svt:problem:host-not-allowed');
  expect(res.text).not.toContain(host.toLowerCase().split(':')[0]);
}

const LOOPBACK = [
  'localhost',
  'localhost:5000',
  'LOCALHOST:5000',
  'localhost.:5000',
  '127.0.0.1',
  '127.0.0.1:5000',
  '127.1.2.3:80',
  '[::1]',
  '[::1]:5000',
];
const FOREIGN = [
  'attacker.example',
  'attacker.example:5000',
  'localhost.attacker.example',
  '127.0.0.1.nip.io:5000',
  '10.0.0.1:5000',
  'svt.example.com',
  'evil@localhost',
];

describe('bound to loopback (the default)', () => {
  it('loopback names are accepted, with any port', async () => {
    const t = await testApp();
    for (const host of LOOPBACK) expect([host, (await get(t, host)).status]).toEqual([host, 200]);
    await t.store.close();
  });

  it('any other name is a 400, on every route', async () => {
    const t = await testApp();
    for (const host of FOREIGN) await expectRefused(t, host);
    await get(t, 'attacker.example', '/api/v1/apps').expect(400);
    await get(t, 'attacker.example', '/').expect(400);
    await get(t, 'attacker.example', '/nowhere').expect(400);
    await t.store.close();
  });

  it('decides each Host again once it has seen more names than it remembers', async () => {
    const t = await testApp();
    // Accepted names are remembered as sent (64 of them); past that, and for
    // a name refused before, the answer is the same as the first time.
    for (let port = 1; port <= 150; port++) {
      expect((await get(t, `localhost:${port}`)).status).toBe(200);
      if (port % 50 === 0) for (const host of FOREIGN) await expectRefused(t, host);
    }
    for (const host of LOOPBACK) expect([host, (await get(t, host)).status]).toEqual([host, 200]);
    await t.store.close();
  });

  it('a rebinding page’s write (its Origin matching its Host) is refused and stores nothing', async () => {
    const t = await testApp(); // no token: the loopback rule would let it through
    const res = await request(t.callback)
      .post('/api/v1/deployments')
      .set('Host', 'attacker.example:5000')
      .set('Origin', 'http://attacker.example:5000')
      .send({ env: 'prod', app: 'api', version: '6.6.6' })
      .expect(400);
    expect(res.body.type).toBe('urn:svt:problem:host-not-allowed');
    expect((await t.store.history({ limit: 1 })).items).toEqual([]);
    await t.store.close();
  });

  it('a request without Host (HTTP/1.0) is a 400', async () => {
    const t = await testApp();
    const server = createServer(t.callback);
    const port = await listen(server);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { port, host: '127.0.0.1', path: '/healthz', setHost: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    await closeServer(server);
    await t.store.close();
  });

  it('with SVT_TRUST_PROXY, every X-Forwarded-Host entry is checked too', async () => {
    const t = await testApp({ SVT_TRUST_PROXY: 'on' });
    await get(t, 'localhost').set('X-Forwarded-Host', 'localhost:5000').expect(200);
    await get(t, 'localhost').set('X-Forwarded-Host', 'attacker.example').expect(400);
    await get(t, 'localhost').set('X-Forwarded-Host', 'localhost, attacker.example').expect(400);
    await t.store.close();
  });

  it('SVT_ALLOWED_HOSTS names more', async () => {
    const t = await testApp({ SVT_ALLOWED_HOSTS: 'svt.example.com,10.0.0.1' });
    for (const host of [...LOOPBACK, 'svt.example.com', 'SVT.example.com:443', '10.0.0.1:5000']) {
      expect([host, (await get(t, host)).status]).toEqual([host, 200]);
    }
    for (const host of FOREIGN.filter((h) => !/svt\.example|10\.0\.0\.1/.test(h))) {
      await expectRefused(t, host);
    }
    await t.store.close();
  });
});

describe('bound elsewhere', () => {
  it('without SVT_ALLOWED_HOSTS, any Host is answered', async () => {
    const t = await testApp({ SVT_HOST: '0.0.0.0' });
    for (const host of [...LOOPBACK, ...FOREIGN.filter((h) => !h.includes('@'))]) {
      expect([host, (await get(t, host)).status]).toEqual([host, 200]);
    }
    await t.store.close();
  });

  it('with SVT_ALLOWED_HOSTS, only those and the loopback names', async () => {
    const t = await testApp({ SVT_HOST: '0.0.0.0', SVT_ALLOWED_HOSTS: 'svt.example.com' });
    await get(t, 'svt.example.com').expect(200);
    await get(t, 'localhost:5000').expect(200);
    await expectRefused(t, 'attacker.example');
    await expectRefused(t, '10.0.0.1');
    await t.store.close();
  });
});

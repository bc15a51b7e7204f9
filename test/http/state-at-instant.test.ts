/**
 * A state at an instant is sent from shared memory a reader thread wrote
 * (sqlite-shared-bytes.ts), and that memory is written over by the next
 * answers. So: each answer, however many run at once and however many
 * clients hang up halfway, carries its own environment's bytes, equal to
 * what the cached answer of now says (another way of building it), with a
 * Content-Length that counts them, compressed or not.
 */
import { describe, expect, it } from '@jest/globals';
import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { newDeployment, T0 } from '../helpers/deployments.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp();

// After every deployment below: the state at AT is the state now.
const AT = new Date(T0 + 3_600_000).toISOString();

/**
 * Three environments of different sizes, so that answers need buffers of
 * different sizes (64 KiB at least, sqlite-shared-bytes.ts): "big" about
 * 300 KB, "multi" with 2- and 4-byte characters and an open attempt, "one".
 */
async function record(): Promise<void> {
  const { store } = svt();
  const at = (i: number) => T0 + i;
  for (let i = 0; i < 300; i++) {
    await store.record(
      newDeployment({
        env: 'big',
        app: `app-${String(i).padStart(3, '0')}`,
        version: `1.0.${i}`,
        deployedAt: at(i),
        attributes: { note: 'x'.repeat(900) },
      }),
    );
  }
  for (let i = 0; i < 20; i++) {
    await store.record(
      newDeployment({
        env: 'multi',
        app: `é😀-${i}`,
        version: '2.0.0',
        deployedAt: at(i),
        attributes: { note: 'é😀\u2028'.repeat(100) },
      }),
    );
  }
  await store.record(
    newDeployment({
      env: 'multi',
      app: 'é😀-0',
      version: '2.1.0',
      status: 'started',
      deployedAt: at(30),
    }),
  );
  await store.record(newDeployment({ env: 'one', deployedAt: at(0) }));
}

/** The body of a GET, its status and headers. */
function fetchBytes(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(`${svt().url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A GET whose client hangs up as soon as the first bytes of the answer arrive. */
function hangUp(path: string): Promise<void> {
  return new Promise((resolve) => {
    const req = httpGet(`${svt().url}${path}`, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => resolve());
  });
}

/** What the state at AT must be: the answer of now, with `at` set. */
async function expected(env: string): Promise<Buffer> {
  const now = await fetchBytes(`/api/v1/environments/${env}`);
  expect(now.status).toBe(200);
  const at = JSON.stringify(AT);
  return Buffer.from(now.body.toString('utf8').replace(`"at":null,`, `"at":${at},`));
}

describe('a state at an instant, sent from shared memory', () => {
  it('equals the answer of now, byte for byte, and its Content-Length counts its bytes', async () => {
    await record();
    for (const env of ['big', 'multi', 'one']) {
      const want = await expected(env);
      const res = await fetchBytes(`/api/v1/environments/${env}?at=${AT}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-length']).toBe(String(want.length));
      expect(res.body.equals(want)).toBe(true);
    }
    // The open attempt is in the answer, the current 2.0.0 beside it.
    const multi = JSON.parse((await expected('multi')).toString('utf8'));
    expect(multi.attempts.map((d: { version: string }) => d.version)).toEqual(['2.1.0']);
    expect(multi.deployments).toHaveLength(20);
  });

  it('compressed, it decodes to the same bytes', async () => {
    const want = await expected('big');
    const res = await fetchBytes(`/api/v1/environments/big?at=${AT}`, {
      'accept-encoding': 'gzip',
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).equals(want)).toBe(true);
  });

  it('80 at once, a quarter of their clients hanging up halfway, each carries its own state', async () => {
    const envs = ['big', 'multi', 'one'];
    const want = new Map(await Promise.all(envs.map(async (e) => [e, await expected(e)] as const)));
    const answers = await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const env = envs[i % 3] as string;
        const path = `/api/v1/environments/${env}?at=${AT}`;
        if (i % 4 === 3) return hangUp(path).then(() => null);
        return { env, res: await fetchBytes(path) };
      }),
    );
    const done = answers.filter((a) => a !== null);
    expect(done).toHaveLength(60);
    for (const { env, res } of done) {
      expect(res.status).toBe(200);
      expect(res.body.equals(want.get(env) as Buffer)).toBe(true);
    }
    // And after them, one at a time, still the same.
    for (const env of envs) {
      const res = await fetchBytes(`/api/v1/environments/${env}?at=${AT}`);
      expect(res.body.equals(want.get(env) as Buffer)).toBe(true);
    }
  });

  it('clients that hang up before their answer is ready leave no buffer on loan', async () => {
    const { store } = svt();
    // 2,000 apps of 2 KB: a few milliseconds of a reader thread per state.
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.record(
            newDeployment({
              env: 'slow',
              app: `app-${batch * 100 + i}`,
              deployedAt: T0,
              attributes: { note: 'x'.repeat(2000) },
            }),
          ),
        ),
      );
    }
    // 20 jobs of a few milliseconds on 3 reader threads: most are still to run,
    // or waiting for a thread, when their clients hang up, 5 ms after asking.
    await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<void>((resolve) => {
            const req = httpGet(`${svt().url}/api/v1/environments/slow?at=${AT}`);
            req.on('error', () => {});
            req.on('close', () => resolve());
            setTimeout(() => req.destroy(), 5);
          }),
      ),
    );
    // A job waiting for a thread holds no buffer: at most one per thread is lent.
    expect(store.answers.outstanding).toBeLessThanOrEqual(3);
    // Their jobs finish after they left; each answer's buffer comes back then.
    for (let i = 0; i < 100 && store.answers.outstanding > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(store.answers.outstanding).toBe(0);
    // The jobs ran (their buffers are spare now), after their clients had gone.
    expect(store.answers.spareBytes.buffers).toBeGreaterThan(0);
  });

  it('pages at an instant give every state back, a 404 of compare included', async () => {
    const { store } = svt();
    const pages = [
      `/compare?from=nowhere&to=slow&at=${AT}`,
      `/compare?from=big&to=slow&at=${AT}`,
      `/env/slow?at=${AT}`,
      `/?at=${AT}`,
    ];
    const statuses = [];
    for (const page of pages) statuses.push((await fetchBytes(page)).status);
    expect(statuses).toEqual([404, 200, 200, 200]);
    expect(store.answers.outstanding).toBe(0);
  });

  it('HEAD has the same Content-Length and no body', async () => {
    const want = await expected('multi');
    const res = await new Promise<{ length: unknown; bytes: number }>((resolve, reject) => {
      const req = httpGet(`${svt().url}/api/v1/environments/multi?at=${AT}`, { method: 'HEAD' });
      req.on('response', (r) => {
        let bytes = 0;
        r.on('data', (c: Buffer) => (bytes += c.length));
        r.on('end', () => resolve({ length: r.headers['content-length'], bytes }));
      });
      req.on('error', reject);
    });
    expect(res).toEqual({ length: String(want.length), bytes: 0 });
  });
});

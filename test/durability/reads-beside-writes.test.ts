/**
 * Long reads never hold the HTTP thread (issue 16): while a DORA report over
 * a year runs in a reader thread, the health check and a write answer; past
 * the cap on heavy reads a request gets 503 with Retry-After at once; a CSV
 * download given up by its client frees its slot; retention prunes in
 * slices between which writes are committed.
 *
 * The history is the smallest that keeps one report busy far longer than a
 * health check takes: 30,000 deployments over the last 300 days.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, get, type Server } from 'node:http';
import request from 'supertest';
import { migrate, openDatabase } from '../../server/src/store/sqlite-connection.js';
import { LedgerWriter } from '../../server/src/store/sqlite-writer.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { newDeployment } from '../helpers/deployments.js';
import { closeServer, listen } from '../helpers/listen.js';
import { removeTempDirs, tempDbPath } from '../helpers/tmp.js';

const DAY = 24 * 3600_000;
const TOTAL = 30_000;
const NOW = Date.now();
const START = NOW - 300 * DAY;

let t: TestApp;
let server: Server;
let base: string;

/** Seeds through the ledger's own writer, in one transaction per 10,000. */
function seed(path: string): void {
  const db = openDatabase(path);
  migrate(db);
  const writer = new LedgerWriter(db);
  for (let from = 0; from < TOTAL; from += 10_000) {
    writer.write(
      Array.from({ length: 10_000 }, (_, k) => {
        const i = from + k;
        return {
          n: i,
          claim: undefined,
          hooks: [],
          input: newDeployment({
            env: 'prod',
            app: `app-${i % 100}`,
            version: `1.${Math.floor(i / 100)}.0`,
            status: i % 13 === 0 ? 'failure' : 'success',
            deployedAt: START + Math.floor((i / TOTAL) * 299 * DAY),
            committedAt: START + Math.floor((i / TOTAL) * 299 * DAY) - 3600_000,
          }),
        };
      }),
    );
  }
  db.close();
}

beforeAll(async () => {
  const path = tempDbPath();
  seed(path);
  t = await testApp({ SVT_DB: path });
  server = createServer(t.callback);
  base = `http://127.0.0.1:${await listen(server)}`;
});

afterAll(async () => {
  await closeServer(server);
  await t.store.close();
  removeTempDirs();
});

/** Settles to the elapsed ms of a request, and records the instant it settled. */
async function timed(path: string, init?: RequestInit): Promise<{ status: number; at: number }> {
  const res = await fetch(`${base}${path}`, init);
  await res.arrayBuffer();
  return { status: res.status, at: performance.now() };
}

const write = (version: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ env: 'prod', app: 'beside', version }),
});

describe('reads beside writes', () => {
  it('a health check and a write answer while a year of DORA is being computed', async () => {
    const report = timed('/api/v1/dora?env=prod&window=366d');
    // Give the report time to start in its reader thread, then ask the rest.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [health, recorded] = await Promise.all([
      timed('/healthz'),
      timed('/api/v1/deployments', write('1.0.0')),
    ]);
    const dora = await report;
    expect(health.status).toBe(200);
    expect(recorded.status).toBe(201);
    expect(dora.status).toBe(200);
    // Both answered before the report did: nothing waited for it.
    expect(health.at).toBeLessThan(dora.at);
    expect(recorded.at).toBeLessThan(dora.at);
  });

  it('past the cap of heavy reads, 503 with Retry-After at once, counted in /metrics', async () => {
    const path = '/api/v1/dora?env=prod&window=366d';
    const answers = await Promise.all([1, 2, 3].map(() => request(t.callback).get(path)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const busy = answers.find((a) => a.status === 503);
    expect(busy?.headers['retry-after']).toBe('2');
    expect(busy?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy?.body).toMatchObject({ status: 503, title: 'Busy' });
    const metrics = (await request(t.callback).get('/metrics')).text;
    expect(metrics).toMatch(/^svt_heavy_reads_refused_total\{kind="dora"\} 1$/m);
    expect(metrics).toMatch(/^svt_heavy_reads_in_progress\{kind="dora"\} 0$/m);
  });

  it('a CSV download given up halfway frees its slot', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = get(`${base}/api/v1/deployments?env=prod&format=csv`, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    // The server sees the client go, destroys the stream, and the slot is given back.
    let inProgress = '';
    for (let i = 0; i < 100; i++) {
      const metrics = (await request(t.callback).get('/metrics')).text;
      inProgress = /^svt_heavy_reads_in_progress\{kind="csv"\} (\d+)$/m.exec(metrics)?.[1] ?? '';
      if (inProgress === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(inProgress).toBe('0');
  });

  it('retention prunes in slices: a write asked for during a prune is committed before it ends', async () => {
    let pruned: number | null = null;
    const prune = t.store.prune(NOW).then((n) => {
      pruned = n;
      return n;
    });
    const recorded = await t.store.record(
      newDeployment({ env: 'prod', app: 'beside', version: '1.0.1', deployedAt: Date.now() }),
    );
    expect(recorded.current).toBe(true);
    expect(pruned).toBeNull();
    // Every app keeps its current and its latest deployment: app-a's last is
    // i = 29,900 + a, a failure when i % 13 = 0 (29,900 = 13 x 2,300), so
    // for a = 0, 13, ..., 91 (8 apps) the latest is not the current one.
    // The two writes of `beside` are dated after NOW.
    expect(await prune).toBe(TOTAL - 100 - 8);
    expect((await t.store.current('prod'))?.length).toBe(101);
  });
});

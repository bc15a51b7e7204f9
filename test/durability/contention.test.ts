/**
 * Contention: 64 concurrent writers record deployments of the same app in
 * the same environment at once, over HTTP, against one server process on
 * SQLite: no 5xx, exactly one current entry (the latest by deployedAt, then
 * id), and every acknowledged write in the history. The same against three
 * server processes sharing MongoDB where SVT_TEST_MONGODB_URL is set
 * (reported as skipped otherwise, never as passed).
 */
import { afterAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { MONGODB_URL, withMongoDB } from '../helpers/mongodb.js';
import { call, startServer, type ServerProcess } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const WRITERS = 64;
const ROUNDS = 5;

/** Writers spread round-robin over the servers; then the checks, through the first server. */
async function contend(servers: ServerProcess[]): Promise<void> {
  const port = (w: number) => servers[w % servers.length]?.port ?? 0;
  const base = Date.parse('2026-01-01T00:00:00Z');
  const statuses: number[] = [];
  const acked: { version: string; id: string; deployedAt: string }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => {
        // Some share an instant (the id breaks the tie), some are backdated.
        const deployedAt = new Date(base + ((w * 7 + round * 13) % 40) * 1000).toISOString();
        return call(port(w), 'POST', '/api/v1/deployments', {
          env: 'prod',
          app: 'contended',
          version: `${round}.${w}`,
          deployedAt,
        });
      }),
    );
    for (const a of answers) {
      statuses.push(a.status);
      if (a.status === 201) {
        const d = (
          JSON.parse(a.body) as { deployment: { version: string; id: string; deployedAt: string } }
        ).deployment;
        acked.push({ version: d.version, id: d.id, deployedAt: d.deployedAt });
      }
    }
  }
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(acked).toHaveLength(WRITERS * ROUNDS);

  const first = port(0);
  const current = JSON.parse((await call(first, 'GET', '/api/v1/environments/prod')).body) as {
    deployments: { version: string; id: string }[];
  };
  expect(current.deployments).toHaveLength(1);
  const latest = [...acked].sort((a, b) =>
    a.deployedAt === b.deployedAt ? (a.id < b.id ? 1 : -1) : a.deployedAt < b.deployedAt ? 1 : -1,
  )[0];
  expect(current.deployments[0]?.id).toBe(latest?.id);

  const seen = new Set<string>();
  let path = '/api/v1/deployments?env=prod&app=contended&limit=100';
  for (;;) {
    const page = JSON.parse((await call(first, 'GET', path)).body) as {
      items: { version: string }[];
      next: string | null;
    };
    page.items.forEach((d) => seen.add(d.version));
    if (page.next === null) break;
    path = `/api/v1/deployments?env=prod&app=contended&limit=100&cursor=${page.next}`;
  }
  expect([...seen].sort()).toEqual(acked.map((a) => a.version).sort());
}

async function stopAll(servers: ServerProcess[]): Promise<void> {
  for (const s of servers) s.proc.kill('SIGTERM');
  for (const s of servers) expect(await s.exited).toBe(0);
}

test(`${WRITERS} concurrent writers on one app and environment, ${ROUNDS} rounds, one server on SQLite`, async () => {
  const servers = [await startServer({ SVT_DB: join(tempDir(), 'svt.db'), SVT_RATE_LIMIT: '0' })];
  try {
    await contend(servers);
  } finally {
    await stopAll(servers);
  }
}, 60_000);

withMongoDB.test(
  `${WRITERS} concurrent writers over three server processes sharing MongoDB`,
  async () => {
    const env = {
      SVT_MONGODB_URL: MONGODB_URL,
      SVT_MONGODB_DB: `svt_contention_${process.pid}`,
      SVT_RATE_LIMIT: '0',
    };
    const servers = await Promise.all([startServer(env), startServer(env), startServer(env)]);
    try {
      await contend(servers);
    } finally {
      await stopAll(servers);
    }
  },
  60_000,
);

/**
 * Contention: 64 concurrent writers record deployments of the same app in
 * the same environment at once, over HTTP, against one server process on
 * SQLite: no 5xx, exactly one current entry (the latest by deployedAt, then
 * id), and every acknowledged write in the history. (Several processes
 * sharing MongoDB run this where SVT_TEST_MONGODB_URL is set: see mongo.test.ts.)
 */
import { afterAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { call, startServer } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const WRITERS = 64;
const ROUNDS = 5;

test(`${WRITERS} concurrent writers on one app and environment, ${ROUNDS} rounds`, async () => {
  const server = await startServer({ SVT_DB: join(tempDir(), 'svt.db'), SVT_RATE_LIMIT: '0' });
  try {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const statuses: number[] = [];
    const acked: { version: string; id: string; deployedAt: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, w) => {
          // Some share an instant (the id breaks the tie), some are backdated.
          const deployedAt = new Date(base + ((w * 7 + round * 13) % 40) * 1000).toISOString();
          return call(server.port, 'POST', '/api/v1/deployments', {
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
            JSON.parse(a.body) as {
              deployment: { version: string; id: string; deployedAt: string };
            }
          ).deployment;
          acked.push({ version: d.version, id: d.id, deployedAt: d.deployedAt });
        }
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(acked).toHaveLength(WRITERS * ROUNDS);

    const current = JSON.parse(
      (await call(server.port, 'GET', '/api/v1/environments/prod')).body,
    ) as {
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
      const page = JSON.parse((await call(server.port, 'GET', path)).body) as {
        items: { version: string }[];
        next: string | null;
      };
      page.items.forEach((d) => seen.add(d.version));
      if (page.next === null) break;
      path = `/api/v1/deployments?env=prod&app=contended&limit=100&cursor=${page.next}`;
    }
    expect([...seen].sort()).toEqual(acked.map((a) => a.version).sort());
  } finally {
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
}, 60_000);

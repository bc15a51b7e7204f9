/**
 * The crash test: writers send deployments with unique versions over
 * keep-alive connections while the server process is killed with SIGKILL
 * and restarted, again and again. After the last restart every
 * acknowledged deployment is there, nothing appears that was never sent,
 * each environment has exactly one current entry per app (the latest
 * success in the ledger's order), and SQLite's integrity_check says ok.
 * SVT_CRASH_CYCLES (default 50) and SVT_CRASH_CYCLE_MS (default 700) scale it.
 */
import { afterAll, expect, test } from '@jest/globals';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Deployment } from '@svt/client';
import { LedgerReads } from '../../server/src/store/sqlite-reads.js';
import { decodeId } from '../../server/src/store/sqlite-ids.js';
import { startServer, type ServerProcess } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const CYCLES = Number(process.env.SVT_CRASH_CYCLES ?? 50);
const CYCLE_MS = Number(process.env.SVT_CRASH_CYCLE_MS ?? 700);
const WRITERS = 16;

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/deployments',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0)); // killed mid-request: not acknowledged
    req.end(body);
  });
}

test(`${CYCLES} SIGKILL and restart cycles under load lose no acknowledged deployment`, async () => {
  const db = join(tempDir('svt-crash-'), 'svt.db');
  const env = { SVT_DB: db, SVT_RATE_LIMIT: '0' };
  let server: ServerProcess = await startServer(env);
  const port = server.port;
  const sent = new Set<string>();
  const acked = new Set<string>();
  let next = 0;
  let running = true;
  let serverUp = true;

  const writer = async (w: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      if (!serverUp) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const n = next++;
      const version = `1.0.${n}`;
      sent.add(version);
      const body = JSON.stringify({
        env: `env-${n % 3}`,
        app: `app-${w % 8}`,
        version,
        status: n % 11 === 0 ? 'failure' : 'success',
      });
      if ((await post(agent, port, body)) === 201) acked.add(version);
    }
    agent.destroy();
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

  for (let cycle = 0; cycle < CYCLES; cycle++) {
    await new Promise((r) => setTimeout(r, CYCLE_MS));
    server.proc.kill('SIGKILL');
    await server.exited;
    serverUp = false;
    server = await startServer({ ...env, SVT_PORT: String(port) });
    serverUp = true;
  }
  running = false;
  await Promise.all(writers);
  server.proc.kill('SIGTERM');
  expect(await server.exited).toBe(0);

  expect(acked.size).toBeGreaterThanOrEqual(Math.min(5000, CYCLES * 100));
  const file = new Database(db, { readonly: true });
  try {
    expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    // Every stored deployment as the ledger's reads build it (sqlite-docs.ts).
    const docs = new LedgerReads(file)
      .history({ limit: 1_000_000 })
      .docs.map((d) => JSON.parse(d) as Deployment);
    const stored = new Set(docs.map((d) => d.version));
    expect(stored.size).toBe(docs.length); // each version stored once
    const lost = [...acked].filter((v) => !stored.has(v));
    expect(lost).toEqual([]);
    const invented = [...stored].filter((v) => !sent.has(v));
    expect(invented).toEqual([]);

    // Current state: one entry per env and app, the latest success by (deployedAt, id).
    const expected = new Map<string, Deployment>();
    for (const d of docs) {
      if (d.status !== 'success') continue;
      const key = `${d.env}\u0000${d.app}`;
      const best = expected.get(key);
      if (
        best === undefined ||
        d.deployedAt > best.deployedAt ||
        (d.deployedAt === best.deployedAt && d.id > best.id)
      ) {
        expected.set(key, d);
      }
    }
    const current = file
      .prepare(
        `SELECT e.name AS env, a.name AS app, d.id FROM pairs p JOIN envs e ON e.id = p.env
           JOIN apps a ON a.id = p.app JOIN ledger d ON d.seq = p.current_seq`,
      )
      .all()
      .map((c) => ({
        ...(c as { env: string; app: string }),
        id: decodeId((c as { id: Buffer }).id),
      }));
    expect(new Set(current.map((c) => `${c.env}\u0000${c.app}`)).size).toBe(current.length);
    expect(new Map(current.map((c) => [`${c.env}\u0000${c.app}`, c.id]))).toEqual(
      new Map([...expected].map(([k, d]) => [k, d.id])),
    );
  } finally {
    file.close();
  }
  console.log(
    `crash test: ${CYCLES} cycles, ${sent.size} sent, ${acked.size} acknowledged, none lost`,
  );
}, 180_000);

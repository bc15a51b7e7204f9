#!/usr/bin/env node
/**
 * Failover check: SVT servers record deployments under a steady write load
 * while the database's primary is disrupted (stepped down, killed), then
 * every acknowledged deployment must be there exactly once, with the id
 * its answer gave, none twice, and each app's current deployment the
 * latest success of what is stored. Run by the GitHub workflow's
 * `mongodb-failover` job against a three-member replica set; it cannot run
 * here (no MongoDB server can be installed on this project's machines),
 * where it runs on SQLite, without disruption, as a check of the script.
 *
 * Writers use the real client (@svt/client): an Idempotency-Key per
 * deployment, retries on network errors, 409 and 5xx within its deadline,
 * as CI jobs do. A write the client gave up on was not acknowledged: it may
 * be stored (once) or not.
 *
 * Settings (environment):
 * - SVT_FAILOVER_MONGODB_URL: the replica set; two servers share it. Or
 *   SVT_FAILOVER_SQLITE: a SQLite file, one server (a check of the script).
 * - SVT_FAILOVER_DISRUPT: shell commands, one a line, run in turn, spread
 *   evenly over the load (e.g. a `replSetStepDown`, a `docker kill`).
 * - SVT_FAILOVER_SECONDS (40), SVT_FAILOVER_WRITERS (24).
 *
 * Exit codes: 0 the check holds, 1 it does not (each fault printed), 2 bad settings.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { SvtClient } from '@svt/client';

const ROOT = join(import.meta.dirname, '..');
const { start, stop, SERVER_BIN } = await import(join(ROOT, 'bench', 'process.mjs'));

const env = process.env;
const MONGODB_URL = env.SVT_FAILOVER_MONGODB_URL ?? '';
const SQLITE = env.SVT_FAILOVER_SQLITE ?? '';
const SECONDS = Number(env.SVT_FAILOVER_SECONDS ?? 40);
const WRITERS = Number(env.SVT_FAILOVER_WRITERS ?? 24);
const DISRUPT = (env.SVT_FAILOVER_DISRUPT ?? '')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
const DB = `svt_failover_${process.pid}`;
const ENV = 'failover';
const APPS = 12;

if ((MONGODB_URL === '') === (SQLITE === '') || !(SECONDS > 0) || !(WRITERS > 0)) {
  console.error(
    'failover-check: set SVT_FAILOVER_MONGODB_URL (a replica set) or SVT_FAILOVER_SQLITE (a file), ' +
      'and positive SVT_FAILOVER_SECONDS and SVT_FAILOVER_WRITERS',
  );
  process.exit(2);
}

const log = (line) => console.log(`failover-check: ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a shell command, printing its output; resolves with its exit code. */
function shell(command) {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { timeout: 120_000 }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`.trim();
      if (out !== '') log(`  ${out.split('\n').join('\n  ')}`);
      resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : 1);
    });
  });
}

/** The replica set's primary ("host:port"), or null while there is none; retried for 60 s. */
async function primaryOf(client) {
  for (let i = 0; i < 120; i++) {
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      if (typeof hello.primary === 'string') return hello.primary;
    } catch {
      // An election in progress: ask again.
    }
    await sleep(500);
  }
  return null;
}

const serverEnv = {
  SVT_PORT: '0',
  SVT_RATE_LIMIT: '0',
  ...(MONGODB_URL !== ''
    ? { SVT_MONGODB_URL: MONGODB_URL, SVT_MONGODB_DB: DB }
    : { SVT_DB: SQLITE }),
};
// Two instances on MongoDB, as behind a load balancer; one on SQLite (one writer process a file).
const servers = [];
for (let i = 0; i < (MONGODB_URL !== '' ? 2 : 1); i++) {
  servers.push(await start(SERVER_BIN, serverEnv, ROOT));
}
const mongo = MONGODB_URL === '' ? null : new MongoClient(MONGODB_URL);
const faults = [];
try {
  const clients = servers.map(
    (s) =>
      new SvtClient({
        baseUrl: `http://127.0.0.1:${s.port}`,
        timeoutMs: 5_000,
        deadlineMs: 90_000,
        backoff: { baseMs: 200, maxMs: 2_000 },
        userAgent: 'svt-failover-check',
      }),
  );
  /** Idempotency-Key to what its acknowledged answer said. */
  const acked = new Map();
  const givenUp = [];
  let replays = 0;
  const startedAt = Date.now();
  const until = startedAt + SECONDS * 1000;
  const writer = async (w) => {
    for (let n = 0; Date.now() < until; n++) {
      const key = `failover-${w}-${n}`;
      const request = { env: ENV, app: `app-${w % APPS}`, version: `1.${w}.${n}` };
      try {
        const outcome = await clients[(w + n) % clients.length].record(request, {
          idempotencyKey: key,
        });
        if (outcome.replayed) replays += 1;
        acked.set(key, { id: outcome.deployment.id, version: request.version });
      } catch (err) {
        givenUp.push(`${key}: ${err.message}`);
      }
    }
  };
  const disruptions = (async () => {
    for (const [i, command] of DISRUPT.entries()) {
      await sleep(startedAt + ((i + 1) * SECONDS * 1000) / (DISRUPT.length + 1) - Date.now());
      const before = mongo === null ? null : await primaryOf(mongo);
      log(`disruption ${i + 1} at ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${command}`);
      const code = await shell(command);
      const after = mongo === null ? null : await primaryOf(mongo);
      log(`  exit ${code}; primary ${before} -> ${after}`);
      if (mongo !== null && (after === null || after === before)) {
        faults.push(`disruption ${i + 1} did not move the primary (${before} -> ${after})`);
      }
    }
  })();
  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), disruptions]);
  if (mongo !== null) await primaryOf(mongo);

  // What is stored, through the API of the first instance, every page.
  const stored = [];
  let cursor;
  do {
    const page = await clients[0].history({ env: ENV, limit: 100, cursor });
    stored.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  const byKey = new Map();
  for (const d of stored) byKey.set(d.idempotencyKey, [...(byKey.get(d.idempotencyKey) ?? []), d]);
  for (const [key, list] of byKey) {
    if (list.length > 1) faults.push(`${key}: stored ${list.length} times`);
  }
  for (const [key, answer] of acked) {
    const found = byKey.get(key) ?? [];
    if (found.length === 0) faults.push(`${key}: acknowledged as ${answer.id}, not stored`);
    else if (found[0].id !== answer.id) {
      faults.push(`${key}: acknowledged as ${answer.id}, stored as ${found[0].id}`);
    }
  }
  // Current state agrees with what is stored: each app's latest success by (deployedAt, id).
  const current = await clients[0].current(ENV);
  for (let a = 0; a < APPS; a++) {
    const app = `app-${a}`;
    const latest = stored
      .filter((d) => d.app === app && d.status === 'success')
      .sort((x, y) =>
        x.deployedAt === y.deployedAt
          ? x.id < y.id
            ? 1
            : -1
          : x.deployedAt < y.deployedAt
            ? 1
            : -1,
      )[0];
    const shown = current.deployments.find((d) => d.app === app);
    if (latest?.id !== shown?.id) {
      faults.push(`${app}: current is ${shown?.id}, the latest stored success is ${latest?.id}`);
    }
  }
  log(
    `${acked.size} acknowledged (${replays} answered as replays of a retried request), ` +
      `${givenUp.length} given up by the client, ${stored.length} stored, ` +
      `${DISRUPT.length} disruptions, ${servers.length} servers, ${SECONDS} s, ${WRITERS} writers`,
  );
  for (const line of givenUp.slice(0, 10)) log(`given up: ${line}`);
  if (acked.size === 0) faults.push('no write was acknowledged: nothing was checked');
} finally {
  for (const s of servers) await stop(s);
  if (mongo !== null) {
    await mongo
      .db(DB)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  }
}
for (const fault of faults) console.error(`failover-check: FAULT ${fault}`);
log(
  faults.length === 0 ? 'every acknowledged deployment is stored once' : `${faults.length} faults`,
);
process.exit(faults.length === 0 ? 0 : 1);

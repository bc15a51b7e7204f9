// `npm run bench:mongo`: the read figures of BENCHMARKS.md at 260,000
// deployments, on MongoDB, and the plan the server makes of each query the
// store sends (mongo-*queries.ts: index scan or not, blocking sort or not,
// keys and documents examined). Where SVT_TEST_MONGODB_URL is unset (this
// project's own machines, where no MongoDB server can be installed) it says
// so in one line and exits 0; the GitHub workflow's replica-set job runs it.
//
// The 260,000 deployments have the shape of bench/seed.mjs `seedHistory`
// (env-0: 1,000 apps; env-1..4: 200 each; 1 in 17 a failure; CI metadata,
// three attributes, an idempotency key claimed by `ci-bot`), ten years of
// them. They are inserted as the store's own documents (toDocument, the
// env/app entries computed alongside) in bulk, in minutes less than
// 260,000 transactions would take: what is measured is reading.
//
// Settings: SVT_TEST_MONGODB_URL (required), BENCH_MONGO_TOTAL (260000),
// BENCH_MONGO_GETS (300 timed GETs per read), BENCH_SECONDS (5, autocannon).
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { ROOT, start, stop, SERVER_BIN } from './process.mjs';
import { readLatencies } from './read-latency.mjs';
import { summarize } from './mongo-plans.mjs';
import { CI_BOT_SCOPE } from './seed.mjs';

const MONGODB_URL = process.env.SVT_TEST_MONGODB_URL ?? '';
if (MONGODB_URL === '') {
  console.log(
    'bench:mongo skipped: SVT_TEST_MONGODB_URL is unset (no MongoDB server on this machine; ' +
      'the GitHub workflow runs it against a replica set)',
  );
  process.exit(0);
}

// Built here rather than by the npm script, so that a skip prints one line only.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });

const TOTAL = Number(process.env.BENCH_MONGO_TOTAL ?? 260_000);
const GETS = Number(process.env.BENCH_MONGO_GETS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const DB = `svt_bench_${process.pid}`;

const dist = new URL('../server/dist/store/', import.meta.url);
const { MongoStore } = await import(new URL('mongo.js', dist).href);
const { toDocument } = await import(new URL('mongo-documents.js', dist).href);
const { deploymentOf } = await import(new URL('shared.js', dist).href);
const { idFactory } = await import(new URL('ids.js', dist).href);
const q = await import(new URL('mongo-queries.js', dist).href);
const m = await import(new URL('mongo-maintenance-queries.js', dist).href);

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const T0 = Date.parse('2016-11-28T00:00:00Z');
const SPAN = 10 * 365 * 24 * 3600e3;

/** Deployment `i` of `TOTAL`, as seedHistory makes it. */
function input(i) {
  const big = Math.floor(TOTAL * 0.4);
  const inBig = i < big;
  const app = `app-${String(i % (inBig ? 1000 : 200)).padStart(4, '0')}`;
  return {
    env: inBig ? 'env-0' : `env-${1 + (i % 4)}`,
    app,
    version: `1.${Math.floor(i / 1000)}.${i % 1000}`,
    status: i % 17 === 0 ? 'failure' : 'success',
    deployedAt: T0 + Math.floor((inBig ? i / big : (i - big) / (TOTAL - big)) * SPAN),
    commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    committedAt: null,
    ref: 'refs/heads/main',
    repository: null,
    url: `https://${app}.example.test/`,
    pipelineUrl: `https://ci.example.test/pipelines/${i}`,
    actor: 'ci-bot',
    source: 'bench',
    attributes: { region: 'eu-west-1', cluster: 'k8s-blue', build: 100_000 + i },
    recordedBy: 'ci-bot',
  };
}

/** Inserts TOTAL deployments and their env/app entries, as the store would have written them. */
async function seed(db) {
  const started = performance.now();
  // One id maker per environment: each one's deployments arrive in time order.
  const makers = new Map();
  const pairs = new Map();
  let docs = [];
  const flush = async () => {
    if (docs.length > 0) await db.collection('deployments').insertMany(docs, { ordered: false });
    docs = [];
  };
  for (let i = 0; i < TOTAL; i++) {
    const x = input(i);
    // Arrival in deployedAt order (the seed's), so ids and instants agree.
    if (!makers.has(x.env)) makers.set(x.env, idFactory());
    const id = makers.get(x.env)(x.deployedAt);
    const key = `github-${sha256(`run-${i}`).slice(0, 40)}`;
    const deployment = deploymentOf(x, id, x.deployedAt, key, false);
    const name = `${x.env}\n${x.app}`;
    const pair = pairs.get(name) ?? { env: x.env, app: x.app, firstId: id, seen: id };
    const success = x.status === 'success';
    docs.push(
      toDocument(deployment, pair.currentId ?? null, {
        scope: CI_BOT_SCOPE,
        hash: sha256(`body-${i}`),
      }),
    );
    if (success) pair.currentId = id;
    pair.latestId = id;
    pair.latestAt = new Date(x.deployedAt);
    pairs.set(name, pair);
    if (docs.length === 5000) await flush();
  }
  await flush();
  await db.collection('env_apps').insertMany([...pairs.values()], { ordered: false });
  return (performance.now() - started) / 1000;
}

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const cannon = (options) =>
  new Promise((resolve, reject) =>
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result))),
  );

/** BENCHMARKS.md's reads, through a server process on this database. */
async function reads() {
  const server = await start(SERVER_BIN, {
    SVT_PORT: '0',
    SVT_MONGODB_URL: MONGODB_URL,
    SVT_MONGODB_DB: DB,
    SVT_RATE_LIMIT: '100000000',
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const paths = {
      'current, 1,000 apps': '/api/v1/environments/env-0',
      'current at a past instant, 1,000 apps': '/api/v1/environments/env-0?at=2026-05-28T00:00:00Z',
      'one page of history (50)': '/api/v1/deployments?env=env-0&limit=50',
      'one page of history, one app (50)': '/api/v1/deployments?env=env-0&app=app-0001&limit=50',
    };
    const rows = [];
    for (const [name, path] of Object.entries(paths)) {
      await readLatencies(base + path, 20); // warm-up
      const ms = await readLatencies(base + path, GETS);
      const r = await cannon({ url: base + path, connections: 10, duration: SECONDS });
      if (r.non2xx + r.errors > 0) throw new Error(`${name}: failed requests`);
      rows.push([name, quantile(ms, 0.5), quantile(ms, 0.99), r.requests.average]);
    }
    const writeBefore = {
      url: `${base}/api/v1/deployments`,
      body: (i) => JSON.stringify({ env: 'env-9', app: 'writer', version: `9.0.${i}` }),
    };
    const ms = await readLatencies(base + paths['current, 1,000 apps'], GETS, writeBefore);
    rows.push([
      'current, 1,000 apps, right after a write',
      quantile(ms, 0.5),
      quantile(ms, 0.99),
      null,
    ]);
    return rows;
  } finally {
    await stop(server);
  }
}

/** Each query of mongo-queries.ts with arguments from the seeded data, explained by the server. */
async function plans(db) {
  const at = new Date('2026-05-28T00:00:00Z');
  const some = await db.collection('deployments').findOne({ env: 'env-0', app: 'app-0001' });
  const id = some._id;
  const queries = {
    'current now: entries of env-0': q.pairsOfEnv('env-0'),
    'current at an instant: one app (x1,000)': q.pairAt('env-0', 'app-0001', 'current', at),
    'latest at an instant: one app (x1,000)': q.pairAt('env-0', 'app-0001', 'latest', at),
    'history: everything': q.historyPage({ limit: 50 }),
    'history: env-0': q.historyPage({ env: 'env-0', limit: 50 }),
    'history: env-0, failures': q.historyPage({ env: 'env-0', status: 'failure', limit: 50 }),
    'history: env-0, app-0001': q.historyPage({ env: 'env-0', app: 'app-0001', limit: 50 }),
    'history: app-0001 page 2': q.historyPage({
      app: 'app-0001',
      after: { deployedAt: some.deployedAt.getTime(), id },
      limit: 50,
    }),
    environments: q.environmentsPipeline(),
    'apps: every entry': q.pairsByApp(),
    'app: its entries': q.pairsOfApp('app-0001'),
    'write: claimed key': q.claimed('ci-bot', 'github-none'),
    'write: success it replaces': q.previousSuccess('env-0', 'app-0001', at, id),
    'write: ran before': q.ranBefore('env-0', 'app-0001', '1.0.1'),
    'write: successes oldest first': q.successesOldestFirst('env-0', 'app-0001'),
    'write: latest unless later': q.setLatest('env-0', 'app-0001', id, at),
    'prune: candidates': m.pruneCandidates('env-0', new Date(T0 + SPAN / 2), null, 1000),
    'prune: kept': m.keptInEnv('env-0'),
    'export: arrival order': m.inArrivalOrder(),
  };
  const rows = [];
  for (const [name, query] of Object.entries(queries)) {
    const collection = db.collection(query.collection);
    const explained =
      query.pipeline === undefined
        ? await collection
            .find(query.filter, q.findOptions(query))
            .limit(query.limit ?? 50)
            .explain('executionStats')
        : await collection
            .aggregate(query.pipeline, { hint: query.hint })
            .explain('executionStats');
    rows.push([name, query.hint, summarize(explained)]);
  }
  return rows;
}

const client = new MongoClient(MONGODB_URL);
try {
  // Indexes first, made by the store itself, then the documents.
  const store = new MongoStore(MONGODB_URL, DB);
  await store.open();
  await store.close();
  await client.connect();
  const db = client.db(DB);
  const seeded = await seed(db);
  const hello = await db.admin().command({ hello: 1 });
  const { version } = await db.admin().command({ buildInfo: 1 });
  const f = (x, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));
  console.log(
    `\nMongoDB ${version} (${hello.setName ? `replica set ${hello.setName}, ${hello.hosts?.length ?? 1} members` : 'mongos'}), ` +
      `${TOTAL.toLocaleString('en')} deployments inserted in ${f(seeded, 1)} s.\n`,
  );
  const readRows = await reads();
  console.log(
    `| read (${TOTAL.toLocaleString('en')} deployments) | p50 ms | p99 ms | req/s, 10 connections |`,
  );
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, p50, p99, rps] of readRows) {
    console.log(`| ${name} | ${f(p50)} | ${f(p99)} | ${f(rps, 0)} |`);
  }
  console.log(
    `\n${GETS} sequential GETs on one keep-alive connection (curl), autocannon ${SECONDS} s; ` +
      'the last row alternates a POST to another environment and the GET.\n',
  );
  console.log('| query | hint | plan | index scan | blocking sort | keys | docs | returned |');
  console.log('| --- | --- | --- | --- | --- | ---: | ---: | ---: |');
  for (const [name, hint, p] of await plans(db)) {
    console.log(
      `| ${name} | ${hint ?? 'none (scan)'} | ${p.stages.join(' < ')} | ${p.indexes.join(', ') || 'no'} | ` +
        `${p.blockingSort ? 'yes' : 'no'} | ${p.keys} | ${p.docs} | ${p.returned} |`,
    );
  }
} finally {
  await client
    .db(DB)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
}

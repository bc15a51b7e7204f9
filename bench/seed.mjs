// Seeds a SQLite file through the store's own writer (the code every write
// goes through), in large transactions. Shared by the benchmarks.
import { createHash } from 'node:crypto';
import { migrate, openDatabase } from '../server/dist/store/sqlite-connection.js';
import { LedgerWriter } from '../server/dist/store/sqlite-writer.js';

/** The optional fields of a deployment, all empty. */
export const EMPTY = {
  commit: null,
  committedAt: null,
  ref: null,
  repository: null,
  url: null,
  pipelineUrl: null,
  actor: null,
  source: null,
  attributes: {},
  recordedBy: null,
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** The scope the server gives a token's idempotency keys: the token's SHA-256, as hex (routes/record.ts). */
export const CI_BOT_SCOPE = sha256(`svt_${'c'.repeat(43)}`);

/**
 * `total` deployments over ten years: 40% in env-0 (1,000 apps), the rest
 * in env-1..4 (200 apps each), 1 in 17 a failure, with CI metadata (commit,
 * ref, pipeline URL, actor, source, three attributes) and an idempotency key
 * shaped like the client's default (`github-` and 40 hex digits), claimed
 * by a token named `ci-bot` (its scope: the token's hash, as the server's).
 */
export function seedHistory(path, total) {
  const t0 = Date.parse('2016-11-28T00:00:00Z');
  const span = 10 * 365 * 24 * 3600e3;
  const big = Math.floor(total * 0.4);
  return seed(
    path,
    total,
    (i) => {
      const inBig = i < big;
      const app = `app-${String(i % (inBig ? 1000 : 200)).padStart(4, '0')}`;
      return {
        ...EMPTY,
        env: inBig ? 'env-0' : `env-${1 + (i % 4)}`,
        app,
        version: `1.${Math.floor(i / 1000)}.${i % 1000}`,
        status: i % 17 === 0 ? 'failure' : 'success',
        deployedAt: t0 + Math.floor((inBig ? i / big : (i - big) / (total - big)) * span),
        commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        ref: 'refs/heads/main',
        url: `https://${app}.example.test/`,
        pipelineUrl: `https://ci.example.test/pipelines/${i}`,
        actor: 'ci-bot',
        source: 'bench',
        attributes: { region: 'eu-west-1', cluster: 'k8s-blue', build: 100_000 + i },
      };
    },
    (i) => {
      const key = `github-${sha256(`run-${i}`).slice(0, 40)}`;
      return { scope: CI_BOT_SCOPE, key, fingerprint: sha256(`body-${i}`) };
    },
  );
}

/** The seed's own test record: {env, name, url, version}, 260,000 of them in its README. */
export function seedLikeTheSeed(path, total) {
  const t0 = Date.parse('2025-11-28T00:00:00Z');
  return seed(path, total, (i) => ({
    ...EMPTY,
    env: 'dev',
    app: `Name of the application ${i % 1000}`,
    version: `5.${Math.floor(i / 1000) % 100}.${i % 1000}`,
    status: 'success',
    deployedAt: t0 + i * 60_000,
    url: 'http://www.whatever.com:1337/random/url/long/enough',
  }));
}

/**
 * The twenty environments of the matrix benchmark, as a company names them:
 * several per promotion stage (regions, a second dev), and two that say no
 * stage, in the order a first deployment reaches them.
 */
export const MATRIX_ENVS = [
  'dev',
  'dev-2',
  'test',
  'test-perf',
  'qa',
  'qa-eu',
  'qa-us',
  'staging',
  'staging-eu',
  'staging-us',
  'uat',
  'preprod',
  'prod-eu-1',
  'prod-eu-2',
  'prod-us-1',
  'prod-us-2',
  'prod-ap-1',
  'prod-ap-2',
  'sandbox',
  'k8s-lab',
];

/**
 * `apps` applications in the first `envs` of MATRIX_ENVS, two successes per
 * application and environment (the one before, then the current one), as a
 * promotion path leaves them: an environment runs the version of the one
 * before it or an older one (a third of the cells lag one version), and 1
 * application in 20 is missing from each environment after the first. At
 * 1,000 x 20: 20,000 cells, 40,000 deployments, over the 90 days before
 * `now` (epoch ms).
 */
export function seedMatrix(path, apps, envs, now = Date.now()) {
  const names = MATRIX_ENVS.slice(0, envs);
  const day = 24 * 3600e3;
  const cells = [];
  for (let a = 0; a < apps; a++) {
    let minor = 10 + (a % 7);
    names.forEach((env, e) => {
      if (e > 0 && (a * 7 + e * 13) % 20 === 0) return;
      if ((a + e) % 3 === 0 && minor > 0) minor -= 1;
      cells.push({ env, app: `service-${String(a).padStart(4, '0')}`, minor, a, e });
    });
  }
  return seed(path, cells.length * 2, (i) => {
    const c = cells[i >> 1];
    const first = (i & 1) === 0;
    return {
      ...EMPTY,
      env: c.env,
      app: c.app,
      version: `2.${first ? c.minor : c.minor + 1}.${c.a % 10}`,
      status: 'success',
      deployedAt: now - ((c.a * 37 + c.e * 101) % 90) * day - (first ? 7 * day : 0) - 3600e3,
    };
  });
}

/** Seeds `total` deployments made by `make(i)`, each claimed by `claimOf(i)` (an idempotency claim) if given. */
function seed(path, total, make, claimOf = () => undefined) {
  const started = performance.now();
  const db = openDatabase(path);
  migrate(db);
  const writer = new LedgerWriter(db);
  let batch = [];
  for (let i = 0; i < total; i++) {
    batch.push({ n: i, claim: claimOf(i), input: make(i), hooks: [] });
    if (batch.length === 10_000) {
      writer.write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) writer.write(batch);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return (performance.now() - started) / 1000;
}

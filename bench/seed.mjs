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
  url: null,
  pipelineUrl: null,
  actor: null,
  source: null,
  attributes: {},
  recordedBy: null,
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * `total` deployments over ten years: 40% in env-0 (1,000 apps), the rest
 * in env-1..4 (200 apps each), 1 in 17 a failure, with CI metadata (commit,
 * ref, pipeline URL, actor, source, three attributes) and an idempotency key
 * shaped like the client's default (`github-` and 40 hex digits), claimed
 * by a token named `ci-bot`.
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
      return { scope: 'ci-bot', key, fingerprint: sha256(`body-${i}`) };
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

/** Seeds `total` deployments made by `make(i)`, each claimed by `claimOf(i)` (an idempotency claim) if given. */
function seed(path, total, make, claimOf = () => undefined) {
  const started = performance.now();
  const db = openDatabase(path);
  migrate(db);
  const writer = new LedgerWriter(db);
  let batch = [];
  for (let i = 0; i < total; i++) {
    batch.push({ n: i, claim: claimOf(i), input: make(i) });
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

/**
 * A database written by an earlier release's own code (release-build.ts):
 * deployments recorded through that release's LedgerWriter in batches, as
 * its writer thread records them, with idempotency claims on some, and two
 * tokens (one revoked) made by its store. Cached beside the build, keyed by
 * commit and size, so that a rerun copies a file instead of writing it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { releaseBuild } from './release-build.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Environments of the generated history, and apps per environment. */
const ENVS = ['dev', 'staging', 'prod'];
const APPS = [1000, 300, 200];
const T0 = Date.parse('2025-01-01T00:00:00Z');

/** The idempotency claim deployment `i` was recorded with, if any (1 in 10). */
export function claimOf(
  i: number,
): { scope: string; key: string; fingerprint: string } | undefined {
  if (i % 10 !== 3) return undefined;
  return {
    scope: 'ci',
    key: `github-${sha256(`run-${i}`).slice(0, 40)}`,
    fingerprint: sha256(`body-${i}`),
  };
}

/**
 * Deployment `i`, as the writer receives it (instants epoch ms). Mostly in
 * time order, 1 in 97 back-dated (arrives out of order), ties on deployedAt
 * every 50th pair; 1 in 17 a failure, 1 in 41 started; versions that come
 * back (rollbacks); CI metadata on every other one.
 */
export function deploymentInput(i: number): Record<string, unknown> {
  const e = i % 7 < 4 ? 0 : i % 7 < 6 ? 1 : 2;
  const app = `app-${String(Math.floor(i / 7) % (APPS[e] ?? 1)).padStart(4, '0')}`;
  const tied = i % 50 === 1 ? i - 1 : i;
  const at = T0 + tied * 60_000 - (i % 97 === 5 ? 3 * 86_400_000 : 0);
  const ci = i % 2 === 0;
  return {
    env: ENVS[e],
    app,
    version: `1.${Math.floor(i / 9000)}.${i % 11}`,
    status: i % 17 === 0 ? 'failure' : i % 41 === 0 ? 'started' : 'success',
    deployedAt: at,
    commit: ci ? sha256(`c${i}`).slice(0, 40) : null,
    committedAt: ci ? at - 600_000 : null,
    ref: ci ? 'refs/heads/main' : null,
    url: ci
      ? `https://${app}.example.test/`
      : 'http://www.whatever.com:1337/random/url/long/enough',
    pipelineUrl: ci ? `https://ci.example.test/pipelines/${i}` : null,
    actor: ci ? 'ci-bot' : null,
    source: ci ? 'github' : null,
    attributes: ci ? { region: 'eu-west-1', build: i, canary: i % 3 === 0 } : {},
    recordedBy: ci ? 'ci' : null,
  };
}

interface ReleaseModules {
  connection: {
    openDatabase(path: string): { close(): void; pragma(s: string): unknown };
    migrate(db: unknown): void;
  };
  writer: { LedgerWriter: new (db: unknown) => { write(batch: unknown[]): unknown[] } };
  store: {
    SqliteStore: new (path: string) => {
      createToken(t: unknown): Promise<void>;
      revokeToken(name: string, at: number): Promise<boolean>;
      close(): Promise<void>;
    };
  };
}

/** The token records the release's store is given (1.0.0's TokenRecord shape). */
export const RELEASE_TOKENS = [
  { name: 'ci', hash: sha256('svt_ci'), scopes: ['write:*'], sessionHash: sha256('cookie-ci') },
  { name: 'old', hash: sha256('svt_old'), scopes: ['read'], sessionHash: sha256('cookie-old') },
];

/**
 * A copy, at `target`, of a database of `rows` deployments written by the
 * release at `commit`. Throws when the commit is not in git history.
 */
export async function releaseDatabase(commit: string, rows: number, target: string): Promise<void> {
  const dir = releaseBuild(commit);
  const cached = join(dir, `ledger-${rows}.db`);
  if (!existsSync(cached)) {
    const load = (path: string): Promise<unknown> =>
      import(join(dir, 'server', 'src', 'store', path));
    const m = {
      connection: await load('sqlite-connection.js'),
      writer: await load('sqlite-writer.js'),
      store: await load('sqlite.js'),
    } as ReleaseModules;
    const building = `${cached}.${process.pid}.tmp`;
    const db = m.connection.openDatabase(building);
    m.connection.migrate(db);
    const writer = new m.writer.LedgerWriter(db);
    for (let start = 0; start < rows; start += 2000) {
      const batch = [];
      for (let i = start; i < Math.min(rows, start + 2000); i++) {
        batch.push({ n: i, input: deploymentInput(i), claim: claimOf(i) });
      }
      writer.write(batch);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const store = new m.store.SqliteStore(building);
    for (const t of RELEASE_TOKENS) {
      await store.createToken({ ...t, createdAt: T0, lastUsedAt: null, revokedAt: null });
    }
    await store.revokeToken('old', T0 + 1000);
    await store.close();
    const check = m.connection.openDatabase(building);
    check.pragma('wal_checkpoint(TRUNCATE)');
    check.close();
    rmSync(`${building}-wal`, { force: true });
    rmSync(`${building}-shm`, { force: true });
    renameSync(building, cached);
  }
  copyFileSync(cached, target);
}

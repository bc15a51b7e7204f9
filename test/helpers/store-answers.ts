/**
 * Every question the API asks a store, asked of one store, with the answers
 * gathered in one value: two stores that answer equally here answer every
 * route equally (compare, changes, DORA and pages are computed above the
 * store from these). Used by the migration tests, which put the same
 * questions to a database before and after its migration.
 */
import { createHash } from 'node:crypto';
import type { HistoryQuery, Store } from '../../server/src/store/types.js';

/** The part of the Store interface every release since 1.0.0 has had. */
export type AskedStore = Pick<
  Store,
  | 'environments'
  | 'apps'
  | 'app'
  | 'current'
  | 'latest'
  | 'attempts'
  | 'history'
  | 'exportJson'
  | 'listTokens'
  | 'tokenByHash'
>;

export interface Questions {
  envs: string[];
  apps: string[];
  /** Instants (epoch ms) for `?at=` questions. */
  instants: number[];
  /** History queries, each followed for `pages` pages. */
  histories: Omit<HistoryQuery, 'after'>[];
  pages: number;
  tokenHashes: string[];
}

/**
 * Fields added to deployments since the release a database came from, which
 * its answers lack: removed from the answers of the newer store when null,
 * the value every migrated deployment has for them (`repository`, 1.2).
 */
export const ADDED_FIELDS = ['repository'];

/**
 * `value` with every ADDED_FIELDS key whose value is null removed, at any
 * depth, deployments held as JSON text (a write's stored answer) included.
 */
export function withoutAdded(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('{"id":')) {
    return JSON.stringify(withoutAdded(JSON.parse(value)));
  }
  if (Array.isArray(value)) return value.map(withoutAdded);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(ADDED_FIELDS.includes(k) && v === null))
      .map(([k, v]) => [k, withoutAdded(v)]),
  );
}

/**
 * Every answer of `store` to `q`. With `newer`, the answers of a store of a
 * later release than the database was written by: its ADDED_FIELDS are left
 * out where null, so that the answers compare to the older release's.
 */
export async function askEverything(
  store: AskedStore,
  q: Questions,
  newer = false,
): Promise<Record<string, unknown>> {
  const answers = await askAll(store, q, newer);
  return newer ? (withoutAdded(answers) as Record<string, unknown>) : answers;
}

async function askAll(
  store: AskedStore,
  q: Questions,
  newer: boolean,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.environments = await store.environments();
  out.apps = await store.apps();
  for (const app of q.apps) out[`app ${app}`] = await store.app(app);
  for (const env of q.envs) {
    out[`current ${env}`] = await store.current(env);
    out[`latest ${env}`] = await store.latest(env);
    out[`attempts ${env}`] = await store.attempts(env);
    for (const at of q.instants) {
      out[`current ${env} at ${at}`] = await store.current(env, at);
      out[`latest ${env} at ${at}`] = await store.latest(env, at);
      out[`attempts ${env} at ${at}`] = await store.attempts(env, at);
    }
  }
  for (const query of q.histories) {
    let after: HistoryQuery['after'];
    for (let page = 0; page < q.pages; page++) {
      const result = await store.history({ ...query, ...(after === undefined ? {} : { after }) });
      // What a page says (an adapter may carry more, such as its JSON text).
      out[`history ${JSON.stringify(query)} page ${page}`] = {
        items: result.items,
        next: result.next,
      };
      if (result.next === null) break;
      after = result.next;
    }
  }
  // Every deployment, as a digest of the export (the whole ledger, in order).
  const digest = createHash('sha256');
  let lines = 0;
  for await (const line of store.exportJson()) {
    digest.update(`${newer ? JSON.stringify(withoutAdded(JSON.parse(line))) : line}\n`);
    lines += 1;
  }
  out.export = { lines, sha256: digest.digest('hex') };
  out.tokens = await store.listTokens();
  for (const hash of q.tokenHashes) out[`token ${hash}`] = await store.tokenByHash(hash);
  return out;
}

/**
 * Every query the MongoDB store sends about deployments, built by pure
 * functions: the filter (operators chosen here, values typed by the
 * routes; nothing from a request becomes an operator or a pattern), the
 * sort, the limit, the projection, and the index it hints. A hint makes
 * the plan the one named here, on every server and whatever the plan
 * cache learned; test/unit/mongo-queries.test.ts checks each query's
 * exact shape and that the index it names, declared in mongo-schema.ts,
 * serves its filter and its sort (no blocking sort). Prune, export and
 * the one-time migrations: mongo-maintenance-queries.ts; tokens, sessions
 * and keys: mongo-auth-queries.ts.
 */
import type { Document, Filter, UpdateFilter } from 'mongodb';
import type { DeploymentStatus } from '@svt/client';
import type { DeploymentDoc, EnvAppDoc, MigrationDoc } from './mongo-documents.js';
import {
  type CollectionName,
  type IndexName,
  NEWEST_FIRST,
  WHOLE_COLLECTION,
  hintOption,
} from './mongo-schema.js';
import type { HistoryQuery } from './types.js';

/** The document type of each collection this file queries. */
interface Docs {
  deployments: DeploymentDoc;
  env_apps: EnvAppDoc;
  migrations: MigrationDoc;
}
type DocOf<C extends CollectionName> = C extends keyof Docs ? Docs[C] : Document;

/** A hint: one of the collection's declared indexes, or a declared whole-collection scan. */
export type HintOf<C extends CollectionName> = IndexName<C> | typeof WHOLE_COLLECTION;

/** One find, findOne, delete or count as sent. */
export interface Query<C extends CollectionName> {
  collection: C;
  filter: Filter<DocOf<C>>;
  hint: HintOf<C>;
  sort?: Readonly<Record<string, 1 | -1>>;
  limit?: number;
  projection?: Readonly<Record<string, 0 | 1>>;
}

/** One update as sent: a query and what it changes. */
export interface Update<C extends CollectionName> extends Query<C> {
  update: UpdateFilter<DocOf<C>>;
  upsert?: boolean;
}

/** One aggregation as sent: the hint applies to its first stage's source. */
export interface Aggregation<C extends CollectionName> {
  collection: C;
  pipeline: Document[];
  hint: HintOf<C>;
}

/**
 * The driver's options for `q` (hint, and sort, limit and projection when
 * set), so that every call site passes exactly what the query declares.
 */
export function findOptions<C extends CollectionName>(
  q: Query<C>,
): {
  hint?: string;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  projection?: Record<string, 0 | 1>;
} {
  return {
    ...hintOption(q.hint),
    ...(q.sort === undefined ? {} : { sort: { ...q.sort } }),
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.projection === undefined ? {} : { projection: { ...q.projection } }),
  };
}

/** Deployments strictly before (at, id) in the ledger's order. */
export function before(at: Date, id: string): Filter<DeploymentDoc> {
  return { $or: [{ deployedAt: { $lt: at } }, { deployedAt: { $eq: at }, _id: { $lt: id } }] };
}

/** Deployments strictly after (at, id) in the ledger's order. */
export function after(at: Date, id: string): Filter<DeploymentDoc> {
  return { $or: [{ deployedAt: { $gt: at } }, { deployedAt: { $eq: at }, _id: { $gt: id } }] };
}

/** One environment and app, by equality on both. */
export function pairFilter(env: string, app: string) {
  return { env: { $eq: env }, app: { $eq: app } };
}

// Reads.

/** One deployment by id. */
export function byId(id: string): Query<'deployments'> {
  return { collection: 'deployments', filter: { _id: { $eq: id } }, hint: '_id_' };
}

/** Deployments by id (`projection` to read only some fields). */
export function byIds(
  ids: readonly string[],
  projection?: Readonly<Record<string, 0 | 1>>,
): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: { _id: { $in: [...ids] } },
    hint: '_id_',
    ...(projection === undefined ? {} : { projection }),
  };
}

/** The env/app projection's entries of one environment, by app. */
export function pairsOfEnv(env: string): Query<'env_apps'> {
  return {
    collection: 'env_apps',
    filter: { env: { $eq: env } },
    sort: { app: 1 },
    hint: 'env_app',
  };
}

/** The env/app projection's entry of one environment and app. */
export function pairOf(env: string, app: string): Query<'env_apps'> {
  return { collection: 'env_apps', filter: pairFilter(env, app), hint: 'env_app' };
}

/** Every env/app entry, by app (then env). */
export function pairsByApp(): Query<'env_apps'> {
  return { collection: 'env_apps', filter: {}, sort: { app: 1 }, hint: 'app_env' };
}

/** The env/app entries of one app. */
export function pairsOfApp(app: string): Query<'env_apps'> {
  return { collection: 'env_apps', filter: { app: { $eq: app } }, hint: 'app_env' };
}

/**
 * One app's latest deployment in `env` at instant `at` (deployedAt <= at,
 * by deployedAt then id): a success for `current`, any status for `latest`.
 * One seek in its index, whatever the length of the history.
 */
export function pairAt(
  env: string,
  app: string,
  which: 'current' | 'latest',
  at: Date,
): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: {
      ...pairFilter(env, app),
      ...(which === 'current' ? { status: { $eq: 'success' as DeploymentStatus } } : {}),
      deployedAt: { $lte: at },
    },
    sort: NEWEST_FIRST,
    limit: 1,
    hint: which === 'current' ? 'env_app_status_time' : 'env_app_time',
  };
}

/**
 * The index that serves a history query: the narrowest one whose prefix
 * the filters fix, so that the scan runs in (deployedAt, id) order from
 * the cursor and stops after `limit + 1`. A status without both env and
 * app is filtered along the scan, as in the SQLite store.
 */
function historyIndex(query: HistoryQuery): IndexName<'deployments'> {
  if (query.env !== undefined && query.app !== undefined) {
    return query.status === undefined ? 'env_app_time' : 'env_app_status_time';
  }
  if (query.env !== undefined) return 'env_time';
  if (query.app !== undefined) return 'app_time';
  return 'time';
}

/** One page of history, newest first by (deployedAt, id), one more than the page to tell whether more follow. */
export function historyPage(query: HistoryQuery): Query<'deployments'> {
  const filter: Filter<DeploymentDoc> = {};
  if (query.env !== undefined) filter.env = { $eq: query.env };
  if (query.app !== undefined) filter.app = { $eq: query.app };
  if (query.status !== undefined) filter.status = { $eq: query.status };
  const range: { $gte?: Date; $lt?: Date; $lte?: Date } = {};
  if (query.since !== undefined) range.$gte = new Date(query.since);
  if (query.until !== undefined) range.$lt = new Date(query.until);
  // A plain bound at the cursor, so that the index scan starts there.
  if (query.after !== undefined) range.$lte = new Date(query.after.deployedAt);
  if (Object.keys(range).length > 0) filter.deployedAt = range;
  if (query.after !== undefined) {
    filter.$and = [before(new Date(query.after.deployedAt), query.after.id)];
  }
  return {
    collection: 'deployments',
    filter,
    sort: NEWEST_FIRST,
    limit: query.limit + 1,
    hint: historyIndex(query),
  };
}

/**
 * Environments with their app count, last deployment and first-seen key:
 * `seen`, a fresh id made when the store first stored the pair (its own
 * arrival, as SQLite's sequence, imports included), or for pairs stored
 * before it existed, the id of their first deployment.
 */
export function environmentsPipeline(): Aggregation<'env_apps'> {
  return {
    collection: 'env_apps',
    pipeline: [
      {
        $group: {
          _id: '$env',
          apps: { $sum: 1 },
          last: { $max: '$latestAt' },
          first: { $min: { $ifNull: ['$seen', '$firstId'] } },
        },
      },
      { $sort: { first: 1, _id: 1 } },
    ],
    hint: 'env_app',
  };
}

// Writes.

/** The deployment that claimed an Idempotency-Key in its scope. */
export function claimed(scope: string, key: string): Query<'deployments'> {
  return {
    collection: 'deployments',
    // `$exists` states what the partial index holds, so that the hint is
    // always allowed (a query must imply a partial index's filter to use it).
    filter: { 'idem.scope': { $eq: scope }, 'idem.key': { $eq: key, $exists: true } },
    hint: 'idempotency',
  };
}

/** The latest success of a pair before (at, id): the one a write at (at, id) replaces. */
export function previousSuccess(
  env: string,
  app: string,
  at: Date,
  id: string,
): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: {
      ...pairFilter(env, app),
      status: { $eq: 'success' },
      // A plain bound, so that the scan starts at `at`; the $or breaks the tie.
      deployedAt: { $lte: at },
      ...before(at, id),
    },
    sort: NEWEST_FIRST,
    limit: 1,
    hint: 'env_app_status_time',
  };
}

/** A pair's latest success among those recorded up to `id` (a replayed answer's "current"). */
export function successAsOf(env: string, app: string, id: string): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: { ...pairFilter(env, app), status: { $eq: 'success' }, _id: { $lte: id } },
    sort: NEWEST_FIRST,
    limit: 1,
    hint: 'env_app_status_time',
  };
}

/** Whether `version` succeeded in the pair before (rollback detection). */
export function ranBefore(env: string, app: string, version: string): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: { ...pairFilter(env, app), version: { $eq: version }, status: { $eq: 'success' } },
    limit: 1,
    projection: { _id: 1 },
    hint: 'env_app_version',
  };
}

/** A pair's successes oldest first, for recomputing rollback flags. */
export function successesOldestFirst(env: string, app: string): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: { ...pairFilter(env, app), status: { $eq: 'success' } },
    sort: { deployedAt: 1, _id: 1 },
    projection: { _id: 1, version: 1, rollback: 1 },
    hint: 'env_app_status_time',
  };
}

/** Sets one deployment's rollback flag. */
export function setRollback(id: string, rollback: boolean): Update<'deployments'> {
  return { ...byId(id), update: { $set: { rollback } } };
}

/**
 * Adds a pair's entry unless it is there: its first and latest deployment
 * `id`, and `seen`, the store's arrival key for first-seen order.
 */
export function insertPair(
  env: string,
  app: string,
  id: string,
  at: Date,
  seen: string,
): Update<'env_apps'> {
  return {
    ...pairOf(env, app),
    update: { $setOnInsert: { env, app, firstId: id, latestId: id, latestAt: at, seen } },
    upsert: true,
  };
}

/** Makes `id` the pair's current deployment. */
export function setCurrent(env: string, app: string, id: string): Update<'env_apps'> {
  return { ...pairOf(env, app), update: { $set: { currentId: id } } };
}

/** Makes (at, id) the pair's latest deployment, unless a later one is. */
export function setLatest(env: string, app: string, id: string, at: Date): Update<'env_apps'> {
  return {
    collection: 'env_apps',
    filter: {
      ...pairFilter(env, app),
      $or: [{ latestAt: { $lt: at } }, { latestAt: { $eq: at }, latestId: { $lt: id } }],
    },
    update: { $set: { latestId: id, latestAt: at } },
    hint: 'env_app',
  };
}

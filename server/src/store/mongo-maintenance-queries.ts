/**
 * The queries of the MongoDB store's bulk work (retention pruning, export,
 * the one-time migrations), built by pure functions as in mongo-queries.ts:
 * filter, sort, projection and the declared index (mongo-schema.ts) each
 * one hints, checked by test/unit/mongo-queries.test.ts.
 */
import type { Aggregation, Query, Update } from './mongo-queries.js';
import { after, pairFilter } from './mongo-queries.js';
import { WHOLE_COLLECTION } from './mongo-schema.js';

/** Every environment's name. */
export function envNames(): Aggregation<'env_apps'> {
  return {
    collection: 'env_apps',
    pipeline: [{ $group: { _id: '$env' } }, { $sort: { _id: 1 } }],
    hint: 'env_app',
  };
}

/**
 * Up to `limit` deployments of `env` dated before `cutoff`, oldest first,
 * from strictly after `from` (the last of the previous batch) on: what
 * prune may delete, before it reads what it must keep.
 */
export function pruneCandidates(
  env: string,
  cutoff: Date,
  from: { deployedAt: Date; id: string } | null,
  limit: number,
): Query<'deployments'> {
  return {
    collection: 'deployments',
    filter: {
      env: { $eq: env },
      deployedAt: from === null ? { $lt: cutoff } : { $gte: from.deployedAt, $lt: cutoff },
      ...(from === null ? {} : after(from.deployedAt, from.id)),
    },
    sort: { deployedAt: 1, _id: 1 },
    limit,
    projection: { _id: 1, deployedAt: 1 },
    hint: 'env_time',
  };
}

/** What prune keeps in `env`: each pair's current and latest deployment. */
export function keptInEnv(env: string): Query<'env_apps'> {
  return {
    collection: 'env_apps',
    filter: { env: { $eq: env } },
    projection: { _id: 0, currentId: 1, latestId: 1 },
    hint: 'env_app',
  };
}

/** Every deployment in order of arrival (ids are ULIDs). */
export function inArrivalOrder(): Query<'deployments'> {
  return { collection: 'deployments', filter: {}, sort: { _id: 1 }, hint: '_id_' };
}

/**
 * The pairs holding a deployment stored before rollbacks were derived: a
 * whole-collection scan, which no index can answer ("has no such field"),
 * run once per database (a marker in `migrations` says it was).
 */
export function unflaggedPairs(): Aggregation<'deployments'> {
  return {
    collection: 'deployments',
    pipeline: [
      { $match: { rollback: { $exists: false } } },
      { $group: { _id: { env: '$env', app: '$app' } } },
    ],
    hint: WHOLE_COLLECTION,
  };
}

/** Gives a pair's deployments without a rollback flag the flag false (then recomputed). */
export function flagUnflagged(env: string, app: string): Update<'deployments'> {
  return {
    collection: 'deployments',
    filter: { ...pairFilter(env, app), rollback: { $exists: false } },
    update: { $set: { rollback: false } },
    hint: 'env_app_version',
  };
}

/** A one-time migration's marker. */
export function migration(name: string): Query<'migrations'> {
  return { collection: 'migrations', filter: { _id: { $eq: name } }, hint: '_id_' };
}

/** Marks a one-time migration done. */
export function markMigration(name: string, at: Date): Update<'migrations'> {
  return { ...migration(name), update: { $set: { at } }, upsert: true };
}

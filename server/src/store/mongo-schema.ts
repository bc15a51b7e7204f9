/**
 * How SVT's data is laid out in MongoDB: the collections, their indexes,
 * the ledger's order as filters and sorts, and the transaction settings
 * every write uses. The documents themselves: mongo-documents.ts.
 *
 * The deployment fields indexed or filtered on (env, app, status, version,
 * deployedAt, _id, rollback, and idem where a key was claimed) are written
 * alike by every release; the fields newer documents leave out when unset
 * are never indexed, and are read back as null (mongo-documents.ts).
 */
import type { Collection, Filter, MongoClient, TransactionOptions } from 'mongodb';
import type { DeploymentDoc, EnvAppDoc } from './mongo-documents.js';
import type { OutboxDoc } from './mongo-outbox.js';

/** The store's connected client, its two deployment collections and the webhook outbox. */
export interface MongoCollections {
  client: MongoClient;
  deployments: Collection<DeploymentDoc>;
  envApps: Collection<EnvAppDoc>;
  /** Webhook deliveries, written with their deployment (mongo-outbox.ts). */
  outbox: Collection<OutboxDoc>;
}

/** Every write's transaction: a snapshot, committed with majority write concern. */
export const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/** Deployments strictly before (at, id) in the ledger's order. */
export function before(at: Date, id: string): Filter<DeploymentDoc> {
  return { $or: [{ deployedAt: { $lt: at } }, { deployedAt: { $eq: at }, _id: { $lt: id } }] };
}

export const NEWEST_FIRST = { deployedAt: -1, _id: -1 } as const;

/** Created at start; createIndexes leaves existing ones as they are. */
export async function createIndexes(
  deployments: Collection<DeploymentDoc>,
  envApps: Collection<EnvAppDoc>,
): Promise<void> {
  await deployments.createIndexes([
    {
      key: { env: 1, app: 1, status: 1, deployedAt: -1, _id: -1 },
      name: 'env_app_status_time',
    },
    { key: { env: 1, deployedAt: -1, _id: -1 }, name: 'env_time' },
    // Rollback detection: did this version succeed in this env and app before?
    { key: { env: 1, app: 1, version: 1 }, name: 'env_app_version' },
    { key: { app: 1, deployedAt: -1, _id: -1 }, name: 'app_time' },
    { key: { deployedAt: -1, _id: -1 }, name: 'time' },
    {
      key: { 'idem.scope': 1, 'idem.key': 1 },
      name: 'idempotency',
      unique: true,
      // Only claimed keys: an imported deployment's key (a top-level
      // idempotencyKey) is kept for the API but not enforced.
      partialFilterExpression: { 'idem.key': { $exists: true } },
    },
  ]);
  await envApps.createIndexes([
    { key: { env: 1, app: 1 }, name: 'env_app', unique: true },
    { key: { app: 1, env: 1 }, name: 'app_env' },
  ]);
}

/**
 * How SVT's data looks in MongoDB: the documents, their indexes, and the
 * transaction settings every write uses.
 */
import type { Collection, Filter, TransactionOptions } from 'mongodb';
import type { Deployment } from '@svt/client';

/**
 * A deployment as stored: the API's fields, with instants as dates (so that
 * range queries compare them as such), the id as _id, and the idempotency
 * key with its scope and body hash.
 */
export interface DeploymentDoc extends Omit<
  Deployment,
  'id' | 'deployedAt' | 'recordedAt' | 'committedAt' | 'idempotencyKey'
> {
  _id: string;
  deployedAt: Date;
  recordedAt: Date;
  committedAt: Date | null;
  previousId: string | null;
  idem?: { scope: string; key: string; hash: string };
}

/** One per env and app: its first, current (latest success) and latest deployment. */
export interface EnvAppDoc {
  env: string;
  app: string;
  firstId: string;
  currentId: string | null;
  currentAt: Date | null;
  latestId: string;
  latestAt: Date;
}

export const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

export function toDeployment(doc: DeploymentDoc): Deployment {
  return {
    id: doc._id,
    env: doc.env,
    app: doc.app,
    version: doc.version,
    status: doc.status,
    deployedAt: doc.deployedAt.toISOString(),
    recordedAt: doc.recordedAt.toISOString(),
    commit: doc.commit,
    committedAt: doc.committedAt === null ? null : doc.committedAt.toISOString(),
    ref: doc.ref,
    url: doc.url,
    pipelineUrl: doc.pipelineUrl,
    actor: doc.actor,
    source: doc.source,
    attributes: doc.attributes,
    recordedBy: doc.recordedBy,
    idempotencyKey: doc.idem?.key ?? null,
    // Documents stored before rollbacks were derived have no flag until the backfill at start.
    rollback: doc.rollback === true,
  };
}

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
      partialFilterExpression: { 'idem.key': { $exists: true } },
    },
  ]);
  await envApps.createIndexes([
    { key: { env: 1, app: 1 }, name: 'env_app', unique: true },
    { key: { app: 1, env: 1 }, name: 'app_env' },
  ]);
}

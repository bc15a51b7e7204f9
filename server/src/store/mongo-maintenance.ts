/**
 * The MongoDB store's bulk work: retention pruning, export and import, and
 * the one-time rollback backfill run at start. Split from mongo.ts, which
 * keeps the connection and the Store methods.
 */
import type { Collection } from 'mongodb';
import { takesEffect } from '../clock.js';
import { type DeploymentDoc, toDeployment } from './mongo-documents.js';
import { type MongoCollections, TRANSACTION } from './mongo-schema.js';
import { recomputeRollbacks, recordIn } from './mongo-writes.js';
import type { ImportItem } from './types.js';

/** A one-time data migration done on this database, by name. */
export interface MigrationDoc {
  _id: string;
  at: Date;
}

/**
 * Deletes deployments dated before `before` (epoch ms), except each pair's
 * current and latest one; returns how many went.
 */
export async function prune(
  { deployments, envApps }: MongoCollections,
  before: number,
): Promise<number> {
  const keep = new Set<string>();
  for await (const row of envApps.find({}, { projection: { currentId: 1, latestId: 1 } })) {
    // Absent (new form) or null (earlier releases): the pair has no current deployment.
    if (row.currentId != null) keep.add(row.currentId);
    keep.add(row.latestId);
  }
  const result = await deployments.deleteMany({
    deployedAt: { $lt: new Date(before) },
    _id: { $nin: [...keep] },
  });
  return result.deletedCount;
}

/** Every deployment as one JSON line (the API's shape), in order of arrival. */
export async function* exportJson({ deployments }: MongoCollections): AsyncIterable<string> {
  // Ids are ULIDs: their order is the order of arrival.
  for await (const doc of deployments.find({}).sort({ _id: 1 })) {
    yield JSON.stringify(toDeployment(doc));
  }
}

/**
 * Records each item not yet stored (by id), each in its own transaction;
 * returns how many were added.
 */
export async function importMany(
  c: MongoCollections,
  items: readonly ImportItem[],
): Promise<number> {
  let added = 0;
  for (const item of items) {
    const known = await c.deployments.findOne(
      { _id: { $eq: item.id } },
      { projection: { _id: 1 } },
    );
    if (known !== null) continue;
    const session = c.client.startSession();
    try {
      // One clock (clock.ts): a deployment dated after now takes effect now.
      const input = { ...item.input, deployedAt: takesEffect(item.input.deployedAt, Date.now()) };
      await session.withTransaction(async () => {
        await recordIn(c, session, () => item.id, input, undefined, item);
      }, TRANSACTION);
      added += 1;
    } finally {
      await session.endSession();
    }
  }
  return added;
}

/**
 * Once, for data recorded before rollbacks were derived: every env and
 * app that holds a deployment without the flag gets its flags computed.
 */
export async function backfillRollbacks(
  deployments: Collection<DeploymentDoc>,
  migrations: Collection<MigrationDoc>,
): Promise<void> {
  // Done once: without the marker every start would scan the whole
  // collection for documents without the flag (no index can say "none").
  if ((await migrations.findOne({ _id: { $eq: 'rollbacks' } })) !== null) return;
  const pairs = await deployments
    .aggregate<{ _id: { env: string; app: string } }>([
      { $match: { rollback: { $exists: false } } },
      { $group: { _id: { env: '$env', app: '$app' } } },
    ])
    .toArray();
  for (const { _id: pair } of pairs) {
    await deployments.updateMany(
      { env: { $eq: pair.env }, app: { $eq: pair.app }, rollback: { $exists: false } },
      { $set: { rollback: false } },
    );
    await recomputeRollbacks(deployments, pair.env, pair.app);
  }
  await migrations.updateOne(
    { _id: { $eq: 'rollbacks' } },
    { $set: { at: new Date() } },
    { upsert: true },
  );
}

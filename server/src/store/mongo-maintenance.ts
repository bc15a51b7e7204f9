/**
 * The MongoDB store's bulk work: retention pruning, export and import, and
 * the one-time rollback backfill run at start. Split from mongo.ts, which
 * keeps the connection and the Store methods; every query is built in
 * mongo-maintenance-queries.ts and mongo-queries.ts.
 */
import type { Collection } from 'mongodb';
import { takesEffect } from '../clock.js';
import { type DeploymentDoc, type MigrationDoc, toDeployment } from './mongo-documents.js';
import * as m from './mongo-maintenance-queries.js';
import * as q from './mongo-queries.js';
import { type MongoCollections, TRANSACTION, hintOption } from './mongo-schema.js';
import { recomputeRollbacks, recordIn } from './mongo-writes.js';
import type { ImportItem } from './types.js';

/** Deployments prune reads, then deletes, at a time. */
export const PRUNE_BATCH = 1000;

/**
 * Of `candidates`, those prune may delete: every one that is not a pair's
 * current or latest deployment in `kept` (env/app entries read after the
 * candidates).
 */
export function prunable(
  candidates: readonly { _id: string }[],
  kept: readonly { currentId?: string | null; latestId: string }[],
): string[] {
  const keep = new Set<string>();
  for (const row of kept) {
    // Absent (new form) or null (earlier releases): the pair has no current deployment.
    if (row.currentId != null) keep.add(row.currentId);
    keep.add(row.latestId);
  }
  return candidates.map((c) => c._id).filter((id) => !keep.has(id));
}

/**
 * Deletes deployments dated before `before` (epoch ms), except each pair's
 * current and latest one; returns how many went. Stops between batches
 * when `stop()` says so (the store is closing).
 *
 * Safe beside writes on any instance without a transaction: each batch
 * reads its candidates first, then what to keep, then deletes candidates
 * not kept. A pair's entry only ever points at a deployment written in the
 * same transaction, never at an older one, so a candidate (stored before
 * the keep-read) that is not kept then can never become current or latest
 * later; a back-dated write that becomes current meanwhile is not among the
 * candidates. (Reading the keep-set first, then deleting by date, as
 * releases up to 1.1 did, deleted such a write and left its pair pointing
 * at nothing.)
 */
export async function prune(
  { deployments, envApps }: MongoCollections,
  before: number,
  stop: () => boolean,
): Promise<number> {
  const cutoff = new Date(before);
  const names = m.envNames();
  // Read whole (a few names): a cursor kept open across a long prune could time out.
  const envs = await envApps
    .aggregate<{ _id: string }>(names.pipeline, { ...hintOption(names.hint) })
    .toArray();
  let deleted = 0;
  for (const { _id: env } of envs) {
    let from: { deployedAt: Date; id: string } | null = null;
    for (;;) {
      if (stop()) return deleted;
      const scan = m.pruneCandidates(env, cutoff, from, PRUNE_BATCH);
      const candidates = await deployments.find(scan.filter, q.findOptions(scan)).toArray();
      if (candidates.length === 0) break;
      const keep = m.keptInEnv(env);
      const kept = await envApps.find(keep.filter, q.findOptions(keep)).toArray();
      const ids = prunable(candidates, kept);
      if (ids.length > 0) {
        const gone = q.byIds(ids);
        deleted += (await deployments.deleteMany(gone.filter, { ...hintOption(gone.hint) }))
          .deletedCount;
      }
      const last = candidates[candidates.length - 1];
      if (last === undefined || candidates.length < PRUNE_BATCH) break;
      from = { deployedAt: last.deployedAt, id: last._id };
    }
  }
  return deleted;
}

/** Every deployment as one JSON line (the API's shape), in order of arrival. */
export async function* exportJson({ deployments }: MongoCollections): AsyncIterable<string> {
  const all = m.inArrivalOrder();
  for await (const doc of deployments.find(all.filter, q.findOptions(all))) {
    yield JSON.stringify(toDeployment(doc));
  }
}

/**
 * Items imported in one transaction: one majority commit for many
 * deployments, small enough that a write conflict with a live write of
 * the same pair, which retries the whole transaction, redoes little.
 */
export const IMPORT_BATCH = 100;

/**
 * Records each item not yet stored (by id), IMPORT_BATCH to a transaction;
 * returns how many were added. Safe beside a concurrent import of the same
 * items on any instance: whether an id is stored is asked inside each
 * transaction, and the same id inserted by two transactions at once is a
 * write conflict that withTransaction retries, after which it is found.
 * An id twice in `items` is added once.
 */
export async function importMany(
  c: MongoCollections,
  nextId: () => string,
  items: readonly ImportItem[],
): Promise<number> {
  let added = 0;
  for (let start = 0; start < items.length; start += IMPORT_BATCH) {
    const batch = items.slice(start, start + IMPORT_BATCH);
    const session = c.client.startSession();
    try {
      added += await session.withTransaction(async () => {
        // Counted per attempt: withTransaction may run this again.
        let n = 0;
        const ids = q.byIds(
          batch.map((item) => item.id),
          { _id: 1 },
        );
        const stored = await c.deployments
          .find(ids.filter, { ...q.findOptions(ids), session })
          .toArray();
        const known = new Set(stored.map((d) => d._id));
        const now = Date.now();
        for (const item of batch) {
          if (known.has(item.id)) continue;
          // One clock (clock.ts): a deployment dated after now takes effect now.
          const input = { ...item.input, deployedAt: takesEffect(item.input.deployedAt, now) };
          await recordIn(c, session, item.id, nextId(), input, undefined, item);
          known.add(item.id);
          n += 1;
        }
        return n;
      }, TRANSACTION);
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
  const marker = m.migration('rollbacks');
  if ((await migrations.findOne(marker.filter, { ...hintOption(marker.hint) })) !== null) return;
  const unflagged = m.unflaggedPairs();
  const pairs = await deployments
    .aggregate<{ _id: { env: string; app: string } }>(
      unflagged.pipeline,
      hintOption(unflagged.hint),
    )
    .toArray();
  for (const { _id: pair } of pairs) {
    const flag = m.flagUnflagged(pair.env, pair.app);
    await deployments.updateMany(flag.filter, flag.update, { ...hintOption(flag.hint) });
    await recomputeRollbacks(deployments, pair.env, pair.app);
  }
  const done = m.markMigration('rollbacks', new Date());
  await migrations.updateOne(done.filter, done.update, { upsert: true, ...hintOption(done.hint) });
}

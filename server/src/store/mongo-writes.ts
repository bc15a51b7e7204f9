/**
 * The MongoDB store's writes: recording a deployment in one transaction (the
 * event, the env/app projection and any rollback flags it changes), the
 * replay of an idempotent write's first answer, and the rollback
 * recomputation. Split from mongo.ts, which keeps the connection and the
 * Store methods; every filter's operator is chosen here.
 */
import { type ClientSession, type Collection, MongoServerError } from 'mongodb';
import type { Deployment } from '@svt/client';
import { inFlightProblem } from '../idempotency.js';
import { isRollback, rollbackFlags } from '../rollback.js';
import { type DeploymentDoc, idTime, toDeployment, toDocument } from './mongo-documents.js';
import { type MongoCollections, NEWEST_FIRST, TRANSACTION, before } from './mongo-schema.js';
import { deploymentOf, idempotencyMismatch } from './shared.js';
import { enqueue } from './mongo-outbox.js';
import { eventText } from './outbox-types.js';
import type { IdempotencyClaim, ImportItem, NewDeployment, RecordResult } from './types.js';

const DUPLICATE_KEY = 11000;

/**
 * Records `input` in its own transaction (retried by the driver on
 * transient errors). Throws HttpProblem 422 for a key reused with another
 * body, 409 for a key whose first write another instance has in flight.
 */
export async function record(
  c: MongoCollections,
  nextId: () => string,
  input: NewDeployment,
  claim: IdempotencyClaim | undefined,
  hooks: readonly string[],
): Promise<RecordResult> {
  const session = c.client.startSession();
  try {
    let result: RecordResult | null = null;
    await session.withTransaction(async () => {
      result = await recordIn(c, session, nextId, input, claim, undefined, hooks);
    }, TRANSACTION);
    if (result === null) throw new Error('the transaction ended without a result');
    return result;
  } catch (err) {
    // Another instance recorded the same key concurrently: answer as its replay, or 409.
    if (claim !== undefined && err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
      const earlier = await replay(c, claim);
      if (earlier !== null) return earlier;
      throw inFlightProblem(claim.key);
    }
    throw err;
  } finally {
    await session.endSession();
  }
}

/** The first answer to the write that claimed this key, or null; 422 for another body. */
async function replay(
  { deployments }: MongoCollections,
  claim: IdempotencyClaim,
  session?: ClientSession,
): Promise<RecordResult | null> {
  const earlier = await deployments.findOne(
    { 'idem.scope': { $eq: claim.scope }, 'idem.key': { $eq: claim.key } },
    { session },
  );
  if (earlier === null) return null;
  if (earlier.idem?.hash !== claim.fingerprint) throw idempotencyMismatch(claim.key);
  // Absent (new documents) or null (earlier releases'): no previous success.
  const previous =
    earlier.previousId == null
      ? null
      : await deployments.findOne({ _id: { $eq: earlier.previousId } }, { session });
  const firstInEnv =
    (await deployments.findOne(
      { env: { $eq: earlier.env }, app: { $eq: earlier.app }, _id: { $lt: earlier._id } },
      { session, projection: { _id: 1 } },
    )) === null;
  // The first answer's "current": the pair's latest success among those recorded up to it.
  const then = await deployments.findOne(
    {
      env: { $eq: earlier.env },
      app: { $eq: earlier.app },
      status: { $eq: 'success' },
      _id: { $lte: earlier._id },
    },
    { session, sort: NEWEST_FIRST },
  );
  const current = then?._id === earlier._id;
  return {
    deployment: toDeployment(earlier),
    previous: previous === null ? null : toDeployment(previous),
    current,
    currentDeployment: current || then === null ? null : toDeployment(then),
    firstInEnv,
    replayed: true,
  };
}

/**
 * One write inside `session`'s transaction: `imported` (from importMany)
 * brings its own id, receipt time and key, and is not guarded by a claim;
 * a new deployment leaves one webhook delivery per key of `hooks`.
 */
export async function recordIn(
  c: MongoCollections,
  session: ClientSession,
  nextId: () => string,
  input: NewDeployment,
  claim: IdempotencyClaim | undefined,
  imported?: ImportItem,
  hooks: readonly string[] = [],
): Promise<RecordResult> {
  const { deployments, envApps } = c;
  if (claim !== undefined) {
    const earlier = await replay(c, claim, session);
    if (earlier !== null) return earlier;
  }
  const id = imported?.id ?? nextId();
  const at = new Date(input.deployedAt);
  const key = { env: { $eq: input.env }, app: { $eq: input.app } };
  const previous = await deployments.findOne(
    { ...key, status: { $eq: 'success' }, ...before(at, id) },
    { session, sort: NEWEST_FIRST },
  );
  const pair = await envApps.findOne(key, { session });
  const currentBefore =
    pair?.currentId == null
      ? null
      : await deployments.findOne({ _id: { $eq: pair.currentId } }, { session });
  const success = input.status === 'success';
  const becomesCurrent =
    success &&
    (currentBefore === null ||
      at > currentBefore.deployedAt ||
      (at.getTime() === currentBefore.deployedAt.getTime() && id > currentBefore._id));
  // A success after every other one is judged against the one it replaces;
  // one recorded out of order changes later flags too: the pair is recomputed.
  const ranBefore =
    becomesCurrent &&
    (await deployments.findOne(
      { ...key, status: { $eq: 'success' }, version: { $eq: input.version } },
      { session, projection: { _id: 1 } },
    )) !== null;
  const rollback =
    becomesCurrent && isRollback(input.version, currentBefore?.version ?? null, ranBefore);
  // The receipt time is the millisecond the new id encodes (a ULID made just
  // now), so that the document need not store it (mongo-documents.ts).
  const recordedAt = imported?.recordedAt ?? idTimeOf(id);
  const deployment = deploymentOf(
    input,
    id,
    recordedAt,
    imported === undefined ? (claim?.key ?? null) : imported.idempotencyKey,
    rollback,
  );
  const doc = toDocument(
    deployment,
    previous?._id ?? null,
    claim === undefined ? undefined : { scope: claim.scope, hash: claim.fingerprint },
  );
  await deployments.insertOne(doc, { session });
  const reordered =
    success &&
    !becomesCurrent &&
    (await recomputeRollbacks(deployments, input.env, input.app, session));

  // A pair without a success yet has no currentId (earlier releases wrote null).
  const upsert = await envApps.updateOne(
    key,
    {
      $setOnInsert: { env: input.env, app: input.app, firstId: id, latestId: id, latestAt: at },
    },
    { upsert: true, session },
  );
  const firstInEnv = upsert.upsertedCount === 1;
  if (becomesCurrent) {
    await envApps.updateOne(key, { $set: { currentId: id } }, { session });
  }
  if (!firstInEnv) {
    await envApps.updateOne(
      {
        ...key,
        $or: [{ latestAt: { $lt: at } }, { latestAt: { $eq: at }, latestId: { $lt: id } }],
      },
      { $set: { latestId: id, latestAt: at } },
      { session },
    );
  }
  const again = async (d: DeploymentDoc | null): Promise<Deployment | null> => {
    if (d === null) return null;
    if (!reordered) return toDeployment(d);
    const fresh = await deployments.findOne({ _id: { $eq: d._id } }, { session });
    return fresh === null ? null : toDeployment(fresh);
  };
  const result: RecordResult = {
    deployment: reordered ? ((await again(doc)) ?? deployment) : deployment,
    previous: await again(previous),
    current: becomesCurrent,
    currentDeployment: becomesCurrent ? null : await again(currentBefore),
    firstInEnv,
    replayed: false,
  };
  if (hooks.length > 0) {
    const json = (d: Deployment | null) => (d === null ? null : JSON.stringify(d));
    const event = eventText({
      deployment: JSON.stringify(result.deployment),
      previous: json(result.previous),
      current: result.current,
      currentDeployment: json(result.currentDeployment),
    });
    await enqueue(c.outbox, session, id, hooks, event, recordedAt);
  }
  return result;
}

/** The instant a ULID made by this process encodes (epoch ms). */
function idTimeOf(id: string): number {
  const at = idTime(id);
  if (at === null) throw new Error(`not a ULID: ${JSON.stringify(id)}`);
  return at;
}

/**
 * Recomputes the rollback flags of one env and app's successes, oldest
 * first (rollback.ts), and writes those that changed; true when any did.
 */
export async function recomputeRollbacks(
  deployments: Collection<DeploymentDoc>,
  env: string,
  app: string,
  session?: ClientSession,
): Promise<boolean> {
  const rows = await deployments
    .find(
      { env: { $eq: env }, app: { $eq: app }, status: { $eq: 'success' } },
      { session, projection: { _id: 1, version: 1, rollback: 1 } },
    )
    .sort({ deployedAt: 1, _id: 1 })
    .toArray();
  const flags = rollbackFlags(rows.map((r) => r.version));
  let changed = false;
  for (const [i, row] of rows.entries()) {
    const flag = flags[i] === true;
    if (row.rollback === flag) continue;
    await deployments.updateOne(
      { _id: { $eq: row._id } },
      { $set: { rollback: flag } },
      { session },
    );
    changed = true;
  }
  return changed;
}

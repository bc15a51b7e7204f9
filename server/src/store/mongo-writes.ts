/**
 * The MongoDB store's writes: recording a deployment in one transaction (the
 * event, the env/app projection and any rollback flags it changes), the
 * replay of an idempotent write's first answer, and the rollback
 * recomputation. Split from mongo.ts, which keeps the connection and the
 * Store methods; every query is built in mongo-queries.ts.
 */
import { type ClientSession, type Collection, MongoServerError } from 'mongodb';
import type { Deployment } from '@svt/client';
import { inFlightProblem } from '../idempotency.js';
import { isRollback, rollbackFlags } from '../rollback.js';
import { type DeploymentDoc, idTime, toDeployment, toDocument } from './mongo-documents.js';
import * as q from './mongo-queries.js';
import { type MongoCollections, TRANSACTION, hintOption } from './mongo-schema.js';
import { deploymentOf, idempotencyMismatch } from './shared.js';
import { enqueue } from './mongo-outbox.js';
import { eventText } from './outbox-types.js';
import type { IdempotencyClaim, ImportItem, NewDeployment, RecordResult } from './types.js';

const DUPLICATE_KEY = 11000;
const WRITE_CONFLICT = 112;

/**
 * Whether `err`, raised by inserting a deployment that claims a key, says
 * that another transaction holds that key: a write conflict on the unique
 * index while the other is uncommitted (or committed after this one's
 * snapshot), a duplicate key once it is committed. A new deployment's other
 * unique key is its fresh id, so nothing else conflicts on that insert.
 */
export function keyTakenMeanwhile(err: unknown): boolean {
  return (
    err instanceof MongoServerError && (err.code === WRITE_CONFLICT || err.code === DUPLICATE_KEY)
  );
}

/**
 * Records `input` in its own transaction (retried by the driver on
 * transient errors, such as a write conflict with another write of the same
 * env and app). Throws HttpProblem 422 for a key reused with another body,
 * 409 at once for a key whose first write is still in flight here or on
 * another instance (idempotency.ts), which the client retries.
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
      const id = nextId();
      result = await recordIn(c, session, id, id, input, claim, undefined, hooks);
    }, TRANSACTION);
    if (result === null) throw new Error('the transaction ended without a result');
    return result;
  } catch (err) {
    // The key's first write committed between this one's check and its
    // commit: answer as its replay.
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
  { deployments, envApps }: MongoCollections,
  claim: IdempotencyClaim,
  session?: ClientSession,
): Promise<RecordResult | null> {
  const byKey = q.claimed(claim.scope, claim.key);
  const earlier = await deployments.findOne(byKey.filter, { ...q.findOptions(byKey), session });
  if (earlier === null) return null;
  if (earlier.idem?.hash !== claim.fingerprint) throw idempotencyMismatch(claim.key);
  const byId = async (id: string) => {
    const one = q.byId(id);
    return deployments.findOne(one.filter, { ...q.findOptions(one), session });
  };
  // Absent (new documents) or null (earlier releases'): no previous success.
  const previous = earlier.previousId == null ? null : await byId(earlier.previousId);
  // The first write added the pair's entry exactly when the pair was new.
  const entry = q.pairOf(earlier.env, earlier.app);
  const pair = await envApps.findOne(entry.filter, { ...q.findOptions(entry), session });
  const firstInEnv = pair?.firstId === earlier._id;
  // The first answer's "current": the pair's latest success among those recorded up to it.
  const asOf = q.successAsOf(earlier.env, earlier.app, earlier._id);
  const then = await deployments.findOne(asOf.filter, { ...q.findOptions(asOf), session });
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
 * One write inside `session`'s transaction, as deployment `id`; `seen` is
 * the arrival key its pair gets if new (mongo-queries.ts insertPair): the
 * id itself for a write made now, a fresh id for an import, whose id is
 * old. `imported` (from importMany) brings its receipt time and key, and
 * is not guarded by a claim; a new deployment leaves one webhook delivery
 * per key of `hooks`.
 */
export async function recordIn(
  c: MongoCollections,
  session: ClientSession,
  id: string,
  seen: string,
  input: NewDeployment,
  claim: IdempotencyClaim | undefined,
  imported?: ImportItem,
  hooks: readonly string[] = [],
): Promise<RecordResult> {
  const { deployments, envApps } = c;
  const one = async (query: q.Query<'deployments'>) =>
    deployments.findOne(query.filter, { ...q.findOptions(query), session });
  if (claim !== undefined) {
    const earlier = await replay(c, claim, session);
    if (earlier !== null) return earlier;
  }
  const at = new Date(input.deployedAt);
  const previous = await one(q.previousSuccess(input.env, input.app, at, id));
  const entry = q.pairOf(input.env, input.app);
  const pair = await envApps.findOne(entry.filter, { ...q.findOptions(entry), session });
  const currentBefore = pair?.currentId == null ? null : await one(q.byId(pair.currentId));
  const success = input.status === 'success';
  const becomesCurrent =
    success &&
    (currentBefore === null ||
      at > currentBefore.deployedAt ||
      (at.getTime() === currentBefore.deployedAt.getTime() && id > currentBefore._id));
  // A success after every other one is judged against the one it replaces;
  // one recorded out of order changes later flags too: the pair is recomputed.
  const ranBefore =
    becomesCurrent && (await one(q.ranBefore(input.env, input.app, input.version))) !== null;
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
  try {
    await deployments.insertOne(doc, { session });
  } catch (err) {
    // Another instance's write of the same key is in flight: 409 now, as
    // this instance answers a second request with a key in flight
    // (idempotency.ts), rather than retrying the transaction until that one
    // ends (withTransaction would, for up to 120 s). Throwing a non-driver
    // error makes withTransaction abort this transaction and not retry it.
    if (claim !== undefined && keyTakenMeanwhile(err)) throw inFlightProblem(claim.key);
    throw err;
  }
  const reordered =
    success &&
    !becomesCurrent &&
    (await recomputeRollbacks(deployments, input.env, input.app, session));

  // A pair without a success yet has no currentId (earlier releases wrote null).
  const added = q.insertPair(input.env, input.app, id, at, seen);
  const upsert = await envApps.updateOne(added.filter, added.update, {
    upsert: true,
    ...hintOption(added.hint),
    session,
  });
  const firstInEnv = upsert.upsertedCount === 1;
  if (becomesCurrent) {
    const set = q.setCurrent(input.env, input.app, id);
    await envApps.updateOne(set.filter, set.update, { ...hintOption(set.hint), session });
  }
  if (!firstInEnv) {
    const set = q.setLatest(input.env, input.app, id, at);
    await envApps.updateOne(set.filter, set.update, { ...hintOption(set.hint), session });
  }
  const again = async (d: DeploymentDoc | null): Promise<Deployment | null> => {
    if (d === null) return null;
    if (!reordered) return toDeployment(d);
    const fresh = await one(q.byId(d._id));
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
  const all = q.successesOldestFirst(env, app);
  const rows = await deployments.find(all.filter, { ...q.findOptions(all), session }).toArray();
  const flags = rollbackFlags(rows.map((r) => r.version));
  let changed = false;
  for (const [i, row] of rows.entries()) {
    const flag = flags[i] === true;
    if (row.rollback === flag) continue;
    const set = q.setRollback(row._id, flag);
    await deployments.updateOne(set.filter, set.update, { ...hintOption(set.hint), session });
    changed = true;
  }
  return changed;
}

/**
 * The MongoDB webhook outbox (collection `outbox`; the contract is
 * outbox-types.ts). Deliveries are inserted in the deployment's own
 * transaction (mongo-writes.ts); every other change is one atomic
 * single-document operation, so that several SVT instances can claim, finish
 * and give up deliveries side by side: a claim is a findOneAndUpdate whose
 * filter requires the lease to be free, so two instances never hold one
 * delivery at once, and a dead instance's deliveries are claimed again once
 * their lease has run out. Instants are epoch ms of the SVT instance's
 * clock; `leaseUntil` is 0 when no one holds the delivery, so that "free at
 * `now`" is one `$lte`.
 */
import type { ClientSession, Collection, Filter, Sort } from 'mongodb';
import {
  type DeliveryOutcome,
  type DeliveryRecord,
  type OutboxItem,
  type OutboxStat,
  eventId,
} from './outbox-types.js';

export interface OutboxDoc {
  /** The event id. */
  _id: string;
  hook: string;
  event: string;
  state: 'pending' | 'failed';
  createdAt: number;
  since: number;
  nextAt: number;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: number;
  lastError: string | null;
  lastStatus: number | null;
  failedAt: number | null;
}

type Outbox = Collection<OutboxDoc>;

/** Created at start with the other indexes (mongo-schema.ts). */
export async function createOutboxIndexes(outbox: Outbox): Promise<void> {
  await outbox.createIndexes([
    { key: { hook: 1, state: 1, nextAt: 1, _id: 1 }, name: 'due' },
    { key: { state: 1, hook: 1, since: 1 }, name: 'waiting' },
    { key: { state: 1, since: 1, _id: 1 }, name: 'age' },
    { key: { state: 1, failedAt: -1, _id: -1 }, name: 'failed' },
  ]);
}

function itemOf(doc: OutboxDoc): OutboxItem {
  const { _id, hook, event, createdAt, since, attempts } = doc;
  return { id: _id, hook, event, createdAt, since, attempts };
}

function recordOf(doc: OutboxDoc): DeliveryRecord {
  const { state, nextAt, failedAt, lastError, lastStatus } = doc;
  return { ...itemOf(doc), state, nextAt, failedAt, lastError, lastStatus };
}

/** One pending delivery per hook key, inside the deployment's transaction. */
export async function enqueue(
  outbox: Outbox,
  session: ClientSession,
  deploymentId: string,
  hooks: readonly string[],
  event: string,
  now: number,
): Promise<void> {
  if (hooks.length === 0) return;
  await outbox.insertMany(
    hooks.map((hook) => ({
      _id: eventId(deploymentId, hook),
      hook,
      event,
      state: 'pending' as const,
      createdAt: now,
      since: now,
      nextAt: now,
      attempts: 0,
      leaseOwner: null,
      leaseUntil: 0,
      lastError: null,
      lastStatus: null,
      failedAt: null,
    })),
    { session },
  );
}

export async function claim(
  outbox: Outbox,
  hook: string,
  owner: string,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<OutboxItem[]> {
  const claimed: OutboxItem[] = [];
  // One document at a time: each claim is atomic, and a batch is small.
  while (claimed.length < limit) {
    const doc = await outbox.findOneAndUpdate(
      {
        hook: { $eq: hook },
        state: { $eq: 'pending' },
        nextAt: { $lte: now },
        leaseUntil: { $lte: now },
      },
      { $set: { leaseOwner: owner, leaseUntil: now + leaseMs } },
      { sort: { nextAt: 1, _id: 1 }, returnDocument: 'after' },
    );
    if (doc === null) break;
    claimed.push(itemOf(doc));
  }
  return claimed;
}

const FREE = { leaseOwner: null, leaseUntil: 0 };

export async function finish(
  outbox: Outbox,
  id: string,
  owner: string,
  outcome: DeliveryOutcome,
  now: number,
): Promise<boolean> {
  const mine: Filter<OutboxDoc> = {
    _id: { $eq: id },
    leaseOwner: { $eq: owner },
    state: { $eq: 'pending' },
  };
  switch (outcome.kind) {
    case 'delivered':
      return (await outbox.deleteOne(mine)).deletedCount === 1;
    case 'released':
      return (await outbox.updateOne(mine, { $set: FREE })).modifiedCount === 1;
    case 'retry': {
      const { at, error, status } = outcome;
      const set = { ...FREE, nextAt: at, lastError: error, lastStatus: status };
      return (
        (await outbox.updateOne(mine, { $set: set, $inc: { attempts: 1 } })).modifiedCount === 1
      );
    }
    case 'failed': {
      const { error, status } = outcome;
      const set = {
        ...FREE,
        state: 'failed' as const,
        failedAt: now,
        lastError: error,
        lastStatus: status,
      };
      return (
        (await outbox.updateOne(mine, { $set: set, $inc: { attempts: 1 } })).modifiedCount === 1
      );
    }
  }
}

export async function release(outbox: Outbox, owner: string | null): Promise<number> {
  const filter: Filter<OutboxDoc> =
    owner === null ? { leaseOwner: { $ne: null } } : { leaseOwner: { $eq: owner } };
  return (await outbox.updateMany(filter, { $set: FREE })).modifiedCount;
}

export async function expire(
  outbox: Outbox,
  before: number,
  now: number,
  limit: number,
  reason: string,
): Promise<string[]> {
  const due: Filter<OutboxDoc> = {
    state: { $eq: 'pending' },
    since: { $lt: before },
    leaseUntil: { $lte: now },
  };
  const candidates = await outbox
    .find(due, { projection: { _id: 1, hook: 1, lastError: 1 } })
    .sort({ since: 1, _id: 1 })
    .limit(limit)
    .toArray();
  const hooks: string[] = [];
  // One by one, each under the same filter: another instance giving up the
  // same delivery at the same time counts it once between them.
  for (const doc of candidates) {
    const set = {
      ...FREE,
      state: 'failed' as const,
      failedAt: now,
      lastError: doc.lastError ?? reason,
    };
    const done = await outbox.updateOne({ ...due, _id: { $eq: doc._id } }, { $set: set });
    if (done.modifiedCount === 1) hooks.push(doc.hook);
  }
  return hooks;
}

export async function trimFailed(outbox: Outbox, keep: number): Promise<number> {
  const [edge] = await outbox
    .find({ state: { $eq: 'failed' } }, { projection: { _id: 1, failedAt: 1 } })
    .sort({ failedAt: -1, _id: -1 })
    .skip(keep)
    .limit(1)
    .toArray();
  if (edge === undefined) return 0;
  const at = edge.failedAt ?? 0;
  const older: Filter<OutboxDoc> = {
    state: { $eq: 'failed' },
    $or: [{ failedAt: { $lt: at } }, { failedAt: { $eq: at }, _id: { $lte: edge._id } }],
  };
  return (await outbox.deleteMany(older)).deletedCount;
}

export async function redeliver(
  outbox: Outbox,
  id: string,
  now: number,
): Promise<DeliveryRecord | null> {
  // A failed one starts over; a pending one is brought forward, its lease kept.
  const doc = await outbox.findOneAndUpdate(
    { _id: { $eq: id } },
    { $set: { state: 'pending', nextAt: now, since: now, failedAt: null } },
    { returnDocument: 'after' },
  );
  return doc === null ? null : recordOf(doc);
}

export async function list(
  outbox: Outbox,
  state: 'pending' | 'failed',
  limit: number,
): Promise<DeliveryRecord[]> {
  const sort: Sort = state === 'failed' ? { failedAt: -1, _id: -1 } : { since: 1, _id: 1 };
  const docs = await outbox
    .find({ state: { $eq: state } })
    .sort(sort)
    .limit(limit)
    .toArray();
  return docs.map(recordOf);
}

export async function stats(outbox: Outbox): Promise<OutboxStat[]> {
  const groups = await outbox
    .aggregate<{ _id: { state: string; hook: string }; count: number; oldest: number }>([
      {
        $group: {
          _id: { state: '$state', hook: '$hook' },
          count: { $sum: 1 },
          oldest: { $min: '$since' },
        },
      },
    ])
    .toArray();
  const byHook = new Map<string, OutboxStat>();
  for (const { _id, count, oldest } of groups) {
    const stat = byHook.get(_id.hook) ?? {
      hook: _id.hook,
      pending: 0,
      oldestSince: null,
      failed: 0,
    };
    if (_id.state === 'failed') stat.failed = count;
    else {
      stat.pending = count;
      stat.oldestSince = oldest;
    }
    byHook.set(_id.hook, stat);
  }
  return [...byHook.values()];
}

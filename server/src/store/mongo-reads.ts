/**
 * The MongoDB store's reads: current and latest state per app (now from the
 * env/app projection, at an instant from the events), history pages, and
 * the environment and app catalogues. Split from mongo.ts, which keeps the
 * connection and the Store methods. Every filter is built here, operators
 * chosen by this code, values typed by the routes.
 */
import type { Filter } from 'mongodb';
import type { Deployment } from '@svt/client';
import { type DeploymentDoc, type EnvAppDoc, toDeployment } from './mongo-documents.js';
import { type MongoCollections, NEWEST_FIRST, before } from './mongo-schema.js';
import type { AppRow, EnvironmentRow, HistoryQuery, HistoryResult } from './types.js';

/** A pair's current deployment id, whether the field is absent (new form) or null (earlier releases). */
function currentIdOf(row: EnvAppDoc): string | null {
  return row.currentId ?? null;
}

/**
 * Each app's latest deployment of `env` by (deployedAt, id), by app name:
 * successes only for `current`, any status for `latest`; now from the
 * projection, at an instant (`at`, epoch ms) from the events. Null for an
 * environment never seen.
 */
export async function perApp(
  { deployments, envApps }: MongoCollections,
  env: string,
  which: 'current' | 'latest',
  at: number | undefined,
): Promise<Deployment[] | null> {
  const rows = await envApps
    .find({ env: { $eq: env } })
    .sort({ app: 1 })
    .toArray();
  if (rows.length === 0) return null;
  if (at === undefined) {
    const ids = rows.flatMap((r) => {
      const id = which === 'current' ? currentIdOf(r) : r.latestId;
      return id === null ? [] : [id];
    });
    const docs = await deployments.find({ _id: { $in: ids } }).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return ids.flatMap((id) => {
      const doc = byId.get(id);
      return doc === undefined ? [] : [toDeployment(doc)];
    });
  }
  const docs = await deployments
    .aggregate<DeploymentDoc>(
      [
        {
          $match: {
            env: { $eq: env },
            ...(which === 'current' ? { status: { $eq: 'success' } } : {}),
            deployedAt: { $lte: new Date(at) },
          },
        },
        { $sort: { app: 1, deployedAt: -1, _id: -1 } },
        { $group: { _id: '$app', doc: { $first: '$$ROOT' } } },
        { $replaceRoot: { newRoot: '$doc' } },
        { $sort: { app: 1 } },
      ],
      { allowDiskUse: true },
    )
    .toArray();
  return docs.map(toDeployment);
}

/** One deployment by id (the `_id` index), or null. */
export async function deployment(
  { deployments }: MongoCollections,
  id: string,
): Promise<Deployment | null> {
  const doc = await deployments.findOne({ _id: { $eq: id } });
  return doc === null ? null : toDeployment(doc);
}

/** One page of history, newest first by (deployedAt, id), and the cursor of the next. */
export async function history(
  { deployments }: MongoCollections,
  query: HistoryQuery,
): Promise<HistoryResult> {
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
    Object.assign(filter, { $and: [before(new Date(query.after.deployedAt), query.after.id)] });
  }
  const docs = await deployments
    .find(filter)
    .sort(NEWEST_FIRST)
    .limit(query.limit + 1)
    .toArray();
  const more = docs.length > query.limit;
  const page = more ? docs.slice(0, query.limit) : docs;
  const last = page[page.length - 1];
  return {
    items: page.map(toDeployment),
    next:
      more && last !== undefined ? { deployedAt: last.deployedAt.getTime(), id: last._id } : null,
  };
}

/** Environments in first-seen order, with their app count and last deployment. */
export async function environments({ envApps }: MongoCollections): Promise<EnvironmentRow[]> {
  const rows = await envApps
    .aggregate<{ _id: string; apps: number; last: Date; first: string }>([
      {
        $group: {
          _id: '$env',
          apps: { $sum: 1 },
          last: { $max: '$latestAt' },
          first: { $min: '$firstId' },
        },
      },
      { $sort: { first: 1 } },
    ])
    .toArray();
  return rows.map((r) => ({ name: r._id, apps: r.apps, lastDeployedAt: r.last.getTime() }));
}

/** Environment names in first-seen order, for ordering per-app lists. */
async function envOrder(c: MongoCollections): Promise<Map<string, number>> {
  const envs = await environments(c);
  return new Map(envs.map((e, i) => [e.name, i]));
}

/** Every app by name, with its environments in first-seen order. */
export async function apps(c: MongoCollections): Promise<AppRow[]> {
  const order = await envOrder(c);
  const rows = await c.envApps.find({}).sort({ app: 1 }).toArray();
  const byName = new Map<string, AppRow>();
  for (const r of rows) {
    const app = byName.get(r.app);
    if (app === undefined) {
      byName.set(r.app, {
        name: r.app,
        environments: [r.env],
        lastDeployedAt: r.latestAt.getTime(),
      });
    } else {
      app.environments.push(r.env);
      app.lastDeployedAt = Math.max(app.lastDeployedAt, r.latestAt.getTime());
    }
  }
  for (const app of byName.values()) {
    app.environments.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  return [...byName.values()];
}

/** One app's current deployment in each of its environments (first-seen order); null for an unknown app. */
export async function app(
  c: MongoCollections,
  name: string,
): Promise<{ env: string; current: Deployment | null }[] | null> {
  const rows = await c.envApps.find({ app: { $eq: name } }).toArray();
  if (rows.length === 0) return null;
  const order = await envOrder(c);
  rows.sort((a, b) => (order.get(a.env) ?? 0) - (order.get(b.env) ?? 0));
  const ids = rows.flatMap((r) => {
    const id = currentIdOf(r);
    return id === null ? [] : [id];
  });
  const docs = await c.deployments.find({ _id: { $in: ids } }).toArray();
  const byId = new Map(docs.map((d) => [d._id, d]));
  return rows.map((r) => {
    const id = currentIdOf(r);
    const doc = id === null ? undefined : byId.get(id);
    return { env: r.env, current: doc === undefined ? null : toDeployment(doc) };
  });
}

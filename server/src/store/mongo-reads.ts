/**
 * The MongoDB store's reads: current and latest state per app (now from the
 * env/app projection, at an instant one index seek per app), history pages,
 * and the environment and app catalogues. Split from mongo.ts, which keeps
 * the connection and the Store methods; every query is built in
 * mongo-queries.ts, and names the index it runs on.
 */
import type { Deployment } from '@svt/client';
import { sortByName } from '../names.js';
import { type EnvAppDoc, toDeployment } from './mongo-documents.js';
import * as q from './mongo-queries.js';
import { type MongoCollections, hintOption } from './mongo-schema.js';
import type { AppRow, EnvironmentRow, HistoryQuery, HistoryResult } from './types.js';

/**
 * How many per-app seeks of a point-in-time read are in flight at once:
 * enough to hide the round trips (1,000 apps in a few dozen waves), few
 * enough to leave the driver's pool (100 connections) to other requests.
 */
export const SEEKS_IN_FLIGHT = 16;

/** A pair's current deployment id, whether the field is absent (new form) or null (earlier releases). */
function currentIdOf(row: EnvAppDoc): string | null {
  return row.currentId ?? null;
}

/** `f` over `items`, at most `width` at a time, results in the items' order. */
async function mapInWaves<T, R>(
  items: readonly T[],
  width: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/**
 * Each app's latest deployment of `env` by (deployedAt, id), by app name:
 * successes only for `current`, any status for `latest`; now from the
 * projection, at an instant (`at`, epoch ms) by one index seek per app of
 * the environment (q.pairAt), whatever the length of its history. Null for
 * an environment never seen.
 */
export async function perApp(
  { deployments, envApps }: MongoCollections,
  env: string,
  which: 'current' | 'latest',
  at: number | undefined,
): Promise<Deployment[] | null> {
  const pairs = q.pairsOfEnv(env);
  // By app as people read them (names.ts), not the index's byte order.
  const rows = sortByName(
    await envApps.find(pairs.filter, q.findOptions(pairs)).toArray(),
    (r) => r.app,
  );
  if (rows.length === 0) return null;
  if (at === undefined) {
    const ids = rows.flatMap((r) => {
      const id = which === 'current' ? currentIdOf(r) : r.latestId;
      return id === null ? [] : [id];
    });
    const byIds = q.byIds(ids);
    const docs = await deployments.find(byIds.filter, q.findOptions(byIds)).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return ids.flatMap((id) => {
      const doc = byId.get(id);
      return doc === undefined ? [] : [toDeployment(doc)];
    });
  }
  const instant = new Date(at);
  const docs = await mapInWaves(rows, SEEKS_IN_FLIGHT, async (row) => {
    const seek = q.pairAt(env, row.app, which, instant);
    return deployments.findOne(seek.filter, q.findOptions(seek));
  });
  return docs.flatMap((doc) => (doc === null ? [] : [toDeployment(doc)]));
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
  const page = q.historyPage(query);
  const docs = await deployments.find(page.filter, q.findOptions(page)).toArray();
  const more = docs.length > query.limit;
  const items = more ? docs.slice(0, query.limit) : docs;
  const last = items[items.length - 1];
  return {
    items: items.map(toDeployment),
    next:
      more && last !== undefined ? { deployedAt: last.deployedAt.getTime(), id: last._id } : null,
  };
}

/** Environments in first-seen order, with their app count and last deployment. */
export async function environments({ envApps }: MongoCollections): Promise<EnvironmentRow[]> {
  const { pipeline, hint } = q.environmentsPipeline();
  const rows = await envApps
    .aggregate<{ _id: string; apps: number; last: Date }>(pipeline, hintOption(hint))
    .toArray();
  return rows.map((r) => ({ name: r._id, apps: r.apps, lastDeployedAt: r.last.getTime() }));
}

/** Environment names in first-seen order, for ordering per-app lists. */
async function envOrder(c: MongoCollections): Promise<Map<string, number>> {
  const envs = await environments(c);
  return new Map(envs.map((e, i) => [e.name, i]));
}

/** Every app by name as people read them (names.ts), with its environments in first-seen order. */
export async function apps(c: MongoCollections): Promise<AppRow[]> {
  const order = await envOrder(c);
  const all = q.pairsByApp();
  const rows = await c.envApps.find(all.filter, q.findOptions(all)).toArray();
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
  return sortByName([...byName.values()], (a) => a.name);
}

/** One app's current deployment in each of its environments (first-seen order); null for an unknown app. */
export async function app(
  c: MongoCollections,
  name: string,
): Promise<{ env: string; current: Deployment | null }[] | null> {
  const ofApp = q.pairsOfApp(name);
  const rows = await c.envApps.find(ofApp.filter, q.findOptions(ofApp)).toArray();
  if (rows.length === 0) return null;
  const order = await envOrder(c);
  rows.sort((a, b) => (order.get(a.env) ?? 0) - (order.get(b.env) ?? 0));
  const ids = rows.flatMap((r) => {
    const id = currentIdOf(r);
    return id === null ? [] : [id];
  });
  const byIds = q.byIds(ids);
  const docs = await c.deployments.find(byIds.filter, q.findOptions(byIds)).toArray();
  const byId = new Map(docs.map((d) => [d._id, d]));
  return rows.map((r) => {
    const id = currentIdOf(r);
    const doc = id === null ? undefined : byId.get(id);
    return { env: r.env, current: doc === undefined ? null : toDeployment(doc) };
  });
}

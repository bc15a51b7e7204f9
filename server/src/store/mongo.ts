/**
 * MongoDB, for several SVT instances behind a load balancer. Needs a replica
 * set: each write is a transaction (the deployment and the env/app
 * projection change together) with majority write concern.
 *
 * Query safety: every filter below is built here, with operators chosen by
 * this code (`$eq`, `$lt`, `$lte`, `$gte`, `$in`) and values typed and
 * validated by the routes; nothing from a request becomes an operator or a
 * regular expression.
 */
import {
  type ClientSession,
  type Collection,
  type Filter,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import { idFactory } from './ids.js';
import type { Deployment, DoraReport } from '@svt/client';
import { csvPages } from '../csv.js';
import { doraReport, type DoraWindow } from '../dora.js';
import { inFlightProblem } from '../idempotency.js';
import {
  type DeploymentDoc,
  type EnvAppDoc,
  NEWEST_FIRST,
  TRANSACTION,
  before,
  createIndexes,
  toDeployment,
} from './mongo-schema.js';
import { MongoAuth } from './mongo-auth.js';
import { deploymentOf, idempotencyMismatch } from './shared.js';
import { takesEffect } from '../clock.js';
import { isRollback, rollbackFlags } from '../rollback.js';
import { openAttempts } from '../attempts.js';
import type {
  AppRow,
  EnvironmentRow,
  HistoryQuery,
  HistoryResult,
  IdempotencyClaim,
  ImportItem,
  NewDeployment,
  RecordResult,
  SessionRecord,
  Store,
  TokenRecord,
} from './types.js';

/** A one-time data migration done on this database, by name. */
interface MigrationDoc {
  _id: string;
  at: Date;
}

export class MongoStore implements Store {
  readonly kind = 'mongodb';
  private client: MongoClient | null = null;
  private ready: Promise<void> | null = null;
  private closed = false;
  private readonly nextId = idFactory();
  private readonly auth = new MongoAuth(async () => (await this.connect()).client.db(this.dbName));

  constructor(
    private readonly url: string,
    private readonly dbName: string,
  ) {}

  /** Connects lazily, once; creates indexes on first connection. */
  private async connect(): Promise<{
    deployments: Collection<DeploymentDoc>;
    envApps: Collection<EnvAppDoc>;
    client: MongoClient;
  }> {
    if (this.closed) throw new Error('the store is closed');
    if (this.client === null) {
      this.client = new MongoClient(this.url, {
        retryWrites: true,
        writeConcern: { w: 'majority' },
        serverSelectionTimeoutMS: 10_000,
      });
    }
    const client = this.client;
    const db = client.db(this.dbName);
    const deployments = db.collection<DeploymentDoc>('deployments');
    const envApps = db.collection<EnvAppDoc>('env_apps');
    this.ready ??= (async () => {
      await client.connect();
      const hello = await db.admin().command({ hello: 1 });
      if (typeof hello.setName !== 'string') {
        throw new Error(
          'MongoDB must be a replica set (a single-node one will do): transactions need it',
        );
      }
      await createIndexes(deployments, envApps);
      await this.backfillRollbacks(deployments, db.collection<MigrationDoc>('migrations'));
    })().catch((err: unknown) => {
      this.ready = null; // the next call tries again
      throw err;
    });
    await this.ready;
    return { deployments, envApps, client };
  }

  async open(): Promise<void> {
    await this.connect();
  }

  async prune(before: number): Promise<number> {
    const { deployments, envApps } = await this.connect();
    const keep = new Set<string>();
    for await (const row of envApps.find({}, { projection: { currentId: 1, latestId: 1 } })) {
      if (row.currentId !== null) keep.add(row.currentId);
      keep.add(row.latestId);
    }
    const result = await deployments.deleteMany({
      deployedAt: { $lt: new Date(before) },
      _id: { $nin: [...keep] },
    });
    return result.deletedCount;
  }

  async *exportJson(): AsyncIterable<string> {
    const { deployments } = await this.connect();
    // Ids are ULIDs: their order is the order of arrival.
    for await (const doc of deployments.find({}).sort({ _id: 1 })) {
      yield JSON.stringify(toDeployment(doc));
    }
  }

  async importMany(items: readonly ImportItem[]): Promise<number> {
    const { client, deployments } = await this.connect();
    let added = 0;
    for (const item of items) {
      if (
        (await deployments.findOne({ _id: { $eq: item.id } }, { projection: { _id: 1 } })) !== null
      ) {
        continue;
      }
      const session = client.startSession();
      try {
        // One clock (clock.ts): a deployment dated after now takes effect now.
        const input = { ...item.input, deployedAt: takesEffect(item.input.deployedAt, Date.now()) };
        await session.withTransaction(async () => {
          await this.recordIn(session, input, undefined, item);
        }, TRANSACTION);
        added += 1;
      } finally {
        await session.endSession();
      }
    }
    return added;
  }

  // Tokens, sessions and keys: mongo-auth.ts.

  async createToken(token: TokenRecord): Promise<void> {
    return this.auth.createToken(token);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.auth.listTokens();
  }

  async revokeToken(name: string, at: number): Promise<boolean> {
    return this.auth.revokeToken(name, at);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    return this.auth.tokenByHash(hash);
  }

  async everHadTokens(): Promise<boolean> {
    return this.auth.everHadTokens();
  }

  async touchTokens(uses: ReadonlyMap<string, number>): Promise<void> {
    return this.auth.touchTokens(uses);
  }

  async createSession(session: SessionRecord): Promise<void> {
    return this.auth.createSession(session);
  }

  async tokenBySession(hash: string, now: number): Promise<TokenRecord | null> {
    return this.auth.tokenBySession(hash, now);
  }

  async deleteSession(hash: string): Promise<boolean> {
    return this.auth.deleteSession(hash);
  }

  async purgeSessions(now: number): Promise<number> {
    return this.auth.purgeSessions(now);
  }

  async serverKey(purpose: string): Promise<Buffer> {
    return this.auth.serverKey(purpose);
  }

  async record(input: NewDeployment, claim?: IdempotencyClaim): Promise<RecordResult> {
    const { client } = await this.connect();
    const session = client.startSession();
    try {
      let result: RecordResult | null = null;
      await session.withTransaction(async () => {
        result = await this.recordIn(session, input, claim);
      }, TRANSACTION);
      if (result === null) throw new Error('the transaction ended without a result');
      return result;
    } catch (err) {
      // Another instance recorded the same key concurrently: answer as its replay, or 409.
      if (claim !== undefined && err instanceof MongoServerError && err.code === 11000) {
        const earlier = await this.replay(claim);
        if (earlier !== null) return earlier;
        throw inFlightProblem(claim.key);
      }
      throw err;
    } finally {
      await session.endSession();
    }
  }

  private async replay(
    claim: IdempotencyClaim,
    session?: ClientSession,
  ): Promise<RecordResult | null> {
    const { deployments } = await this.connect();
    const earlier = await deployments.findOne(
      { 'idem.scope': { $eq: claim.scope }, 'idem.key': { $eq: claim.key } },
      { session },
    );
    if (earlier === null) return null;
    if (earlier.idem?.hash !== claim.fingerprint) throw idempotencyMismatch(claim.key);
    const previous =
      earlier.previousId === null
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

  private async recordIn(
    session: ClientSession,
    input: NewDeployment,
    claim: IdempotencyClaim | undefined,
    imported?: ImportItem,
  ): Promise<RecordResult> {
    const { deployments, envApps } = await this.connect();
    if (claim !== undefined) {
      const earlier = await this.replay(claim, session);
      if (earlier !== null) return earlier;
    }
    const id = imported?.id ?? this.nextId();
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
    // Instants are stored as dates so that range queries compare them as such.
    const {
      id: _id,
      deployedAt,
      recordedAt,
      committedAt,
      idempotencyKey,
      ...fields
    } = deploymentOf(
      input,
      id,
      imported?.recordedAt ?? Date.now(),
      imported === undefined ? (claim?.key ?? null) : imported.idempotencyKey,
      rollback,
    );
    const doc: DeploymentDoc = {
      _id,
      ...fields,
      deployedAt: new Date(deployedAt),
      recordedAt: new Date(recordedAt),
      committedAt: committedAt === null ? null : new Date(committedAt),
      previousId: previous?._id ?? null,
      ...(claim === undefined || idempotencyKey === null
        ? {}
        : { idem: { scope: claim.scope, key: idempotencyKey, hash: claim.fingerprint } }),
    };
    await deployments.insertOne(doc, { session });
    const reordered =
      success &&
      !becomesCurrent &&
      (await recomputeRollbacks(deployments, input.env, input.app, session));

    const upsert = await envApps.updateOne(
      key,
      {
        $setOnInsert: {
          env: input.env,
          app: input.app,
          firstId: id,
          currentId: null,
          currentAt: null,
          latestId: id,
          latestAt: at,
        },
      },
      { upsert: true, session },
    );
    const firstInEnv = upsert.upsertedCount === 1;
    if (becomesCurrent) {
      await envApps.updateOne(key, { $set: { currentId: id, currentAt: at } }, { session });
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
    return {
      deployment: (await again(doc)) ?? toDeployment(doc),
      previous: await again(previous),
      current: becomesCurrent,
      currentDeployment: becomesCurrent ? null : await again(currentBefore),
      firstInEnv,
      replayed: false,
    };
  }

  /**
   * Once, for data recorded before rollbacks were derived: every env and
   * app that holds a deployment without the flag gets its flags computed.
   */
  private async backfillRollbacks(
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

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    return this.perApp(env, 'currentId', at);
  }

  async attempts(env: string, at?: number): Promise<Deployment[]> {
    return openAttempts((await this.latest(env, at)) ?? []);
  }

  async latest(env: string, at?: number): Promise<Deployment[] | null> {
    return this.perApp(env, 'latestId', at);
  }

  /**
   * Each app's latest deployment of `env` by (deployedAt, id): successes
   * only for `currentId`, any status for `latestId`; now from the projection,
   * at an instant from the events.
   */
  private async perApp(
    env: string,
    pointer: 'currentId' | 'latestId',
    at: number | undefined,
  ): Promise<Deployment[] | null> {
    const { deployments, envApps } = await this.connect();
    const rows = await envApps
      .find({ env: { $eq: env } })
      .sort({ app: 1 })
      .toArray();
    if (rows.length === 0) return null;
    if (at === undefined) {
      const ids = rows.flatMap((r) => (r[pointer] === null ? [] : [r[pointer]]));
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
              ...(pointer === 'currentId' ? { status: { $eq: 'success' } } : {}),
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

  async currentJson(env: string, at?: number): Promise<Buffer | null> {
    const deployments = await this.current(env, at);
    return deployments === null ? null : Buffer.from(JSON.stringify(deployments));
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    const { deployments } = await this.connect();
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

  async environments(): Promise<EnvironmentRow[]> {
    const { envApps } = await this.connect();
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
  private async envOrder(): Promise<Map<string, number>> {
    const envs = await this.environments();
    return new Map(envs.map((e, i) => [e.name, i]));
  }

  async apps(): Promise<AppRow[]> {
    const { envApps } = await this.connect();
    const order = await this.envOrder();
    const rows = await envApps.find({}).sort({ app: 1 }).toArray();
    const apps = new Map<string, AppRow>();
    for (const r of rows) {
      const app = apps.get(r.app);
      if (app === undefined) {
        apps.set(r.app, {
          name: r.app,
          environments: [r.env],
          lastDeployedAt: r.latestAt.getTime(),
        });
      } else {
        app.environments.push(r.env);
        app.lastDeployedAt = Math.max(app.lastDeployedAt, r.latestAt.getTime());
      }
    }
    for (const app of apps.values()) {
      app.environments.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    }
    return [...apps.values()];
  }

  async app(name: string): Promise<{ env: string; current: Deployment | null }[] | null> {
    const { deployments, envApps } = await this.connect();
    const rows = await envApps.find({ app: { $eq: name } }).toArray();
    if (rows.length === 0) return null;
    const order = await this.envOrder();
    rows.sort((a, b) => (order.get(a.env) ?? 0) - (order.get(b.env) ?? 0));
    const ids = rows.flatMap((r) => (r.currentId === null ? [] : [r.currentId]));
    const docs = await deployments.find({ _id: { $in: ids } }).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return rows.map((r) => {
      const doc = r.currentId === null ? undefined : byId.get(r.currentId);
      return { env: r.env, current: doc === undefined ? null : toDeployment(doc) };
    });
  }

  async ping(): Promise<void> {
    const { client } = await this.connect();
    await client.db(this.dbName).command({ ping: 1 });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.ready = null;
    await client?.close();
  }

  historyCsv(query: HistoryQuery): AsyncIterable<string> {
    return csvPages((q) => this.history(q), query);
  }

  /** On this thread: each page is awaited I/O, so other requests run between pages. */
  dora(window: DoraWindow): Promise<DoraReport> {
    return doraReport(this, window);
  }
}

/**
 * Recomputes the rollback flags of one env and app's successes, oldest
 * first (rollback.ts), and writes those that changed; true when any did.
 */
async function recomputeRollbacks(
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

/**
 * MongoDB, for several SVT instances behind a load balancer. Needs a replica
 * set: each write is a transaction (the deployment and the env/app
 * projection change together) with majority write concern.
 *
 * This file holds the connection and lifecycle and the Store methods; the
 * work is in mongo-writes.ts (recording), mongo-reads.ts (queries),
 * mongo-maintenance.ts (prune, export, import, backfill), mongo-auth.ts
 * (tokens, sessions, keys); the documents and their mapping in
 * mongo-documents.ts, the indexes in mongo-schema.ts.
 *
 * Query safety: every filter is built in those files, with operators chosen
 * by the code (`$eq`, `$lt`, `$lte`, `$gte`, `$in`) and values typed and
 * validated by the routes; nothing from a request becomes an operator or a
 * regular expression.
 */
import { MongoClient } from 'mongodb';
import type { Deployment, DoraReport } from '@svt/client';
import { csvPageOf, csvPages } from '../csv.js';
import type { DoraWindow } from '../dora.js';
import { doraReport, storeSource } from '../dora-report.js';
import { openAttempts } from '../attempts.js';
import { idFactory } from './ids.js';
import { MongoAuth } from './mongo-auth.js';
import type { DeploymentDoc, EnvAppDoc } from './mongo-documents.js';
import {
  backfillRollbacks,
  exportJson,
  importMany,
  type MigrationDoc,
  prune,
} from './mongo-maintenance.js';
import * as reads from './mongo-reads.js';
import { createIndexes, type MongoCollections } from './mongo-schema.js';
import { record } from './mongo-writes.js';
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
  private async connect(): Promise<MongoCollections> {
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
      await backfillRollbacks(deployments, db.collection<MigrationDoc>('migrations'));
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
    return prune(await this.connect(), before);
  }

  async *exportJson(): AsyncIterable<string> {
    yield* exportJson(await this.connect());
  }

  async importMany(items: readonly ImportItem[]): Promise<number> {
    return importMany(await this.connect(), items);
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
    return record(await this.connect(), this.nextId, input, claim);
  }

  async current(env: string, at?: number): Promise<Deployment[] | null> {
    return reads.perApp(await this.connect(), env, 'current', at);
  }

  async attempts(env: string, at?: number): Promise<Deployment[]> {
    return openAttempts((await this.latest(env, at)) ?? []);
  }

  async latest(env: string, at?: number): Promise<Deployment[] | null> {
    return reads.perApp(await this.connect(), env, 'latest', at);
  }

  async currentJson(env: string, at?: number): Promise<Buffer | null> {
    const deployments = await this.current(env, at);
    return deployments === null ? null : Buffer.from(JSON.stringify(deployments));
  }

  async history(query: HistoryQuery): Promise<HistoryResult> {
    return reads.history(await this.connect(), query);
  }

  async deployment(id: string): Promise<Deployment | null> {
    return reads.deployment(await this.connect(), id);
  }

  async environments(): Promise<EnvironmentRow[]> {
    return reads.environments(await this.connect());
  }

  async apps(): Promise<AppRow[]> {
    return reads.apps(await this.connect());
  }

  async app(name: string): Promise<{ env: string; current: Deployment | null }[] | null> {
    return reads.app(await this.connect(), name);
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
    return csvPages(async (q) => csvPageOf(await this.history(q)), query);
  }

  /** On this thread: each page is awaited I/O, so other requests run between pages. */
  dora(window: DoraWindow): Promise<DoraReport> {
    return doraReport(storeSource(this), window);
  }
}

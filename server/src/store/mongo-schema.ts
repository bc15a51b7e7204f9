/**
 * How SVT's data is laid out in MongoDB: the collections, every index each
 * one has (declared here once, as data, so that a unit test can check that
 * each query names one of them and that its filter and sort are served by
 * it), and the transaction settings every write uses. The documents
 * themselves: mongo-documents.ts; the queries: mongo-queries.ts,
 * mongo-maintenance-queries.ts and mongo-auth-queries.ts.
 *
 * The deployment fields indexed or filtered on (env, app, status, version,
 * deployedAt, _id, rollback, and idem where a key was claimed) are written
 * alike by every release; the fields newer documents leave out when unset
 * are never indexed, and are read back as null (mongo-documents.ts).
 */
import type { Collection, Db, MongoClient, TransactionOptions } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { DeploymentDoc, EnvAppDoc } from './mongo-documents.js';
import type { OutboxDoc } from './mongo-outbox.js';

/** The store's connected client, its two deployment collections and the webhook outbox. */
export interface MongoCollections {
  client: MongoClient;
  deployments: Collection<DeploymentDoc>;
  envApps: Collection<EnvAppDoc>;
  /** Webhook deliveries, written with their deployment (mongo-outbox.ts). */
  outbox: Collection<OutboxDoc>;
}

/** An index as declared: its name (what queries hint) and its key pattern, in order. */
export interface DeclaredIndex {
  readonly name: string;
  readonly key: Readonly<Record<string, 1 | -1>>;
  readonly unique?: boolean;
  readonly partialFilterExpression?: Readonly<Record<string, unknown>>;
  readonly expireAfterSeconds?: number;
}

/** The index every collection has, which no one creates. */
const ID_INDEX = { name: '_id_', key: { _id: 1 } } as const satisfies DeclaredIndex;

/**
 * The deployments' indexes. Each point-in-time read takes one app's latest
 * entry at an instant from `env_app_status_time` (successes) or
 * `env_app_time` (any status): one index seek per app, whatever the length
 * of the history.
 */
export const DEPLOYMENT_INDEXES = [
  { key: { env: 1, app: 1, status: 1, deployedAt: -1, _id: -1 }, name: 'env_app_status_time' },
  { key: { env: 1, app: 1, deployedAt: -1, _id: -1 }, name: 'env_app_time' },
  { key: { env: 1, deployedAt: -1, _id: -1 }, name: 'env_time' },
  // Rollback detection: did this version succeed in this env and app before?
  { key: { env: 1, app: 1, version: 1 }, name: 'env_app_version' },
  { key: { app: 1, deployedAt: -1, _id: -1 }, name: 'app_time' },
  { key: { deployedAt: -1, _id: -1 }, name: 'time' },
  {
    key: { 'idem.scope': 1, 'idem.key': 1 },
    name: 'idempotency',
    unique: true,
    // Only claimed keys: an imported deployment's key (a top-level
    // idempotencyKey) is kept for the API but not enforced.
    partialFilterExpression: { 'idem.key': { $exists: true } },
  },
] as const satisfies readonly DeclaredIndex[];

/** The env/app projection's indexes. */
export const ENV_APP_INDEXES = [
  { key: { env: 1, app: 1 }, name: 'env_app', unique: true },
  { key: { app: 1, env: 1 }, name: 'app_env' },
] as const satisfies readonly DeclaredIndex[];

/** The tokens' indexes: an active token's name is unique, and so is every hash. */
export const TOKEN_INDEXES = [
  { key: { name: 1 }, name: 'name', unique: true },
  { key: { hash: 1 }, name: 'hash', unique: true },
] as const satisfies readonly DeclaredIndex[];

/** The sessions' indexes. */
export const SESSION_INDEXES = [
  // A token's sessions newest first, ties by id: the order createSession trims in.
  { key: { tokenHash: 1, createdAt: -1, _id: -1 }, name: 'token_created' },
  // Removes each session once expired (within the TTL monitor's minute).
  { key: { expiresAt: 1 }, name: 'expiry', expireAfterSeconds: 0 },
] as const satisfies readonly DeclaredIndex[];

/** Indexes releases up to 1.1 created and this one drops: `token_time` became `token_created`. */
export const DROPPED_SESSION_INDEXES = ['token_time'] as const;

/** Every collection the store uses, with every index it has (the `_id` one included). */
export const INDEXES = {
  deployments: [ID_INDEX, ...DEPLOYMENT_INDEXES],
  env_apps: [ID_INDEX, ...ENV_APP_INDEXES],
  tokens: [ID_INDEX, ...TOKEN_INDEXES],
  sessions: [ID_INDEX, ...SESSION_INDEXES],
  server_keys: [ID_INDEX],
  migrations: [ID_INDEX],
} as const;

export type CollectionName = keyof typeof INDEXES;

/** The name of an index of `C`, as a query hints it. */
export type IndexName<C extends CollectionName> = (typeof INDEXES)[C][number]['name'];

/**
 * In place of an index name: a whole-collection scan, sent without a hint
 * (no index holds the field it looks for, so the server scans anyway).
 * Only the one-time migrations that look for documents lacking a field do
 * it (the unit test checks that no other query does).
 */
export const WHOLE_COLLECTION = null;

/** The driver's `hint` option for a declared hint: none for a whole-collection scan. */
export function hintOption(hint: string | null): { hint?: string } {
  return hint === null ? {} : { hint };
}

/**
 * The hint option as a key pattern, for the driver calls that take only
 * that form (findOneAndUpdate): the declared index's key; none for a
 * whole-collection scan.
 */
export function hintKeyOption<C extends CollectionName>(
  collection: C,
  hint: IndexName<C> | typeof WHOLE_COLLECTION,
): { hint?: Record<string, 1 | -1> } {
  if (hint === null) return {};
  const declared: readonly DeclaredIndex[] = INDEXES[collection];
  const index = declared.find((i) => i.name === hint);
  if (index === undefined) throw new Error(`no index ${hint} on ${collection}`);
  return { hint: { ...index.key } };
}

/** Every write's transaction: a snapshot, committed with majority write concern. */
export const TRANSACTION: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

export const NEWEST_FIRST = { deployedAt: -1, _id: -1 } as const;

const INDEX_NOT_FOUND = 27;
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;

/**
 * Creates the collections `names` unless they exist: a query that hints
 * an index (`_id_` included) is then always planned against a collection
 * that has it, from the first call on a new database.
 */
export async function ensureCollections(db: Db, names: readonly CollectionName[]): Promise<void> {
  for (const name of names) {
    try {
      await db.createCollection(name);
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
    }
  }
}

/** Drops index `name` of `collection`, when it is there. */
export async function dropIndexIfAny(
  collection: { dropIndex(name: string): Promise<unknown> },
  name: string,
): Promise<void> {
  try {
    await collection.dropIndex(name);
  } catch (err) {
    const absent =
      err instanceof MongoServerError &&
      (err.code === INDEX_NOT_FOUND || err.code === NAMESPACE_NOT_FOUND);
    if (!absent) throw err;
  }
}

/**
 * Creates the deployment collections' indexes (createIndexes leaves
 * existing ones as they are), and the migrations' collection.
 */
export async function createIndexes(db: Db): Promise<void> {
  await ensureCollections(db, ['migrations']);
  await db.collection('deployments').createIndexes([...DEPLOYMENT_INDEXES]);
  await db.collection('env_apps').createIndexes([...ENV_APP_INDEXES]);
}

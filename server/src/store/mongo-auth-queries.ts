/**
 * Every query the MongoDB store sends about tokens, sessions and server
 * keys, built by pure functions as in mongo-queries.ts: filter, sort and
 * the declared index (mongo-schema.ts) each one hints, checked by
 * test/unit/mongo-queries.test.ts.
 */
import type { Filter } from 'mongodb';
import type { ServerKeyDoc, SessionDoc, TokenDoc } from './mongo-auth.js';
import type { IndexName } from './mongo-schema.js';
import { WHOLE_COLLECTION } from './mongo-schema.js';

/** The document type of each collection this file queries. */
interface Docs {
  tokens: TokenDoc;
  sessions: SessionDoc;
  server_keys: ServerKeyDoc;
}

/** An auth query as sent; `C` names its collection. */
export interface AuthQuery<C extends keyof Docs> {
  collection: C;
  filter: Filter<Docs[C]>;
  /** Null: a whole-collection scan, sent without a hint (mongo-schema.ts). */
  hint: IndexName<C> | typeof WHOLE_COLLECTION;
  sort?: Readonly<Record<string, 1 | -1>>;
  skip?: number;
  projection?: Readonly<Record<string, 0 | 1>>;
}

/** The token of that name, active or revoked. */
export function tokenNamed(name: string): AuthQuery<'tokens'> {
  return { collection: 'tokens', filter: { name: { $eq: name } }, hint: 'name' };
}

/** The revoked token of that name, which a new token of that name replaces. */
export function revokedNamed(name: string): AuthQuery<'tokens'> {
  // `$ne: null` leaves out an active token, revokedAt absent or null alike.
  return {
    collection: 'tokens',
    filter: { name: { $eq: name }, revokedAt: { $ne: null } },
    hint: 'name',
  };
}

/** The active token of that name. */
export function activeNamed(name: string): AuthQuery<'tokens'> {
  return {
    collection: 'tokens',
    filter: { name: { $eq: name }, revokedAt: { $eq: null } },
    hint: 'name',
  };
}

/** The active token with that hash. */
export function activeHashed(hash: string): AuthQuery<'tokens'> {
  return {
    collection: 'tokens',
    filter: { hash: { $eq: hash }, revokedAt: { $eq: null } },
    hint: 'hash',
  };
}

/** Every token, by name (`{}` with a limit of one: whether there is any). */
export function tokensByName(): AuthQuery<'tokens'> {
  return { collection: 'tokens', filter: {}, sort: { name: 1 }, hint: 'name' };
}

/** The token of that name when it was last used before `at` (or never). */
export function usedBefore(name: string, at: number): AuthQuery<'tokens'> {
  return {
    collection: 'tokens',
    filter: {
      name: { $eq: name },
      $or: [{ lastUsedAt: { $eq: null } }, { lastUsedAt: { $lt: at } }],
    },
    hint: 'name',
  };
}

/**
 * Tokens holding 1.0.0's login-cookie hash: a whole-collection scan (no
 * index holds "has the field"), once per start, over a handful of tokens.
 */
export function withSessionHash(): AuthQuery<'tokens'> {
  return {
    collection: 'tokens',
    filter: { sessionHash: { $exists: true } },
    hint: WHOLE_COLLECTION,
  };
}

/** A token's sessions beyond the newest `keep`, which opening one more ends. */
export function sessionsBeyond(tokenHash: string, keep: number): AuthQuery<'sessions'> {
  return {
    collection: 'sessions',
    filter: { tokenHash: { $eq: tokenHash } },
    sort: { createdAt: -1, _id: -1 },
    skip: keep,
    projection: { _id: 1 },
    hint: 'token_created',
  };
}

/** Every session of a token. */
export function sessionsOf(tokenHash: string): AuthQuery<'sessions'> {
  return {
    collection: 'sessions',
    filter: { tokenHash: { $eq: tokenHash } },
    hint: 'token_created',
  };
}

/** Sessions by id (the SHA-256 of the cookie's value). */
export function sessionsById(hashes: readonly string[]): AuthQuery<'sessions'> {
  return { collection: 'sessions', filter: { _id: { $in: [...hashes] } }, hint: '_id_' };
}

/** The session with that id, when it has not expired at `now`. */
export function liveSession(hash: string, now: number): AuthQuery<'sessions'> {
  return {
    collection: 'sessions',
    filter: { _id: { $eq: hash }, expiresAt: { $gt: new Date(now) } },
    hint: '_id_',
  };
}

/** Sessions expired at `now`. */
export function expiredSessions(now: number): AuthQuery<'sessions'> {
  return {
    collection: 'sessions',
    filter: { expiresAt: { $lte: new Date(now) } },
    hint: 'expiry',
  };
}

/** The server key for a purpose. */
export function serverKeyOf(purpose: string): AuthQuery<'server_keys'> {
  return { collection: 'server_keys', filter: { _id: { $eq: purpose } }, hint: '_id_' };
}

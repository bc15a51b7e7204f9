/**
 * The MongoDB store's access data: API tokens (`tokens`), login sessions
 * (`sessions`, expired ones removed by a TTL index as well as refused on
 * use) and the server's secret keys (`server_keys`). Collections and
 * indexes are made on first use; every filter's operator is chosen here.
 */
import { randomBytes } from 'node:crypto';
import { type Collection, type Db, MongoServerError } from 'mongodb';
import * as q from './mongo-auth-queries.js';
import { Lazy } from './mongo-client.js';
import {
  DROPPED_SESSION_INDEXES,
  SESSION_INDEXES,
  TOKEN_INDEXES,
  dropIndexIfAny,
  ensureCollections,
  hintKeyOption,
  hintOption,
} from './mongo-schema.js';
import { checkKeyPurpose, SESSIONS_PER_TOKEN, TokenNameTaken } from './shared.js';
import type { SessionRecord, TokenRecord } from './types.js';

/**
 * An API token: its SHA-256, never the token. `lastUsedAt` and `revokedAt`
 * are absent until set (null in documents of releases up to 1.1.0): the
 * filters below use `$eq: null` / `$ne: null`, which treat a missing field
 * as null, so both forms match alike and none is migrated.
 */
export interface TokenDoc {
  name: string;
  hash: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt?: number | null;
  revokedAt?: number | null;
  /** 1.0.0's login-cookie hash: unset on first use, never written. */
  sessionHash?: string;
}

/** A login session: the SHA-256 of its id as `_id`, never the id. */
export interface SessionDoc {
  _id: string;
  tokenHash: string;
  createdAt: number;
  /** A date, for the TTL index. */
  expiresAt: Date;
}

/** A server key: the purpose as `_id`, 32 random bytes in base64. */
export interface ServerKeyDoc {
  _id: string;
  key: string;
  createdAt: number;
}

const DUPLICATE_KEY = 11000;

/** The record from a stored token of either form. */
export function tokenOf(doc: TokenDoc): TokenRecord {
  const { name, hash, scopes, createdAt } = doc;
  return {
    name,
    hash,
    scopes,
    createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
    revokedAt: doc.revokedAt ?? null,
  };
}

/** The stored form of a token: only the fields that are set. */
export function tokenDocOf(token: TokenRecord): TokenDoc {
  const { name, hash, scopes, createdAt, lastUsedAt, revokedAt } = token;
  return {
    name,
    hash,
    scopes,
    createdAt,
    ...(lastUsedAt === null ? {} : { lastUsedAt }),
    ...(revokedAt === null ? {} : { revokedAt }),
  };
}

interface Collections {
  tokens: Collection<TokenDoc>;
  sessions: Collection<SessionDoc>;
  keys: Collection<ServerKeyDoc>;
}

/** The Store's token, session and key methods, over the database `db()` connects to. */
export class MongoAuth {
  /** The indexes, made once; a failure is not kept, so the next call builds them again. */
  private readonly ready: Lazy<void>;

  /** @param db the store's database, connected (MongoStore connects lazily) */
  constructor(private readonly db: () => Promise<Db>) {
    this.ready = new Lazy(async () => {
      const db = await this.db();
      await prepare(db, this.collectionsOf(db));
    });
  }

  private collectionsOf(db: Db): Collections {
    return {
      tokens: db.collection<TokenDoc>('tokens'),
      sessions: db.collection<SessionDoc>('sessions'),
      keys: db.collection<ServerKeyDoc>('server_keys'),
    };
  }

  private async collections(): Promise<Collections> {
    await this.ready.get();
    return this.collectionsOf(await this.db());
  }

  async createToken(token: TokenRecord): Promise<void> {
    const { tokens } = await this.collections();
    const named = q.tokenNamed(token.name);
    const existing = await tokens.findOne(named.filter, { ...hintOption(named.hint) });
    if (existing !== null && existing.revokedAt == null) throw new TokenNameTaken(token.name);
    try {
      const revoked = q.revokedNamed(token.name);
      await tokens.replaceOne(revoked.filter, tokenDocOf(token), {
        upsert: true,
        ...hintOption(revoked.hint),
      });
    } catch (err) {
      // The unique index on name: an active token of that name appeared meanwhile.
      if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
        throw new TokenNameTaken(token.name);
      }
      throw err;
    }
  }

  async listTokens(): Promise<TokenRecord[]> {
    const { tokens } = await this.collections();
    const all = q.tokensByName();
    return (
      await tokens.find(all.filter, { ...hintOption(all.hint), sort: all.sort }).toArray()
    ).map(tokenOf);
  }

  /**
   * Revokes, then deletes the token's sessions. Not one transaction: a
   * session left behind by a failure in between still never works, since a
   * session's token must be active (tokenBySession).
   */
  async revokeToken(name: string, at: number): Promise<boolean> {
    const { tokens, sessions } = await this.collections();
    const active = q.activeNamed(name);
    const revoked = await tokens.findOneAndUpdate(
      active.filter,
      { $set: { revokedAt: at } },
      hintKeyOption('tokens', active.hint),
    );
    if (revoked === null) return false;
    const theirs = q.sessionsOf(revoked.hash);
    await sessions.deleteMany(theirs.filter, { ...hintOption(theirs.hint) });
    return true;
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const { tokens } = await this.collections();
    const active = q.activeHashed(hash);
    const doc = await tokens.findOne(active.filter, { ...hintOption(active.hint) });
    return doc === null ? null : tokenOf(doc);
  }

  /** Revoked tokens count: revoking every token must not reopen tokenless writes. */
  async everHadTokens(): Promise<boolean> {
    const { tokens } = await this.collections();
    const any = q.tokensByName();
    return (
      (await tokens.findOne(any.filter, { ...hintOption(any.hint), projection: { _id: 1 } })) !==
      null
    );
  }

  async touchTokens(uses: ReadonlyMap<string, number>): Promise<void> {
    const { tokens } = await this.collections();
    for (const [name, at] of uses) {
      const older = q.usedBefore(name, at);
      await tokens.updateOne(
        older.filter,
        { $set: { lastUsedAt: at } },
        { ...hintOption(older.hint) },
      );
    }
  }

  async createSession(session: SessionRecord): Promise<void> {
    const { sessions } = await this.collections();
    await sessions.insertOne({
      _id: session.hash,
      tokenHash: session.tokenHash,
      createdAt: session.createdAt,
      expiresAt: new Date(session.expiresAt),
    });
    const old = q.sessionsBeyond(session.tokenHash, SESSIONS_PER_TOKEN);
    const beyond = await sessions
      .find(old.filter, {
        ...hintOption(old.hint),
        sort: { ...old.sort },
        skip: old.skip,
        projection: { ...old.projection },
      })
      .toArray();
    if (beyond.length > 0) {
      const ended = q.sessionsById(beyond.map((s) => s._id));
      await sessions.deleteMany(ended.filter, { ...hintOption(ended.hint) });
    }
  }

  /** Checks expiry itself: the TTL monitor runs only once a minute. */
  async tokenBySession(hash: string, now: number): Promise<TokenRecord | null> {
    const { sessions, tokens } = await this.collections();
    const live = q.liveSession(hash, now);
    const session = await sessions.findOne(live.filter, { ...hintOption(live.hint) });
    if (session === null) return null;
    const active = q.activeHashed(session.tokenHash);
    const doc = await tokens.findOne(active.filter, { ...hintOption(active.hint) });
    return doc === null ? null : tokenOf(doc);
  }

  async deleteSession(hash: string): Promise<boolean> {
    const { sessions } = await this.collections();
    const one = q.sessionsById([hash]);
    return (await sessions.deleteOne(one.filter, { ...hintOption(one.hint) })).deletedCount === 1;
  }

  async purgeSessions(now: number): Promise<number> {
    const { sessions } = await this.collections();
    const expired = q.expiredSessions(now);
    return (await sessions.deleteMany(expired.filter, { ...hintOption(expired.hint) }))
      .deletedCount;
  }

  /** The first instance to ask inserts the key; every other one reads that same key. */
  async serverKey(purpose: string): Promise<Buffer> {
    checkKeyPurpose(purpose);
    const { keys } = await this.collections();
    const mine = q.serverKeyOf(purpose);
    try {
      await keys.updateOne(
        mine.filter,
        { $setOnInsert: { key: randomBytes(32).toString('base64'), createdAt: Date.now() } },
        { upsert: true, ...hintOption(mine.hint) },
      );
    } catch (err) {
      // Two instances inserting at once: the other one's key stands.
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
    const doc = await keys.findOne(mine.filter, { ...hintOption(mine.hint) });
    const key = doc === null ? null : Buffer.from(doc.key, 'base64');
    if (key === null || key.length !== 32) {
      throw new Error(`the server key ${JSON.stringify(purpose)} is missing or damaged`);
    }
    return key;
  }
}

/**
 * Indexes (mongo-schema.ts), and what earlier releases left: 1.0.0's unique
 * index on the tokens' login-cookie hash goes first (new tokens have none,
 * and a unique index would refuse a second one), then the hashes
 * themselves, so that such a cookie opens nothing; and the sessions' index
 * that `token_created` replaced.
 */
async function prepare(db: Db, { tokens, sessions }: Collections): Promise<void> {
  await ensureCollections(db, ['server_keys']);
  await dropIndexIfAny(tokens, 'sessionHash');
  const stale = q.withSessionHash();
  await tokens.updateMany(stale.filter, { $unset: { sessionHash: '' } }, hintOption(stale.hint));
  await tokens.createIndexes([...TOKEN_INDEXES]);
  await sessions.createIndexes([...SESSION_INDEXES]);
  for (const name of DROPPED_SESSION_INDEXES) await dropIndexIfAny(sessions, name);
}

/**
 * The MongoDB store's access data: API tokens (`tokens`), login sessions
 * (`sessions`, expired ones removed by a TTL index as well as refused on
 * use) and the server's secret keys (`server_keys`). Collections and
 * indexes are made on first use; every filter's operator is chosen here.
 */
import { randomBytes } from 'node:crypto';
import { type Collection, type Db, MongoServerError } from 'mongodb';
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
interface SessionDoc {
  _id: string;
  tokenHash: string;
  createdAt: number;
  /** A date, for the TTL index. */
  expiresAt: Date;
}

/** A server key: the purpose as `_id`, 32 random bytes in base64. */
interface ServerKeyDoc {
  _id: string;
  key: string;
  createdAt: number;
}

const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
const INDEX_NOT_FOUND = 27;

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
  private ready: Promise<void> | null = null;

  /** @param db the store's database, connected (MongoStore connects lazily) */
  constructor(private readonly db: () => Promise<Db>) {}

  private async collections(): Promise<Collections> {
    const db = await this.db();
    const c: Collections = {
      tokens: db.collection<TokenDoc>('tokens'),
      sessions: db.collection<SessionDoc>('sessions'),
      keys: db.collection<ServerKeyDoc>('server_keys'),
    };
    this.ready ??= prepare(c).catch((err: unknown) => {
      this.ready = null; // the next call tries again
      throw err;
    });
    await this.ready;
    return c;
  }

  async createToken(token: TokenRecord): Promise<void> {
    const { tokens } = await this.collections();
    const existing = await tokens.findOne({ name: { $eq: token.name } });
    if (existing !== null && existing.revokedAt == null) throw new TokenNameTaken(token.name);
    try {
      // `$ne: null` leaves out an active token, revokedAt absent or null alike.
      await tokens.replaceOne(
        { name: { $eq: token.name }, revokedAt: { $ne: null } },
        tokenDocOf(token),
        { upsert: true },
      );
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
    return (await tokens.find({}).sort({ name: 1 }).toArray()).map(tokenOf);
  }

  /**
   * Revokes, then deletes the token's sessions. Not one transaction: a
   * session left behind by a failure in between still never works, since a
   * session's token must be active (tokenBySession).
   */
  async revokeToken(name: string, at: number): Promise<boolean> {
    const { tokens, sessions } = await this.collections();
    const revoked = await tokens.findOneAndUpdate(
      { name: { $eq: name }, revokedAt: { $eq: null } },
      { $set: { revokedAt: at } },
    );
    if (revoked === null) return false;
    await sessions.deleteMany({ tokenHash: { $eq: revoked.hash } });
    return true;
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const { tokens } = await this.collections();
    const doc = await tokens.findOne({ hash: { $eq: hash }, revokedAt: { $eq: null } });
    return doc === null ? null : tokenOf(doc);
  }

  /** Revoked tokens count: revoking every token must not reopen tokenless writes. */
  async everHadTokens(): Promise<boolean> {
    const { tokens } = await this.collections();
    return (await tokens.findOne({}, { projection: { _id: 1 } })) !== null;
  }

  async touchTokens(uses: ReadonlyMap<string, number>): Promise<void> {
    const { tokens } = await this.collections();
    for (const [name, at] of uses) {
      await tokens.updateOne(
        {
          name: { $eq: name },
          $or: [{ lastUsedAt: { $eq: null } }, { lastUsedAt: { $lt: at } }],
        },
        { $set: { lastUsedAt: at } },
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
    const beyond = await sessions
      .find({ tokenHash: { $eq: session.tokenHash } }, { projection: { _id: 1 } })
      .sort({ createdAt: -1, _id: -1 })
      .skip(SESSIONS_PER_TOKEN)
      .toArray();
    if (beyond.length > 0) {
      await sessions.deleteMany({ _id: { $in: beyond.map((s) => s._id) } });
    }
  }

  /** Checks expiry itself: the TTL monitor runs only once a minute. */
  async tokenBySession(hash: string, now: number): Promise<TokenRecord | null> {
    const { sessions, tokens } = await this.collections();
    const session = await sessions.findOne({
      _id: { $eq: hash },
      expiresAt: { $gt: new Date(now) },
    });
    if (session === null) return null;
    const doc = await tokens.findOne({
      hash: { $eq: session.tokenHash },
      revokedAt: { $eq: null },
    });
    return doc === null ? null : tokenOf(doc);
  }

  async deleteSession(hash: string): Promise<boolean> {
    const { sessions } = await this.collections();
    return (await sessions.deleteOne({ _id: { $eq: hash } })).deletedCount === 1;
  }

  async purgeSessions(now: number): Promise<number> {
    const { sessions } = await this.collections();
    return (await sessions.deleteMany({ expiresAt: { $lte: new Date(now) } })).deletedCount;
  }

  /** The first instance to ask inserts the key; every other one reads that same key. */
  async serverKey(purpose: string): Promise<Buffer> {
    checkKeyPurpose(purpose);
    const { keys } = await this.collections();
    try {
      await keys.updateOne(
        { _id: { $eq: purpose } },
        { $setOnInsert: { key: randomBytes(32).toString('base64'), createdAt: Date.now() } },
        { upsert: true },
      );
    } catch (err) {
      // Two instances inserting at once: the other one's key stands.
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
    const doc = await keys.findOne({ _id: { $eq: purpose } });
    const key = doc === null ? null : Buffer.from(doc.key, 'base64');
    if (key === null || key.length !== 32) {
      throw new Error(`the server key ${JSON.stringify(purpose)} is missing or damaged`);
    }
    return key;
  }
}

/**
 * Indexes, and what 1.0.0 left: its unique index on the tokens' login-cookie
 * hash goes first (new tokens have none, and a unique index would refuse a
 * second one), then the hashes themselves, so that such a cookie opens nothing.
 */
async function prepare({ tokens, sessions }: Collections): Promise<void> {
  try {
    await tokens.dropIndex('sessionHash');
  } catch (err) {
    const absent =
      err instanceof MongoServerError &&
      (err.code === INDEX_NOT_FOUND || err.code === NAMESPACE_NOT_FOUND);
    if (!absent) throw err;
  }
  await tokens.updateMany({ sessionHash: { $exists: true } }, { $unset: { sessionHash: '' } });
  await tokens.createIndexes([
    { key: { name: 1 }, name: 'name', unique: true },
    { key: { hash: 1 }, name: 'hash', unique: true },
  ]);
  await sessions.createIndexes([
    { key: { tokenHash: 1, createdAt: -1 }, name: 'token_time' },
    // Removes each session once expired (within the TTL monitor's minute).
    { key: { expiresAt: 1 }, name: 'expiry', expireAfterSeconds: 0 },
  ]);
}

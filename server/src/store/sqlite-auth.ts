/**
 * The SQLite store's access data: API tokens, login sessions and the
 * server's secret keys. Read and written on the store's own connection:
 * writes are rare (an admin's command, a login, a last-use flush a minute),
 * and SQLite serializes them with the writer thread's commits (busy_timeout).
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { checkKeyPurpose, SESSIONS_PER_TOKEN, TokenNameTaken } from './shared.js';
import type { SessionRecord, TokenRecord } from './types.js';

interface TokenRow {
  name: string;
  hash: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function tokenOf(row: TokenRow): TokenRecord {
  return {
    name: row.name,
    hash: row.hash,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

type Statements = ReturnType<typeof prepare>;

/** The Store's token, session and key methods over one migrated connection. */
export class SqliteAuth {
  private readonly s: Statements;

  constructor(private readonly db: Database.Database) {
    this.s = prepare(db);
  }

  createToken(token: TokenRecord): void {
    const { s } = this;
    this.db
      .transaction(() => {
        const existing = s.tokenByName.get(token.name) as TokenRow | undefined;
        if (existing !== undefined && existing.revoked_at === null)
          throw new TokenNameTaken(token.name);
        s.deleteToken.run(token.name);
        s.insertToken.run(token.name, token.hash, JSON.stringify(token.scopes), token.createdAt);
      })
      .immediate();
  }

  listTokens(): TokenRecord[] {
    return (this.s.allTokens.all() as TokenRow[]).map(tokenOf);
  }

  /** Revokes the token and deletes its sessions, together. */
  revokeToken(name: string, at: number): boolean {
    const { s } = this;
    return this.db
      .transaction(() => {
        const row = s.tokenByName.get(name) as TokenRow | undefined;
        if (row === undefined || row.revoked_at !== null) return false;
        s.revokeToken.run(at, name);
        s.deleteTokenSessions.run(row.hash);
        return true;
      })
      .immediate();
  }

  tokenByHash(hash: string): TokenRecord | null {
    const row = this.s.tokenByHash.get(hash) as TokenRow | undefined;
    return row === undefined ? null : tokenOf(row);
  }

  everHadTokens(): boolean {
    return this.s.anyToken.get() !== undefined;
  }

  touchTokens(uses: ReadonlyMap<string, number>): void {
    const { s } = this;
    this.db.transaction(() => {
      for (const [name, at] of uses) s.touchToken.run({ at, name });
    })();
  }

  createSession(session: SessionRecord): void {
    const { s } = this;
    this.db
      .transaction(() => {
        s.insertSession.run(session);
        s.trimSessions.run({ token: session.tokenHash, keep: SESSIONS_PER_TOKEN });
      })
      .immediate();
  }

  tokenBySession(hash: string, now: number): TokenRecord | null {
    const row = this.s.tokenBySession.get({ hash, now }) as TokenRow | undefined;
    return row === undefined ? null : tokenOf(row);
  }

  deleteSession(hash: string): boolean {
    return this.s.deleteSession.run(hash).changes === 1;
  }

  purgeSessions(now: number): number {
    return this.s.purgeSessions.run(now).changes;
  }

  /** Made in the same transaction that reads it: two processes asking at once agree on one key. */
  serverKey(purpose: string): Buffer {
    checkKeyPurpose(purpose);
    const { s } = this;
    return this.db
      .transaction(() => {
        s.insertKey.run(purpose, randomBytes(32), Date.now());
        return s.keyOf.get(purpose) as Buffer;
      })
      .immediate();
  }
}

function prepare(db: Database.Database) {
  return {
    tokenByName: db.prepare('SELECT * FROM tokens WHERE name = ?'),
    tokenByHash: db.prepare('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL'),
    allTokens: db.prepare('SELECT * FROM tokens ORDER BY name'),
    // Revoked rows count: revoking every token must not reopen tokenless writes.
    anyToken: db.prepare('SELECT 1 FROM tokens LIMIT 1'),
    deleteToken: db.prepare('DELETE FROM tokens WHERE name = ?'),
    insertToken: db.prepare(
      'INSERT INTO tokens (name, hash, scopes, created_at) VALUES (?, ?, ?, ?)',
    ),
    revokeToken: db.prepare(
      'UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL',
    ),
    touchToken: db.prepare(
      `UPDATE tokens SET last_used_at = @at WHERE name = @name
         AND (last_used_at IS NULL OR last_used_at < @at)`,
    ),
    insertSession: db.prepare(
      `INSERT INTO sessions (hash, token_hash, created_at, expires_at)
       VALUES (@hash, @tokenHash, @createdAt, @expiresAt)`,
    ),
    // A token's sessions beyond its newest @keep.
    trimSessions: db.prepare(
      `DELETE FROM sessions WHERE token_hash = @token AND hash NOT IN (
         SELECT hash FROM sessions WHERE token_hash = @token
         ORDER BY created_at DESC, hash DESC LIMIT @keep)`,
    ),
    // A session works only while unexpired and while its token is active.
    tokenBySession: db.prepare(
      `SELECT t.* FROM sessions s JOIN tokens t ON t.hash = s.token_hash
       WHERE s.hash = @hash AND s.expires_at > @now AND t.revoked_at IS NULL`,
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE hash = ?'),
    deleteTokenSessions: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    insertKey: db.prepare(
      'INSERT OR IGNORE INTO server_keys (purpose, key, created_at) VALUES (?, ?, ?)',
    ),
    keyOf: db.prepare('SELECT key FROM server_keys WHERE purpose = ?').pluck(),
  };
}

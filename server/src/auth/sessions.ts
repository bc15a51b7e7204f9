/**
 * Login sessions of SVT_READ_AUTH=token. Each login gets its own random id
 * (256 bits), sent only in the cookie; the store keeps its SHA-256 with the
 * token it was opened with and its expiry, so a session ends at logout, at
 * expiry (checked by the server on each use, not left to the browser) and
 * with its token's revocation, and survives a restart. A session is good
 * for reads only: the policy never asks for one on a write.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store, TokenRecord } from '../store/types.js';

export const SESSION_COOKIE = 'svt_session';

/** How long a session lasts from its login, in ms (12 hours). */
export const SESSION_MS = 12 * 3600 * 1000;

/** 32 random bytes, base64url: what a session cookie holds. 1.0.0's 64-hex-digit cookie never matches. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a session id, hex: all the store ever sees of it. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export interface OpenedSession {
  /** The cookie's value; never stored. */
  id: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Opens a new session for `token`, valid from `now` (epoch ms) for
 * `lifetimeMs`, and first deletes every session already expired, so that
 * the store holds only live ones (plus those that expired since the last
 * login). Throws what the store throws.
 */
export async function openSession(
  store: Store,
  token: TokenRecord,
  now: number = Date.now(),
  lifetimeMs: number = SESSION_MS,
): Promise<OpenedSession> {
  await store.purgeSessions(now);
  const id = randomBytes(32).toString('base64url');
  const expiresAt = now + lifetimeMs;
  await store.createSession({
    hash: hashSessionId(id),
    tokenHash: token.hash,
    createdAt: now,
    expiresAt,
  });
  return { id, expiresAt };
}

/**
 * The token behind a session cookie's value at `now` (epoch ms); null for a
 * malformed, unknown, ended or expired session, or one whose token was
 * revoked. Scopes are the caller's to check.
 */
export async function sessionToken(
  store: Store,
  cookie: string,
  now: number = Date.now(),
): Promise<TokenRecord | null> {
  if (!SESSION_ID.test(cookie)) return null;
  return store.tokenBySession(hashSessionId(cookie), now);
}

/** Ends the session a cookie's value names (a logout); false when there was none. */
export async function endSession(store: Store, cookie: string): Promise<boolean> {
  if (!SESSION_ID.test(cookie)) return false;
  return store.deleteSession(hashSessionId(cookie));
}

/**
 * Access data, part of the store contract: login sessions (ended by
 * deletion, expiry and their token's revocation, bounded per token) and the
 * server's secret keys (made once, the same on every ask).
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { SESSIONS_PER_TOKEN } from '../../server/src/store/shared.js';
import type { SessionRecord, Store, TokenRecord } from '../../server/src/store/types.js';
import { MINUTE, T0 } from '../helpers/deployments.js';
import type { Gate } from '../helpers/skip.js';

const HOUR = 60 * MINUTE;

const token = (name: string, hashDigit: string): TokenRecord => ({
  name,
  hash: hashDigit.repeat(64),
  scopes: ['read'],
  createdAt: T0,
  lastUsedAt: null,
  revokedAt: null,
});

/** A session of `owner` opened at T0 + `at` ms, lasting an hour; its hash is `n` as 64 hex digits. */
const session = (owner: TokenRecord, n: number, at = 0): SessionRecord => ({
  hash: n.toString(16).padStart(64, '0'),
  tokenHash: owner.hash,
  createdAt: T0 + at,
  expiresAt: T0 + at + HOUR,
});

export function accessContract(name: string, makeStore: () => Promise<Store>, gate: Gate): void {
  gate.describe(`${name} store contract: sessions and keys`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
    });

    const owner = async (s: SessionRecord, now = T0) =>
      (await store.tokenBySession(s.hash, now))?.name ?? null;

    it('finds a session’s token until it is deleted, and only that session is ended', async () => {
      const reader = token('reader', 'a');
      await store.createToken(reader);
      const one = session(reader, 1);
      const two = session(reader, 2);
      await store.createSession(one);
      await store.createSession(two);
      expect(await store.tokenBySession(one.hash, T0)).toEqual(reader);
      expect(await owner(session(reader, 3))).toBeNull(); // never stored
      expect(await store.tokenBySession(reader.hash, T0)).toBeNull(); // a token hash is no session
      expect(await store.deleteSession(one.hash)).toBe(true);
      expect(await store.deleteSession(one.hash)).toBe(false);
      expect(await owner(one)).toBeNull();
      expect(await owner(two)).toBe('reader');
    });

    it('refuses a session from its expiry on, and purges only expired ones', async () => {
      const reader = token('reader', 'a');
      await store.createToken(reader);
      const early = session(reader, 1);
      const late = session(reader, 2, 30 * MINUTE);
      await store.createSession(early);
      await store.createSession(late);
      expect(await owner(early, early.expiresAt - 1)).toBe('reader');
      expect(await owner(early, early.expiresAt)).toBeNull();
      expect(await owner(late, early.expiresAt)).toBe('reader');
      expect(await store.purgeSessions(early.expiresAt - 1)).toBe(0);
      expect(await store.purgeSessions(early.expiresAt)).toBe(1);
      expect(await store.purgeSessions(early.expiresAt)).toBe(0);
      expect(await store.deleteSession(early.hash)).toBe(false); // gone from the store
      expect(await owner(late, early.expiresAt)).toBe('reader');
    });

    it('ends a token’s sessions when it is revoked; a new token of that name inherits none', async () => {
      const reader = token('reader', 'a');
      const other = token('other', 'b');
      await store.createToken(reader);
      await store.createToken(other);
      const mine = session(reader, 1);
      const theirs = session(other, 2);
      await store.createSession(mine);
      await store.createSession(theirs);
      expect(await store.revokeToken('reader', T0)).toBe(true);
      expect(await owner(mine)).toBeNull();
      expect(await store.deleteSession(mine.hash)).toBe(false); // deleted, not only refused
      expect(await owner(theirs)).toBe('other');

      const successor = token('reader', 'c');
      await store.createToken(successor);
      expect(await owner(mine)).toBeNull();
      // A session pointing at the revoked token (as if its deletion had been missed) still fails.
      await store.createSession(session(reader, 3));
      expect(await owner(session(reader, 3))).toBeNull();
      await store.createSession(session(successor, 4));
      expect(await owner(session(successor, 4))).toBe('reader');
    });

    it(`keeps at most ${SESSIONS_PER_TOKEN} sessions per token, ending the oldest`, async () => {
      const reader = token('reader', 'a');
      const other = token('other', 'b');
      await store.createToken(reader);
      await store.createToken(other);
      await store.createSession(session(other, 10_000));
      for (let i = 0; i <= SESSIONS_PER_TOKEN; i++) {
        await store.createSession(session(reader, i + 1, i));
      }
      expect(await owner(session(reader, 1, 0))).toBeNull();
      expect(await owner(session(reader, 2, 1))).toBe('reader');
      expect(await owner(session(reader, SESSIONS_PER_TOKEN + 1, SESSIONS_PER_TOKEN))).toBe(
        'reader',
      );
      expect(await owner(session(other, 10_000))).toBe('other');
    });

    it('makes each server key once: 32 bytes, the same on every ask, even concurrent ones', async () => {
      const keys = await Promise.all(
        Array.from({ length: 5 }, () => store.serverKey('history-cursor')),
      );
      const [first] = keys;
      expect(first).toBeInstanceOf(Buffer);
      expect(first?.length).toBe(32);
      for (const key of keys) expect(key.equals(first ?? Buffer.alloc(0))).toBe(true);
      expect((await store.serverKey('history-cursor')).equals(first ?? Buffer.alloc(0))).toBe(true);
      const other = await store.serverKey('another-purpose');
      expect(other.equals(first ?? Buffer.alloc(0))).toBe(false);
      await expect(store.serverKey('Bad Purpose')).rejects.toThrow(/purpose/);
    });
  });
}

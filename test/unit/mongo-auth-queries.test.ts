/**
 * What the MongoDB store sends about tokens, sessions and server keys,
 * exactly, without a server (test/unit/mongo-queries.test.ts checks that
 * each one's index serves it).
 */
import { describe, expect, it } from '@jest/globals';
import * as auth from '../../server/src/store/mongo-auth-queries.js';
import { T0 } from '../helpers/deployments.js';

const AT = new Date(T0);
const H = 'a'.repeat(64);

describe('every token, session and key query', () => {
  const cases: [string, unknown, unknown][] = [
    [
      'tokenNamed',
      auth.tokenNamed('ci'),
      { collection: 'tokens', filter: { name: { $eq: 'ci' } }, hint: 'name' },
    ],
    [
      'revokedNamed',
      auth.revokedNamed('ci'),
      {
        collection: 'tokens',
        filter: { name: { $eq: 'ci' }, revokedAt: { $ne: null } },
        hint: 'name',
      },
    ],
    [
      'activeHashed',
      auth.activeHashed(H),
      {
        collection: 'tokens',
        filter: { hash: { $eq: H }, revokedAt: { $eq: null } },
        hint: 'hash',
      },
    ],
    [
      'usedBefore',
      auth.usedBefore('ci', T0),
      {
        collection: 'tokens',
        filter: {
          name: { $eq: 'ci' },
          $or: [{ lastUsedAt: { $eq: null } }, { lastUsedAt: { $lt: T0 } }],
        },
        hint: 'name',
      },
    ],
    [
      'withSessionHash',
      auth.withSessionHash(),
      { collection: 'tokens', filter: { sessionHash: { $exists: true } }, hint: null },
    ],
    [
      'sessionsBeyond',
      auth.sessionsBeyond(H, 100),
      {
        collection: 'sessions',
        filter: { tokenHash: { $eq: H } },
        sort: { createdAt: -1, _id: -1 },
        skip: 100,
        projection: { _id: 1 },
        hint: 'token_created',
      },
    ],
    [
      'liveSession',
      auth.liveSession(H, T0),
      {
        collection: 'sessions',
        filter: { _id: { $eq: H }, expiresAt: { $gt: AT } },
        hint: '_id_',
      },
    ],
    [
      'expiredSessions',
      auth.expiredSessions(T0),
      { collection: 'sessions', filter: { expiresAt: { $lte: AT } }, hint: 'expiry' },
    ],
    [
      'serverKeyOf',
      auth.serverKeyOf('history-cursor'),
      { collection: 'server_keys', filter: { _id: { $eq: 'history-cursor' } }, hint: '_id_' },
    ],
  ];
  it.each(cases)('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });

  it('trims sessions newest first, ties by id (the sort in its key order)', () => {
    expect(Object.entries(auth.sessionsBeyond(H, 1).sort ?? {})).toEqual([
      ['createdAt', -1],
      ['_id', -1],
    ]);
  });
});

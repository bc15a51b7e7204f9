/**
 * What the MongoDB store sends, exactly, without a server: the filter,
 * sort, limit, projection, update and pipeline of each query, written here
 * by hand from MongoDB's semantics (test/unit/mongo-queries.test.ts checks
 * that each one's index serves it). Tokens, sessions and keys:
 * test/unit/mongo-auth-queries.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import * as auth from '../../server/src/store/mongo-auth-queries.js';
import * as m from '../../server/src/store/mongo-maintenance-queries.js';
import * as q from '../../server/src/store/mongo-queries.js';
import { prunable } from '../../server/src/store/mongo-maintenance.js';
import { hintKeyOption } from '../../server/src/store/mongo-schema.js';
import { T0 } from '../helpers/deployments.js';

const AT = new Date(T0);
const ID = '01KB0000000000000000000000';
const pair = { env: { $eq: 'prod' }, app: { $eq: 'api' } };

describe('the reads', () => {
  it('take one app at an instant with one seek: its latest success, or latest attempt', () => {
    expect(q.pairAt('prod', 'api', 'current', AT)).toEqual({
      collection: 'deployments',
      filter: { ...pair, status: { $eq: 'success' }, deployedAt: { $lte: AT } },
      sort: { deployedAt: -1, _id: -1 },
      limit: 1,
      hint: 'env_app_status_time',
    });
    expect(q.pairAt('prod', 'api', 'latest', AT)).toEqual({
      collection: 'deployments',
      filter: { ...pair, deployedAt: { $lte: AT } },
      sort: { deployedAt: -1, _id: -1 },
      limit: 1,
      hint: 'env_app_time',
    });
  });

  it('page history from the cursor, with one more row than the page, on the narrowest index', () => {
    const after = { deployedAt: T0 + 30_000, id: ID };
    const at = new Date(after.deployedAt);
    expect(
      q.historyPage({ env: 'prod', app: 'api', since: T0, until: T0 + 60_000, after, limit: 50 }),
    ).toEqual({
      collection: 'deployments',
      filter: {
        ...pair,
        deployedAt: { $gte: AT, $lt: new Date(T0 + 60_000), $lte: at },
        $and: [
          { $or: [{ deployedAt: { $lt: at } }, { deployedAt: { $eq: at }, _id: { $lt: ID } }] },
        ],
      },
      sort: { deployedAt: -1, _id: -1 },
      limit: 51,
      hint: 'env_app_time',
    });
    const hints = [
      q.historyPage({ limit: 1 }),
      q.historyPage({ env: 'prod', limit: 1 }),
      q.historyPage({ app: 'api', status: 'failure', limit: 1 }),
      q.historyPage({ env: 'prod', app: 'api', status: 'failure', limit: 1 }),
    ].map((x) => [x.hint, x.filter]);
    expect(hints).toEqual([
      ['time', {}],
      ['env_time', { env: { $eq: 'prod' } }],
      ['app_time', { app: { $eq: 'api' }, status: { $eq: 'failure' } }],
      ['env_app_status_time', { ...pair, status: { $eq: 'failure' } }],
    ]);
  });

  it('list environments by the arrival of their first pair in this store', () => {
    expect(q.environmentsPipeline()).toEqual({
      collection: 'env_apps',
      pipeline: [
        {
          $group: {
            _id: '$env',
            apps: { $sum: 1 },
            last: { $max: '$latestAt' },
            first: { $min: { $ifNull: ['$seen', '$firstId'] } },
          },
        },
        { $sort: { first: 1, _id: 1 } },
      ],
      hint: 'env_app',
    });
    expect(q.pairsOfEnv('prod')).toEqual({
      collection: 'env_apps',
      filter: { env: { $eq: 'prod' } },
      sort: { app: 1 },
      hint: 'env_app',
    });
    expect(q.byIds(['a', 'b'], { _id: 1 })).toEqual({
      collection: 'deployments',
      filter: { _id: { $in: ['a', 'b'] } },
      hint: '_id_',
      projection: { _id: 1 },
    });
  });

  it('pass the driver exactly what each query declares', () => {
    expect(q.findOptions(q.pairAt('prod', 'api', 'latest', AT))).toEqual({
      hint: 'env_app_time',
      sort: { deployedAt: -1, _id: -1 },
      limit: 1,
    });
    expect(q.findOptions(q.byId(ID))).toEqual({ hint: '_id_' });
    expect(hintKeyOption('tokens', auth.activeNamed('ci').hint)).toEqual({ hint: { name: 1 } });
    expect(hintKeyOption('tokens', auth.withSessionHash().hint)).toEqual({});
    expect(q.findOptions(m.unflaggedPairs() as never)).toEqual({});
  });
});

describe('the writes', () => {
  it('find the claimed key through the partial unique index, stating its filter', () => {
    expect(q.claimed('ci', 'job-1')).toEqual({
      collection: 'deployments',
      filter: { 'idem.scope': { $eq: 'ci' }, 'idem.key': { $eq: 'job-1', $exists: true } },
      hint: 'idempotency',
    });
  });

  it('find the success a write replaces from its instant down', () => {
    expect(q.previousSuccess('prod', 'api', AT, ID)).toEqual({
      collection: 'deployments',
      filter: {
        ...pair,
        status: { $eq: 'success' },
        deployedAt: { $lte: AT },
        $or: [{ deployedAt: { $lt: AT } }, { deployedAt: { $eq: AT }, _id: { $lt: ID } }],
      },
      sort: { deployedAt: -1, _id: -1 },
      limit: 1,
      hint: 'env_app_status_time',
    });
  });

  it('add a pair once, with its arrival key, then move its current and latest', () => {
    expect(q.insertPair('prod', 'api', ID, AT, 'SEEN')).toEqual({
      collection: 'env_apps',
      filter: pair,
      hint: 'env_app',
      update: {
        $setOnInsert: {
          env: 'prod',
          app: 'api',
          firstId: ID,
          latestId: ID,
          latestAt: AT,
          seen: 'SEEN',
        },
      },
      upsert: true,
    });
    expect(q.setLatest('prod', 'api', ID, AT)).toEqual({
      collection: 'env_apps',
      filter: {
        ...pair,
        $or: [{ latestAt: { $lt: AT } }, { latestAt: { $eq: AT }, latestId: { $lt: ID } }],
      },
      update: { $set: { latestId: ID, latestAt: AT } },
      hint: 'env_app',
    });
  });
});

describe('prune', () => {
  it('reads candidates oldest first from after the last batch, then what to keep', () => {
    expect(m.pruneCandidates('prod', AT, null, 1000)).toEqual({
      collection: 'deployments',
      filter: { env: { $eq: 'prod' }, deployedAt: { $lt: AT } },
      sort: { deployedAt: 1, _id: 1 },
      limit: 1000,
      projection: { _id: 1, deployedAt: 1 },
      hint: 'env_time',
    });
    const from = new Date(T0 - 1000);
    expect(m.pruneCandidates('prod', AT, { deployedAt: from, id: ID }, 1000).filter).toEqual({
      env: { $eq: 'prod' },
      deployedAt: { $gte: from, $lt: AT },
      $or: [{ deployedAt: { $gt: from } }, { deployedAt: { $eq: from }, _id: { $gt: ID } }],
    });
    expect(m.keptInEnv('prod')).toEqual({
      collection: 'env_apps',
      filter: { env: { $eq: 'prod' } },
      projection: { _id: 0, currentId: 1, latestId: 1 },
      hint: 'env_app',
    });
  });

  it('deletes only candidates that no pair holds as current or latest', () => {
    const candidates = ['a', 'b', 'c', 'd'].map((_id) => ({ _id }));
    const kept = [
      { currentId: 'b', latestId: 'c' },
      { currentId: null, latestId: 'x' }, // 1.1's form: no success yet
      { latestId: 'y' }, // the new form of the same
    ];
    expect(prunable(candidates, kept)).toEqual(['a', 'd']);
  });
});

describe('every other query', () => {
  const cases: [string, unknown, unknown][] = [
    ['byId', q.byId(ID), { collection: 'deployments', filter: { _id: { $eq: ID } }, hint: '_id_' }],
    ['pairOf', q.pairOf('prod', 'api'), { collection: 'env_apps', filter: pair, hint: 'env_app' }],
    [
      'pairsByApp',
      q.pairsByApp(),
      { collection: 'env_apps', filter: {}, sort: { app: 1 }, hint: 'app_env' },
    ],
    [
      'pairsOfApp',
      q.pairsOfApp('api'),
      { collection: 'env_apps', filter: { app: { $eq: 'api' } }, hint: 'app_env' },
    ],
    [
      'successAsOf',
      q.successAsOf('prod', 'api', ID),
      {
        collection: 'deployments',
        filter: { ...pair, status: { $eq: 'success' }, _id: { $lte: ID } },
        sort: { deployedAt: -1, _id: -1 },
        limit: 1,
        hint: 'env_app_status_time',
      },
    ],
    [
      'ranBefore',
      q.ranBefore('prod', 'api', '1.0.0'),
      {
        collection: 'deployments',
        filter: { ...pair, version: { $eq: '1.0.0' }, status: { $eq: 'success' } },
        limit: 1,
        projection: { _id: 1 },
        hint: 'env_app_version',
      },
    ],
    [
      'successesOldestFirst',
      q.successesOldestFirst('prod', 'api'),
      {
        collection: 'deployments',
        filter: { ...pair, status: { $eq: 'success' } },
        sort: { deployedAt: 1, _id: 1 },
        projection: { _id: 1, version: 1, rollback: 1 },
        hint: 'env_app_status_time',
      },
    ],
    [
      'setRollback',
      q.setRollback(ID, true),
      {
        collection: 'deployments',
        filter: { _id: { $eq: ID } },
        hint: '_id_',
        update: { $set: { rollback: true } },
      },
    ],
    [
      'setCurrent',
      q.setCurrent('prod', 'api', ID),
      {
        collection: 'env_apps',
        filter: pair,
        hint: 'env_app',
        update: { $set: { currentId: ID } },
      },
    ],
    [
      'envNames',
      m.envNames(),
      {
        collection: 'env_apps',
        pipeline: [{ $group: { _id: '$env' } }, { $sort: { _id: 1 } }],
        hint: 'env_app',
      },
    ],
    [
      'inArrivalOrder',
      m.inArrivalOrder(),
      { collection: 'deployments', filter: {}, sort: { _id: 1 }, hint: '_id_' },
    ],
    [
      'unflaggedPairs',
      m.unflaggedPairs(),
      {
        collection: 'deployments',
        pipeline: [
          { $match: { rollback: { $exists: false } } },
          { $group: { _id: { env: '$env', app: '$app' } } },
        ],
        hint: null,
      },
    ],
    [
      'flagUnflagged',
      m.flagUnflagged('prod', 'api'),
      {
        collection: 'deployments',
        filter: { ...pair, rollback: { $exists: false } },
        update: { $set: { rollback: false } },
        hint: 'env_app_version',
      },
    ],
    [
      'markMigration',
      m.markMigration('rollbacks', AT),
      {
        collection: 'migrations',
        filter: { _id: { $eq: 'rollbacks' } },
        hint: '_id_',
        update: { $set: { at: AT } },
        upsert: true,
      },
    ],
  ];
  it.each(cases)('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });

  it('keeps each sort in its key order, which toEqual does not look at', () => {
    const sorts = [
      q.pairAt('prod', 'api', 'current', AT).sort,
      q.historyPage({ limit: 1 }).sort,
      q.successesOldestFirst('prod', 'api').sort,
    ].map((sort) => Object.entries(sort ?? {}));
    expect(sorts).toEqual([
      [
        ['deployedAt', -1],
        ['_id', -1],
      ],
      [
        ['deployedAt', -1],
        ['_id', -1],
      ],
      [
        ['deployedAt', 1],
        ['_id', 1],
      ],
    ]);
  });
});

/**
 * Every query the MongoDB store sends, without a server: each builder of
 * mongo-queries.ts, mongo-maintenance-queries.ts and mongo-auth-queries.ts gives exactly the filter,
 * sort, limit, projection and pipeline written here by hand; each names an
 * index declared in mongo-schema.ts for its collection; and that index
 * serves the query (test/helpers/index-coverage.ts): its scan is bounded
 * by the filter's leading fields, what it leaves to check along the scan
 * is the list written here, and no query needs a blocking sort. The check
 * itself is tried on the queries releases up to 1.1 sent: it finds their
 * blocking sorts. Whether a server really plans them so is shown by
 * `npm run bench:mongo` (each query's plan) where a server runs.
 */
import { describe, expect, it } from '@jest/globals';
import * as auth from '../../server/src/store/mongo-auth-queries.js';
import * as m from '../../server/src/store/mongo-maintenance-queries.js';
import * as q from '../../server/src/store/mongo-queries.js';
import {
  type CollectionName,
  DEPLOYMENT_INDEXES,
  type DeclaredIndex,
  INDEXES,
  WHOLE_COLLECTION,
} from '../../server/src/store/mongo-schema.js';
import { coverage } from '../helpers/index-coverage.js';
import { T0 } from '../helpers/deployments.js';

const AT = new Date(T0);
const LATER = new Date(T0 + 60_000);
const ID = '01KB0000000000000000000000';

interface Sent {
  collection: CollectionName;
  filter?: object;
  pipeline?: object[];
  hint: string | null;
  sort?: Readonly<Record<string, 1 | -1>>;
}

/**
 * Each query as built from sample arguments, with the fields its index
 * leaves to be checked along the scan: every builder of both modules is
 * here (a test below says so).
 */
const QUERIES: Record<string, { sent: Sent; residual: string[] }> = {
  byId: { sent: q.byId(ID), residual: [] },
  byIds: { sent: q.byIds([ID]), residual: [] },
  pairsOfEnv: { sent: q.pairsOfEnv('prod'), residual: [] },
  pairOf: { sent: q.pairOf('prod', 'api'), residual: [] },
  pairsByApp: { sent: q.pairsByApp(), residual: [] },
  pairsOfApp: { sent: q.pairsOfApp('api'), residual: [] },
  'pairAt current': { sent: q.pairAt('prod', 'api', 'current', AT), residual: [] },
  'pairAt latest': { sent: q.pairAt('prod', 'api', 'latest', AT), residual: [] },
  'historyPage all': { sent: q.historyPage({ limit: 50 }), residual: [] },
  'historyPage env status': {
    sent: q.historyPage({ env: 'prod', status: 'failure', limit: 50 }),
    residual: ['status'],
  },
  'historyPage app': { sent: q.historyPage({ app: 'api', limit: 50 }), residual: [] },
  'historyPage pair': { sent: q.historyPage({ env: 'prod', app: 'api', limit: 50 }), residual: [] },
  'historyPage pair status': {
    sent: q.historyPage({ env: 'prod', app: 'api', status: 'success', limit: 50 }),
    residual: [],
  },
  'historyPage window and cursor': {
    sent: q.historyPage({
      env: 'prod',
      since: T0,
      until: T0 + 60_000,
      after: { deployedAt: T0 + 30_000, id: ID },
      limit: 50,
    }),
    residual: ['$and'],
  },
  environmentsPipeline: { sent: q.environmentsPipeline(), residual: [] },
  claimed: { sent: q.claimed('ci', 'job-1'), residual: [] },
  previousSuccess: { sent: q.previousSuccess('prod', 'api', AT, ID), residual: ['$or'] },
  successAsOf: { sent: q.successAsOf('prod', 'api', ID), residual: ['_id'] },
  ranBefore: { sent: q.ranBefore('prod', 'api', '1.0.0'), residual: ['status'] },
  successesOldestFirst: { sent: q.successesOldestFirst('prod', 'api'), residual: [] },
  setRollback: { sent: q.setRollback(ID, true), residual: [] },
  insertPair: { sent: q.insertPair('prod', 'api', ID, AT, ID), residual: [] },
  setCurrent: { sent: q.setCurrent('prod', 'api', ID), residual: [] },
  setLatest: { sent: q.setLatest('prod', 'api', ID, AT), residual: ['$or'] },
  envNames: { sent: m.envNames(), residual: [] },
  pruneCandidates: {
    sent: m.pruneCandidates('prod', LATER, { deployedAt: AT, id: ID }, 1000),
    residual: ['$or'],
  },
  keptInEnv: { sent: m.keptInEnv('prod'), residual: [] },
  inArrivalOrder: { sent: m.inArrivalOrder(), residual: [] },
  unflaggedPairs: { sent: m.unflaggedPairs(), residual: ['rollback'] },
  flagUnflagged: { sent: m.flagUnflagged('prod', 'api'), residual: ['rollback'] },
  migration: { sent: m.migration('rollbacks'), residual: [] },
  markMigration: { sent: m.markMigration('rollbacks', AT), residual: [] },
  tokenNamed: { sent: auth.tokenNamed('ci'), residual: [] },
  revokedNamed: { sent: auth.revokedNamed('ci'), residual: ['revokedAt'] },
  activeNamed: { sent: auth.activeNamed('ci'), residual: ['revokedAt'] },
  activeHashed: { sent: auth.activeHashed('a'.repeat(64)), residual: ['revokedAt'] },
  tokensByName: { sent: auth.tokensByName(), residual: [] },
  usedBefore: { sent: auth.usedBefore('ci', T0), residual: ['$or'] },
  withSessionHash: { sent: auth.withSessionHash(), residual: ['sessionHash'] },
  sessionsBeyond: { sent: auth.sessionsBeyond('h', 100), residual: [] },
  sessionsOf: { sent: auth.sessionsOf('h'), residual: [] },
  sessionsById: { sent: auth.sessionsById(['s']), residual: [] },
  liveSession: { sent: auth.liveSession('s', T0), residual: ['expiresAt'] },
  expiredSessions: { sent: auth.expiredSessions(T0), residual: [] },
  serverKeyOf: { sent: auth.serverKeyOf('history-cursor'), residual: [] },
};

/** The queries allowed to read a whole collection: the one-time migrations. */
const WHOLE_SCANS = ['unflaggedPairs', 'withSessionHash'];

/** The filter and sort a query's index must serve: its own, or its pipeline's leading $match and $sort. */
function served(sent: Sent): { filter: Record<string, unknown>; sort?: Record<string, 1 | -1> } {
  if (sent.pipeline === undefined) {
    return { filter: (sent.filter ?? {}) as Record<string, unknown>, sort: sent.sort };
  }
  const [first, second] = sent.pipeline as Record<string, Record<string, unknown>>[];
  const filter = first?.$match ?? {};
  const sort = (first?.$match === undefined ? undefined : second?.$sort) as
    Record<string, 1 | -1> | undefined;
  return { filter, sort };
}

describe('every MongoDB query', () => {
  it('is in the list above, every builder of both modules', () => {
    const builders = [...Object.keys(q), ...Object.keys(m), ...Object.keys(auth)].filter(
      (name) => !['findOptions', 'before', 'after', 'pairFilter'].includes(name),
    );
    const listed = new Set(Object.keys(QUERIES).map((name) => name.split(' ')[0]));
    expect(builders.filter((name) => !listed.has(name))).toEqual([]);
  });

  for (const [name, { sent, residual }] of Object.entries(QUERIES)) {
    it(`${name}: names a declared index of its collection, which bounds its scan and gives its order`, () => {
      const declared: readonly DeclaredIndex[] = INDEXES[sent.collection];
      if (sent.hint === WHOLE_COLLECTION) {
        expect(WHOLE_SCANS).toContain(name);
        expect(served(sent).filter).not.toEqual({}); // it looks for something no index holds
        return;
      }
      const index = declared.find((i) => i.name === sent.hint);
      expect(declared.map((i) => i.name)).toContain(sent.hint);
      if (index === undefined) return;
      const { filter, sort } = served(sent);
      const c = coverage(index, filter, sort);
      expect(c.residual).toEqual(residual);
      expect(c.sortServed).toBe(true);
      // A filter the index does not bound at all would scan the whole index.
      if (Object.keys(filter).length > 0) expect(c.bounded).not.toEqual([]);
    });
  }

  it('names every index it declares, but two `_id` ones no query needs', () => {
    const hinted = new Set(
      Object.values(QUERIES).map(({ sent }) => `${sent.collection}.${String(sent.hint)}`),
    );
    const unused = Object.entries(INDEXES).flatMap(([collection, indexes]) =>
      indexes.map((i) => `${collection}.${i.name}`).filter((key) => !hinted.has(key)),
    );
    expect(unused).toEqual(['env_apps._id_', 'tokens._id_']);
  });
});

const index = (name: string): DeclaredIndex => {
  const found = DEPLOYMENT_INDEXES.find((i) => i.name === name);
  if (found === undefined) throw new Error(name);
  return found;
};
const PAIR = { env: { $eq: 'prod' }, app: { $eq: 'api' } };

describe('the coverage check', () => {
  it('finds the blocking sort of the point-in-time read releases up to 1.1 sent', () => {
    // 1.1's pipeline: $match on env (and status for current), then a $sort
    // by app, deployedAt, id before grouping by app.
    const sort = { app: 1, deployedAt: -1, _id: -1 } as const;
    const latest = { env: { $eq: 'prod' }, deployedAt: { $lte: AT } };
    expect(coverage(index('env_app_status_time'), latest, sort).sortServed).toBe(false);
    expect(coverage(index('env_time'), latest, sort).sortServed).toBe(false);
    // Even when served, it read every app's whole history up to the instant:
    // its bounds are only env (and status), not each app's latest entry.
    const current = { ...latest, status: { $eq: 'success' } };
    expect(coverage(index('env_app_status_time'), current, sort)).toEqual({
      bounded: ['env'],
      residual: ['deployedAt', 'status'],
      sortServed: true,
    });
  });

  it('finds that env and app history had no index giving its order', () => {
    const filter = { ...PAIR };
    expect(coverage(index('env_app_status_time'), filter, { deployedAt: -1, _id: -1 })).toEqual({
      bounded: ['env', 'app'],
      residual: [],
      sortServed: false,
    });
  });
});

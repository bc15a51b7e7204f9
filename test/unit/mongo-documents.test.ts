/**
 * The MongoDB store's document mapping, without a server: what a deployment
 * and a token look like stored (only what is set), and that reading gives
 * back exactly what `deploymentOf` builds (same keys, same order, nulls
 * included) from documents of both forms: the new one, and the one releases
 * up to 1.1.0 wrote (every field, nulls included). Each document also goes
 * through BSON, as the driver stores it. The queries over both forms need a
 * server: the contract suite (test/store/mongo.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { BSON } from 'mongodb';
import type { Deployment } from '../../client/src/types.js';
import { idFactory } from '../../server/src/store/ids.js';
import { tokenDocOf, tokenOf, type TokenDoc } from '../../server/src/store/mongo-auth.js';
import {
  type DeploymentDoc,
  toDeployment,
  toDocument,
} from '../../server/src/store/mongo-documents.js';
import { deploymentOf } from '../../server/src/store/shared.js';
import type { NewDeployment, TokenRecord } from '../../server/src/store/types.js';
import { T0, newDeployment } from '../helpers/deployments.js';

const nextId = idFactory();

/** A deployment as every adapter builds it, its id made at `recordedAt` as the store does. */
function built(
  input: NewDeployment,
  key: string | null = null,
  rollback = false,
  recordedAt = T0 + 250,
): Deployment {
  return deploymentOf(input, nextId(recordedAt), recordedAt, key, rollback);
}

/** Through BSON and back, as the driver writes and reads a document. */
function stored(doc: object): DeploymentDoc {
  return BSON.deserialize(BSON.serialize(doc)) as DeploymentDoc;
}

/**
 * The document releases up to 1.1.0 wrote (mongo.ts's recordIn then): every
 * field of deploymentOf's output but id and idempotencyKey, instants as
 * dates, previousId, and idem only for a claimed key.
 */
function legacyDocument(
  d: Deployment,
  previousId: string | null,
  guard?: { scope: string; hash: string },
): object {
  // 1.1.0's form: every field, nulls included; no repository (1.2 added it).
  const { id, deployedAt, recordedAt, committedAt, idempotencyKey, ...fields } = d;
  const before: Partial<typeof fields> = { ...fields };
  delete before.repository; // 1.1.0 had no repository
  return {
    _id: id,
    ...before,
    deployedAt: new Date(deployedAt),
    recordedAt: new Date(recordedAt),
    committedAt: committedAt === null ? null : new Date(committedAt),
    previousId,
    ...(guard === undefined || idempotencyKey === null
      ? {}
      : { idem: { scope: guard.scope, key: idempotencyKey, hash: guard.hash } }),
  };
}

const everything = newDeployment({
  env: 'prod-eu',
  app: 'Test app',
  version: '2.4.0',
  deployedAt: T0,
  commit: 'a'.repeat(40),
  committedAt: T0 - 60_000,
  ref: 'refs/tags/v2.4.0',
  repository: 'https://github.com/acme/app',
  url: 'https://app.example.com',
  pipelineUrl: 'https://ci.example.com/pipelines/7',
  actor: 'alice',
  source: 'github',
  attributes: { region: 'eu-west-1', replicas: 3, canary: false },
  recordedBy: 'ci',
});

describe('MongoDB deployment documents', () => {
  it('store a deployment without optional fields as its required fields only', () => {
    const d = built(newDeployment());
    const doc = toDocument(d, null);
    expect(Object.keys(doc)).toEqual([
      '_id',
      'env',
      'app',
      'version',
      'status',
      'deployedAt',
      'rollback',
    ]);
    // The receipt time is the id's own millisecond: not stored twice.
    expect(doc).not.toHaveProperty('recordedAt');
  });

  it('store every field that is set, and no null', () => {
    const d = built(everything, 'job-1', true);
    const doc = toDocument(d, '01K0000000000000000000000A', { scope: 'ci', hash: 'h' });
    expect(Object.values(doc).filter((v) => v === null || v === undefined)).toEqual([]);
    expect(doc).toMatchObject({
      commit: everything.commit,
      committedAt: new Date(T0 - 60_000),
      repository: 'https://github.com/acme/app',
      attributes: everything.attributes,
      rollback: true,
      previousId: '01K0000000000000000000000A',
      idem: { scope: 'ci', key: 'job-1', hash: 'h' },
    });
    expect(doc).not.toHaveProperty('idempotencyKey');
  });

  it('read back exactly what deploymentOf built: same keys, same order, nulls included', () => {
    for (const d of [
      built(newDeployment()),
      built(newDeployment({ status: 'failure', actor: 'bob' })),
      built(everything, 'job-1', true),
    ]) {
      const back = toDeployment(stored(toDocument(d, null, { scope: '', hash: 'h' })));
      expect(back).toEqual(d);
      expect(JSON.stringify(back)).toBe(JSON.stringify(d));
    }
  });

  it('keep a receipt time that differs from the id, as an import brings', () => {
    const d = deploymentOf(everything, nextId(T0), T0 + 3_600_000, null, false);
    const doc = toDocument(d, null);
    expect(doc.recordedAt).toEqual(new Date(T0 + 3_600_000));
    expect(JSON.stringify(toDeployment(stored(doc)))).toBe(JSON.stringify(d));
  });

  it("keep an imported deployment's key outside the unique index's fields", () => {
    const d = built(everything, 'imported-key');
    const doc = toDocument(d, null);
    expect(doc.idempotencyKey).toBe('imported-key');
    expect(doc).not.toHaveProperty('idem');
    expect(toDeployment(stored(doc))).toEqual(d);
  });

  it('read documents written by earlier releases (nulls, recordedAt, no flag) as before', () => {
    for (const d of [built(newDeployment()), built(everything, 'job-1', true)]) {
      const old = stored(legacyDocument(d, null, { scope: 'ci', hash: 'h' }));
      expect(old).toHaveProperty('commit');
      expect(JSON.stringify(toDeployment(old))).toBe(JSON.stringify({ ...d, repository: null }));
    }
    // Stored before rollbacks were derived: no flag until the backfill at start.
    const unflagged = legacyDocument(built(newDeployment()), null) as Record<string, unknown>;
    delete unflagged.rollback;
    expect(toDeployment(stored(unflagged)).rollback).toBe(false);
  });

  it('are smaller than the earlier form for the seed-shaped deployment', () => {
    const seed = built(
      newDeployment({
        app: 'Name of the application',
        version: '5.27.94',
        url: 'http://www.whatever.com:1337/random/url/long/enough',
      }),
    );
    const before = BSON.calculateObjectSize(legacyDocument(seed, null));
    const after = BSON.calculateObjectSize(toDocument(seed, null));
    // In bytes: the BSON document, before MongoDB's compression and its indexes.
    expect([before, after]).toEqual([335, 220]);
  });
});

describe('MongoDB token documents', () => {
  const token: TokenRecord = {
    name: 'ci',
    hash: 'f'.repeat(64),
    scopes: ['write:*'],
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
  };

  it('store only what is set, and read both forms back as the record', () => {
    expect(tokenDocOf(token)).toEqual({
      name: 'ci',
      hash: token.hash,
      scopes: ['write:*'],
      createdAt: T0,
    });
    const used = { ...token, lastUsedAt: T0 + 1, revokedAt: T0 + 2 };
    expect(tokenDocOf(used)).toMatchObject({ lastUsedAt: T0 + 1, revokedAt: T0 + 2 });
    for (const record of [token, used]) {
      const fresh = BSON.deserialize(BSON.serialize(tokenDocOf(record))) as TokenDoc;
      const old = BSON.deserialize(BSON.serialize({ ...record })) as TokenDoc;
      expect(tokenOf(fresh)).toEqual(record);
      expect(tokenOf(old)).toEqual(record);
    }
  });
});

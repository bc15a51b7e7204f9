/**
 * The MongoDB store's documents and how a deployment maps to and from them.
 * Pure (no driver call), so that the mapping is unit-tested where no
 * MongoDB server runs.
 *
 * A deployment document holds only what is set: no null field, no empty
 * `attributes`, no `recordedAt` when the id (a ULID) already encodes that
 * instant, no `previousId` without a previous success. Documents written by
 * releases up to 1.1.0 hold every field, nulls included; `toDeployment`
 * reads both forms, and every filter the store uses matches both (a missing
 * field equals null to `$eq: null`), so no migration rewrites them.
 */
import { decodeTime } from 'ulid';
import type { AttributeValue, Deployment, DeploymentStatus } from '@svt/client';

/**
 * A deployment as stored. Instants are dates, so that range queries compare
 * them as such; the id is `_id`. Optional fields are absent when unset
 * (null in earlier releases' documents).
 */
export interface DeploymentDoc {
  _id: string;
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
  deployedAt: Date;
  /** Absent when it is the millisecond the id encodes (nearly always). */
  recordedAt?: Date;
  commit?: string | null;
  committedAt?: Date | null;
  ref?: string | null;
  /** Absent when unknown (and in every document before 1.2). */
  repository?: string;
  url?: string | null;
  pipelineUrl?: string | null;
  actor?: string | null;
  source?: string | null;
  /** Absent when empty. */
  attributes?: Record<string, AttributeValue>;
  recordedBy?: string | null;
  /**
   * Always written, false included: its absence marks a document stored
   * before rollbacks were derived, which the backfill at start looks for.
   */
  rollback?: boolean;
  /** The success it replaced when recorded, for replaying the first answer. */
  previousId?: string | null;
  /** An Idempotency-Key with its scope (token name) and body hash: the unique index's keys. */
  idem?: { scope: string; key: string; hash: string };
  /**
   * An imported deployment's key: kept for the API, outside the unique
   * index (an import carries no claim, as in the SQLite store).
   */
  idempotencyKey?: string;
}

/**
 * One per env and app: its first, current (latest success) and latest
 * deployment. `currentId` is absent until the pair has a success (null in
 * earlier releases' documents, which also hold a `currentAt` no release reads).
 */
export interface EnvAppDoc {
  env: string;
  app: string;
  firstId: string;
  currentId?: string | null;
  latestId: string;
  latestAt: Date;
  /**
   * When this store first stored the pair, as a fresh id (a ULID of that
   * instant): environments are listed in this order, so that an imported
   * history takes its place at the time of import, as in SQLite. Absent in
   * entries stored by releases up to 1.1, ordered by `firstId` instead.
   */
  seen?: string;
}

/** A one-time data migration done on this database, by name. */
export interface MigrationDoc {
  _id: string;
  at: Date;
}

/** What guards an idempotent write's document: the key's scope and the body's hash. */
export interface IdempotencyGuard {
  scope: string;
  hash: string;
}

/** The instant (epoch ms) a ULID encodes, or null for a string that is not one. */
export function idTime(id: string): number | null {
  try {
    return decodeTime(id);
  } catch {
    return null;
  }
}

/**
 * The stored form of `deployment` (as shared.ts `deploymentOf` builds it):
 * only the fields that are set. `previousId`: the success it replaced, or
 * null; `guard`: given for a write with an Idempotency-Key, which the
 * unique index then enforces.
 */
export function toDocument(
  deployment: Deployment,
  previousId: string | null,
  guard?: IdempotencyGuard,
): DeploymentDoc {
  const d = deployment;
  const recordedAt = Date.parse(d.recordedAt);
  const key = d.idempotencyKey;
  return {
    _id: d.id,
    env: d.env,
    app: d.app,
    version: d.version,
    status: d.status,
    deployedAt: new Date(d.deployedAt),
    ...(recordedAt === idTime(d.id) ? {} : { recordedAt: new Date(recordedAt) }),
    ...(d.commit === null ? {} : { commit: d.commit }),
    ...(d.committedAt === null ? {} : { committedAt: new Date(d.committedAt) }),
    ...(d.ref === null ? {} : { ref: d.ref }),
    ...(d.repository === null ? {} : { repository: d.repository }),
    ...(d.url === null ? {} : { url: d.url }),
    ...(d.pipelineUrl === null ? {} : { pipelineUrl: d.pipelineUrl }),
    ...(d.actor === null ? {} : { actor: d.actor }),
    ...(d.source === null ? {} : { source: d.source }),
    ...(Object.keys(d.attributes).length === 0 ? {} : { attributes: d.attributes }),
    ...(d.recordedBy === null ? {} : { recordedBy: d.recordedBy }),
    rollback: d.rollback,
    ...(previousId === null ? {} : { previousId }),
    ...(key === null
      ? {}
      : guard === undefined
        ? { idempotencyKey: key }
        : { idem: { scope: guard.scope, key, hash: guard.hash } }),
  };
}

/**
 * The API's deployment from a stored document of either form: the same keys
 * in the same order as `deploymentOf`, nulls included; instants ISO 8601 UTC.
 * Throws only for a document without `recordedAt` whose id is not a ULID,
 * which no release writes.
 */
export function toDeployment(doc: DeploymentDoc): Deployment {
  return {
    id: doc._id,
    env: doc.env,
    app: doc.app,
    version: doc.version,
    status: doc.status,
    deployedAt: doc.deployedAt.toISOString(),
    recordedAt: (doc.recordedAt ?? new Date(decodeTime(doc._id))).toISOString(),
    commit: doc.commit ?? null,
    committedAt: doc.committedAt == null ? null : doc.committedAt.toISOString(),
    ref: doc.ref ?? null,
    repository: doc.repository ?? null,
    url: doc.url ?? null,
    pipelineUrl: doc.pipelineUrl ?? null,
    actor: doc.actor ?? null,
    source: doc.source ?? null,
    attributes: doc.attributes ?? {},
    recordedBy: doc.recordedBy ?? null,
    idempotencyKey: doc.idem?.key ?? doc.idempotencyKey ?? null,
    // Documents stored before rollbacks were derived have no flag until the backfill at start.
    rollback: doc.rollback === true,
  };
}

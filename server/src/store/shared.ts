/** What every adapter shares: how a write becomes a deployment, and its domain errors. */
import type { Deployment } from '@svt/client';
import { HttpProblem } from '../errors.js';
import type { NewDeployment, Store } from './types.js';

/** An environment's state as objects (Store.snapshot read): what pages and badges show. */
export interface EnvironmentContents {
  current: Deployment[];
  attempts: Deployment[];
}

/**
 * `env`'s state now (or at `at`, epoch ms) as objects, its snapshot's bytes
 * released as soon as they are read: nothing that fails afterwards (another
 * environment's read, a 404) can leave them on loan. Null for an
 * environment never recorded.
 */
export async function readState(
  store: Store,
  env: string,
  at?: number,
): Promise<EnvironmentContents | null> {
  const snapshot = await store.snapshot(env, at);
  if (snapshot === null) return null;
  try {
    return {
      current: JSON.parse(snapshot.currentJson.toString('utf8')) as Deployment[],
      attempts: snapshot.attempts,
    };
  } finally {
    snapshot.release?.();
  }
}

export function idempotencyMismatch(key: string): HttpProblem {
  return new HttpProblem(422, {
    code: 'idempotency-key-reused',
    title: 'Idempotency key reused',
    detail: `Idempotency-Key ${JSON.stringify(key)} was already used with a different request body`,
  });
}

/**
 * The one way a validated write becomes a deployment: every adapter stores
 * this. `rollback` is derived by the adapter (rollback.ts); instants are
 * epoch ms in, ISO 8601 UTC out.
 */
export function deploymentOf(
  input: NewDeployment,
  id: string,
  recordedAt: number,
  idempotencyKey: string | null,
  rollback: boolean,
): Deployment {
  return {
    id,
    env: input.env,
    app: input.app,
    version: input.version,
    status: input.status,
    deployedAt: new Date(input.deployedAt).toISOString(),
    recordedAt: new Date(recordedAt).toISOString(),
    commit: input.commit,
    committedAt: input.committedAt === null ? null : new Date(input.committedAt).toISOString(),
    ref: input.ref,
    repository: input.repository,
    url: input.url,
    pipelineUrl: input.pipelineUrl,
    actor: input.actor,
    source: input.source,
    attributes: input.attributes,
    recordedBy: input.recordedBy,
    idempotencyKey,
    rollback,
  };
}

/** How many sessions a token keeps at most (Store.createSession): opening one more ends its oldest. */
export const SESSIONS_PER_TOKEN = 100;

/** What a server key's purpose may be (Store.serverKey). */
export const KEY_PURPOSE = /^[a-z][a-z0-9-]{0,31}$/;

/** Throws unless `purpose` is a well-formed key purpose. */
export function checkKeyPurpose(purpose: string): void {
  if (!KEY_PURPOSE.test(purpose)) {
    throw new Error(
      `a server key purpose must match ${KEY_PURPOSE}, got ${JSON.stringify(purpose)}`,
    );
  }
}

export class TokenNameTaken extends Error {
  override name = 'TokenNameTaken';
  constructor(tokenName: string) {
    super(
      `a token named ${JSON.stringify(tokenName)} exists already: revoke it first, or pick another name`,
    );
  }
}

/**
 * What every method of a closed store throws, so that work that can outlive
 * its store (the webhook delivery loop, in tests that close the store
 * first) can tell "stop" from a passing failure.
 */
export class StoreClosed extends Error {
  override name = 'StoreClosed';
  constructor() {
    super('the store is closed');
  }
}

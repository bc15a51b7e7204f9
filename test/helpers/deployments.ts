/** Builders for test deployments. */
import type { Deployment } from '../../client/src/types.js';
import type { NewDeployment } from '../../server/src/store/types.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const MINUTE = 60_000;

export function newDeployment(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    env: 'dev',
    app: 'api',
    version: '1.0.0',
    status: 'success',
    deployedAt: T0,
    commit: null,
    committedAt: null,
    ref: null,
    repository: null,
    url: null,
    pipelineUrl: null,
    actor: null,
    source: null,
    attributes: {},
    recordedBy: null,
    ...overrides,
  };
}

/** A deployment as the API answers it, for clients' formatting: fixed id and instants. */
export function clientDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: '01M8FZ0EEMH2RP2R08SD3TGVNW',
    env: 'prod',
    app: 'api',
    version: '1.0.0',
    status: 'success',
    deployedAt: '2026-11-28T10:15:00.000Z',
    recordedAt: '2026-11-28T10:15:00.000Z',
    commit: null,
    committedAt: null,
    ref: null,
    repository: null,
    url: null,
    pipelineUrl: null,
    actor: null,
    source: null,
    attributes: {},
    recordedBy: null,
    idempotencyKey: null,
    rollback: false,
    ...overrides,
  };
}

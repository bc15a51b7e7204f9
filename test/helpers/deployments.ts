/** Builders for test deployments. */
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
    url: null,
    pipelineUrl: null,
    actor: null,
    source: null,
    attributes: {},
    recordedBy: null,
    ...overrides,
  };
}

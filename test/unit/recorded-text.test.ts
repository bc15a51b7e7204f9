/** The one-line account of a write that Slack hooks get (server/src/webhooks.ts). */
import { expect, test } from '@jest/globals';
import type { Deployment } from '@svt/client';
import { recordedText } from '../../server/src/webhooks.js';

const d = (
  version: string,
  status: Deployment['status'] = 'success',
  rollback = false,
): Deployment => ({
  id: '01K0000000000000000000000A',
  env: 'qa',
  app: 'api',
  version,
  status,
  deployedAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  commit: null,
  committedAt: null,
  ref: null,
  url: null,
  pipelineUrl: null,
  actor: null,
  source: null,
  attributes: {},
  recordedBy: null,
  idempotencyKey: null,
  rollback,
});

test.each([
  [
    { deployment: d('2.0.0'), previous: d('1.9.0'), current: true },
    'api 2.0.0 deployed to qa (was 1.9.0)',
  ],
  [{ deployment: d('1.0.0'), previous: null, current: true }, 'api 1.0.0 deployed to qa'],
  [
    { deployment: d('1.9.0', 'success', true), previous: d('2.0.0'), current: true },
    'api 1.9.0 rolled back to qa (was 2.0.0)',
  ],
  [
    { deployment: d('1.8.0'), previous: null, current: false, currentDeployment: d('2.0.0') },
    'api 1.8.0 recorded in qa, but not current: 2.0.0 runs there, deployed later',
  ],
  [
    {
      deployment: d('2.1.0', 'started'),
      previous: d('2.0.0'),
      current: false,
      currentDeployment: d('2.0.0'),
    },
    'api 2.1.0 deployment started in qa (2.0.0 runs there)',
  ],
  [
    { deployment: d('2.1.0', 'failure'), previous: null, current: false, currentDeployment: null },
    'api 2.1.0 failed in qa (nothing succeeded there yet)',
  ],
  [
    {
      deployment: d('2.1.0', 'rolled_back'),
      previous: d('2.1.0'),
      current: false,
      currentDeployment: d('2.1.0'),
    },
    'api 2.1.0 rolled back in qa (2.1.0 runs there)',
  ],
])('%#: %s', (recorded, text) => {
  expect(recordedText({ currentDeployment: null, ...recorded })).toBe(text);
});

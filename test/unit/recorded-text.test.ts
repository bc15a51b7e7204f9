/** What `svt record` and the action say a write did, in the words of the server's Slack webhook. */
import { expect, test } from '@jest/globals';
import { recordedText } from '../../client/src/recorded-text.js';
import { recordedText as serverRecordedText } from '../../server/src/webhook-formats.js';
import { clientDeployment as dep } from '../helpers/deployments.js';

const was = dep({ version: '1.9.0' });
const runs = dep({ version: '2.0.0' });
test.each([
  [
    'api 2.0.0 deployed to prod (was 1.9.0)',
    { deployment: dep({ version: '2.0.0' }), previous: was, current: true },
  ],
  [
    'api 1.4.1 deployed to prod (the first success there)',
    { deployment: dep({ version: '1.4.1' }), previous: null, current: true },
  ],
  [
    'api 1.9.0 rolled back to prod (was 2.0.0)',
    { deployment: dep({ version: '1.9.0', rollback: true }), previous: runs, current: true },
  ],
  [
    'api 1.8.0 recorded in prod, but not current: 2.0.0 runs there, deployed later',
    {
      deployment: dep({ version: '1.8.0' }),
      previous: was,
      current: false,
      currentDeployment: runs,
    },
  ],
  [
    'api 2.1.0 deployment started in prod (2.0.0 runs there)',
    {
      deployment: dep({ version: '2.1.0', status: 'started' }),
      previous: runs,
      current: false,
      currentDeployment: runs,
    },
  ],
  [
    'api 2.1.0 failed in prod (2.0.0 runs there)',
    {
      deployment: dep({ version: '2.1.0', status: 'failure' }),
      previous: runs,
      current: false,
      currentDeployment: runs,
    },
  ],
  [
    'api 2.1.0 rolled back in prod (2.0.0 runs there)',
    {
      deployment: dep({ version: '2.1.0', status: 'rolled_back' }),
      previous: runs,
      current: false,
      currentDeployment: runs,
    },
  ],
  [
    'api 0.1.0 failed in prod (nothing succeeded there yet)',
    {
      deployment: dep({ version: '0.1.0', status: 'failure' }),
      previous: null,
      current: false,
      currentDeployment: null,
    },
  ],
])('%s', (words, answer) => {
  expect(recordedText(answer)).toBe(words);
  // The server's Slack text says the same, except that it is silent on a first success.
  const slack = serverRecordedText({ currentDeployment: null, ...answer });
  expect(
    answer.previous === null && answer.current ? `${slack} (the first success there)` : slack,
  ).toBe(words);
});

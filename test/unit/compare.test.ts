import { expect, test } from '@jest/globals';
import type { Deployment } from '@svt/client';
import { compareEnvironments } from '../../server/src/compare.js';
import { clientDeployment } from '../helpers/deployments.js';

let n = 0;
/** A success of `app` at `version`, each with its own id (in order of creation). */
function d(app: string, version: string, deployedAt = '2026-01-01T00:00:00.000Z'): Deployment {
  n += 1;
  return clientDeployment({
    id: `01K${String(n).padStart(23, '0')}`,
    env: 'x',
    app,
    version,
    deployedAt,
    recordedAt: deployedAt,
  });
}

test('every app of either side, by name, with its state', () => {
  const staging = [
    d('api', '1.10.0'),
    d('cart', '2.0.0'),
    d('new-svc', '0.1.0'),
    d('web', '3.1.0'),
  ];
  const prod = [d('api', '1.9.0'), d('cart', '2.1.0'), d('legacy', '7'), d('web', '3.1.0')];
  const items = compareEnvironments(staging, prod);
  expect(items.map((i) => [i.app, i.state])).toEqual([
    ['api', 'ahead'],
    ['cart', 'behind'],
    ['legacy', 'only_in_to'],
    ['new-svc', 'only_in_from'],
    ['web', 'same'],
  ]);
  expect(items[2]?.from).toBeNull();
  expect(items[2]?.to?.version).toBe('7');
  expect(compareEnvironments([], [])).toEqual([]);
});

test('equal precedence falls back to the later deployment; CalVer builds of a day come after it', () => {
  const [staging, prod] = [
    [
      d('api', '1.4.0+sha.f00d', '2026-01-01T00:00:00.000Z'),
      d('web', '2026.11.28-3', '2026-11-28T15:00:00.000Z'),
    ],
    [
      d('api', '1.4.0+sha.a11c', '2026-02-01T00:00:00.000Z'),
      d('web', '2026.11.28', '2026-11-28T09:00:00.000Z'),
    ],
  ];
  expect(compareEnvironments(staging, prod).map((i) => [i.app, i.state])).toEqual([
    ['api', 'behind'],
    ['web', 'ahead'],
  ]);
});

test('apps are listed as people read names: api before Test app, app-2 before app-10', () => {
  const items = compareEnvironments(
    [d('Test app', '1'), d('app-10', '1')],
    [d('api', '1'), d('app-2', '1')],
  );
  expect(items.map((i) => i.app)).toEqual(['api', 'app-2', 'app-10', 'Test app']);
});

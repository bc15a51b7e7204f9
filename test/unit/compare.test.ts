import { describe, expect, test } from '@jest/globals';
import type { Deployment } from '@svt/client';
import { compareEnvironments, newer } from '../../server/src/compare.js';

let n = 0;
function d(app: string, version: string, deployedAt = '2026-01-01T00:00:00.000Z'): Deployment {
  n += 1;
  return {
    id: `01K${String(n).padStart(23, '0')}`,
    env: 'x',
    app,
    version,
    status: 'success',
    deployedAt,
    recordedAt: deployedAt,
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
  };
}

describe('which version is newer', () => {
  test.each([
    ['1.10.0', '1.9.0'],
    ['v1.10.0', '1.9.0'],
    ['2.0.0', 'v1.99.99'],
    ['1.0.0', '1.0.0-rc.1'],
    ['1.0.0-rc.10', '1.0.0-rc.9'],
    ['1.0.0+build.2', '1.0.0+build.1'],
  ])('semver: %s is newer than %s, whatever the deployment times', (a, b) => {
    const older = '2026-01-01T00:00:00.000Z';
    const later = '2026-06-01T00:00:00.000Z';
    expect(newer(d('a', a, older), d('a', b, later))).toBeGreaterThan(0);
    expect(newer(d('a', b, later), d('a', a, older))).toBeLessThan(0);
  });

  test('not semver on either side: the later deployment is newer', () => {
    const early = d('a', '9fceb02', '2026-01-01T00:00:00.000Z');
    const late = d('a', 'a1b2c3d', '2026-02-01T00:00:00.000Z');
    expect(newer(late, early)).toBeGreaterThan(0);
    expect(newer(early, late)).toBeLessThan(0);
    // One side semver, the other not: time decides too.
    expect(
      newer(d('a', '2026.11.28-3', '2026-03-01T00:00:00.000Z'), d('a', '1.0.0')),
    ).toBeGreaterThan(0);
  });

  test('the same string is the same version; v1.2.3 and 1.2.3 are equal in semver, so time decides', () => {
    expect(newer(d('a', '1.2.3'), d('a', '1.2.3', '2027-01-01T00:00:00.000Z'))).toBe(0);
    expect(newer(d('a', 'v1.2.3', '2026-05-01T00:00:00.000Z'), d('a', '1.2.3'))).toBeGreaterThan(0);
  });
});

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

/**
 * The one version order (server/src/version-order.ts), table-driven: each
 * row is [a, b, expected], expected 1 when a ranks newer, -1 older, 0 when
 * they rank equal or no scheme reads both (then the later deployment wins).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { compareVersions, newerDeployment } from '../../server/src/version-order.js';

const TABLE: [string, string, number][] = [
  // SemVer precedence
  ['1.10.0', '1.9.0', 1],
  ['2.0.0', '1.99.99', 1],
  ['1.0.0', '1.0.0', 0],
  // v-prefixed
  ['v1.10.0', '1.9.0', 1],
  ['v2.4.0', 'v2.4.1', -1],
  ['v1.2.3', '1.2.3', 0],
  // pre-releases come before their release, numerically among themselves
  ['1.3.0-rc.1', '1.3.0', -1],
  ['1.0.0-rc.10', '1.0.0-rc.9', 1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-beta', '1.0.0-alpha.1', 1],
  // build metadata takes no part in precedence (semver.org §10-11)
  ['1.4.0+sha.f00d', '1.4.0+sha.a11c', 0],
  ['1.0.0+build.2', '1.0.0+build.1', 0],
  ['1.4.1+sha.a11c', '1.4.0+sha.f00d', 1],
  // CalVer: a numeric suffix is a later build of that day
  ['2026.11.28-3', '2026.11.28', 1],
  ['2026.11.28-3', '2026.11.28-12', -1],
  ['2026.11.28.2', '2026.11.28-1', 1],
  ['2026.11.29', '2026.11.28-40', 1],
  ['2026.01.05', '2025.12.31-9', 1],
  ['v2026.11.28-1', '2026.11.28', 1],
  ['2026.11.28-rc.1', '2026.11.28', -1], // not a build counter: a pre-release of the day
  ['2026.11.28-rc.1', '2026.11.28-3', -1], // before every build of the day, never a cycle
  ['2026.11.28-rc.2', '2026.11.28-rc.1', 1],
  ['2026.11.28-rc.1', '2026.11.27-5', 1],
  ['2026.11.28+b', '2026.11.28-3', -1], // build metadata takes no part
  ['2026.11.28+b', '2026.11.28', 0],
  ['2026.11.28-01', '2026.11.28-1', 0],
  // a capital V too
  ['V1.10.0', 'V1.9.0', 1],
  ['V1.2.3', 'v1.2.3', 0],
  ['V2026.11.28-2', '2026.11.28-1', 1],
  // 4-part and other dotted numbers, component by component
  ['1.2.3.10', '1.2.3.4', 1],
  ['1.2.3.0', '1.2.3', 0],
  ['1.2', '1.2.3', -1],
  ['10', '9', 1],
  ['24.04', '22.10', 1],
  // no common scheme: no rank
  ['9fceb02', 'a1b2c3d', 0],
  ['1.3.0-rc.1', '1.3.0.1', 0],
  ['main-4f2a', '1.0.0', 0],
  ['', '1.0.0', 0],
];

describe('compareVersions', () => {
  test.each(TABLE)('%s against %s is %d, and the reverse is its opposite', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });
});

test('is an order: antisymmetric, and transitive wherever it ranks', () => {
  const pool = [...new Set(TABLE.flatMap(([a, b]) => [a, b]))];
  fc.assert(
    fc.property(
      fc.constantFrom(...pool),
      fc.constantFrom(...pool),
      fc.constantFrom(...pool),
      (a, b, c) => {
        expect(compareVersions(a, b)).toBe(-compareVersions(b, a) || 0);
        if (compareVersions(a, b) < 0 && compareVersions(b, c) < 0) {
          expect(compareVersions(a, c)).not.toBeGreaterThan(0);
        }
      },
    ),
    { numRuns: 5000 },
  );
});

describe('newerDeployment', () => {
  const at = (version: string, deployedAt: string, id = '01K0000000000000000000000A') => ({
    id,
    version,
    deployedAt,
  });
  const early = '2026-01-01T00:00:00.000Z';
  const late = '2026-06-01T00:00:00.000Z';

  test('a ranked version wins whatever the deployment times', () => {
    expect(newerDeployment(at('1.10.0', early), at('1.9.0', late))).toBe(1);
    expect(newerDeployment(at('2026.11.28-3', early), at('2026.11.28', late))).toBe(1);
  });

  test('equal rank or no rank: the later deployment is newer, then the later id', () => {
    expect(newerDeployment(at('1.4.0+sha.a11c', late), at('1.4.0+sha.f00d', early))).toBe(1);
    expect(newerDeployment(at('1.4.0+sha.f00d', early), at('1.4.0+sha.a11c', late))).toBe(-1);
    expect(newerDeployment(at('9fceb02', early), at('a1b2c3d', late))).toBe(-1);
    expect(
      newerDeployment(at('9fceb02', early, '01K000000000000000000000B'), at('a1b2c3d', early)),
    ).toBe(1);
  });

  test('the same string is the same version', () => {
    expect(newerDeployment(at('1.2.3', early), at('1.2.3', late))).toBe(0);
  });
});

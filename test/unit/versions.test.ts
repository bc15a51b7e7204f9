/**
 * One version for everything, and a changelog entry for it: the packages,
 * the CLI's VERSION, and the latest release heading of CHANGELOG.md agree.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { VERSION } from '../../client/src/version.js';
import { ROOT } from '../helpers/run-node.js';

const versionOf = (dir: string) =>
  (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { version: string })
    .version;

test('the packages, the CLI and the changelog name the same release', () => {
  const versions = ['.', 'client', 'server', 'action'].map(versionOf);
  expect(new Set([...versions, VERSION])).toEqual(new Set([VERSION]));
  expect(semver.valid(VERSION)).toBe(VERSION);
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  const released = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$/gm)];
  expect(released[0]?.[1]).toBe(VERSION);
  expect(changelog).toMatch(/^## \[Unreleased\]$/m);
  expect(changelog).toContain(`[${VERSION}]: `);
});

import { join } from 'node:path';

/**
 * Jest runs in ESM mode (`--experimental-vm-modules`, see the `test` script)
 * because the project is ESM and some dependencies (@actions/*) are ESM only.
 * @swc/jest strips the types of test files; type checking is `tsc -b`, which
 * runs first in `npm test` and builds every package.
 *
 * Tests import the server as `server/src/...` (so that their types follow
 * the source) but run its build in `server/dist`: what ships is what is
 * tested, and the SQLite writer runs in a worker thread, which needs a real
 * JavaScript file. Run `npx tsc -b` before running jest on its own.
 *
 * After the default reporter, test/helpers/skip-summary.mjs prints one line
 * per group of skipped tests (`N skipped: <group>, <reason>`); its path is
 * absolute so that a config built on this one elsewhere still finds it.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(?:\\.{1,2}/)+server/src/(.*)\\.js$': '<rootDir>/server/dist/$1.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 30000,
  reporters: ['default', join(import.meta.dirname, 'test', 'helpers', 'skip-summary.mjs')],
};

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
};

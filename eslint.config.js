import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['bench/scratch/', '**/node_modules/', '**/dist/', '**/lib/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // The pages' script runs in the browser.
  { files: ['server/assets/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  // Tests skip only through skipUnless(), which gives the skip summary a
  // group and a reason (the fixtures skip by hand to test that summary).
  {
    files: ['test/**/*.ts'],
    ignores: ['test/helpers/skip.ts', 'test/process/fixtures/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'test', 'it'].flatMap((object) => [
          ...['skip', 'todo'].map((property) => ({
            object,
            property,
            message:
              'Skip through skipUnless() from test/helpers/skip.ts, with a group and a reason.',
          })),
          { object, property: 'only', message: 'A focused test skips every other one.' },
        ]),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@jest/globals',
              importNames: ['xdescribe', 'xit', 'xtest'],
              message:
                'Skip through skipUnless() from test/helpers/skip.ts, with a group and a reason.',
            },
          ],
        },
      ],
    },
  },
);

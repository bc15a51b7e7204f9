import { expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runNode } from '../helpers/run-node.js';
import { tempDir } from '../helpers/tmp.js';

// GitHub runs action/dist/index.js as committed, without npm install: it must
// be what the sources bundle to today. Fix a failure with `npm run build:action`.
test('action/dist/index.js is the bundle of the current sources', async () => {
  const script = join(tempDir('svt-bundle-'), 'print-bundle.mjs');
  writeFileSync(
    script,
    `import { bundle } from ${JSON.stringify(join(ROOT, 'scripts', 'bundle.mjs'))};\nprocess.stdout.write(await bundle('action', { write: false }));\n`,
  );
  const fresh = await runNode(script, [], {});
  expect(fresh.stderr).toBe('');
  expect(fresh.code).toBe(0);
  const committed = readFileSync(join(ROOT, 'action', 'dist', 'index.js'), 'utf8');
  if (committed !== fresh.stdout) {
    throw new Error('action/dist/index.js is stale: run `npm run build:action` and commit it');
  }
  expect(committed.length).toBeGreaterThan(0);
});

/** Entry of the `svt` CLI (bundled into dist/svt.mjs): only runs run(). */
import { run } from './cli/main.js';

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});

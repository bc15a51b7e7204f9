/** Entry of the `svt` CLI (bundled into dist/svt.mjs): only runs run(). */
import { run } from './cli/main.js';

// A reader that stops early (`svt --help | head -1`) closes the pipe: what
// is left unread is not wanted, so the CLI ends quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});

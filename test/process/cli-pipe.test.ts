/**
 * `svt ... | head -1`: a reader that stops early closes the pipe, and the
 * CLI ends quietly rather than with an EPIPE stack trace (the newcomer
 * trial saw one in 22 of 30 runs of `svt --help | head -1`).
 */
import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { CLI } from '../helpers/run-node.js';

const sh = (script: string): Promise<{ stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', script], (err, stdout, stderr) =>
      err === null ? resolve({ stdout, stderr }) : reject(err),
    );
  });

test('a pipe closed early ends the CLI without a word on stderr', async () => {
  for (let i = 0; i < 10; i++) {
    const run = await sh(`"${process.execPath}" "${CLI}" --help | head -1`);
    expect(run).toEqual({ stdout: expect.stringMatching(/^Usage: svt /) as unknown, stderr: '' });
  }
}, 60_000);

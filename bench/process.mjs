// Starting and stopping the servers the benchmarks measure, as processes.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BIN = join(ROOT, 'server', 'bin', 'svt-server.js');

/** Starts a node script with only PATH and `env`; resolves with its port once it logs one. */
export function start(script, env = {}, cwd = undefined) {
  const proc = spawn(process.execPath, [script], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const match = /"port":(\d+)/.exec(out);
      if (match) {
        // From here on its output is drained unread, as a log shipper would.
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve({ proc, port: Number(match[1]) });
      }
    };
    proc.stdout.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** SIGTERM, then waits for the exit. */
export async function stop({ proc }) {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

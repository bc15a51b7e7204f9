// Starting and stopping the servers the benchmarks measure, as processes,
// and the ingest load they are measured under.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BIN = join(ROOT, 'server', 'bin', 'svt-server.js');

/**
 * Starts a node script with only PATH and `env` (and `nodeFlags` before
 * it); resolves with its port once it logs one.
 */
export function start(script, env = {}, cwd = undefined, nodeFlags = []) {
  const proc = spawn(process.execPath, [...nodeFlags, script], {
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

/**
 * The ingest load's requests for autocannon: POST /api/v1/deployments in
 * `env`, rotating over 100 apps so that current-state upkeep touches many rows.
 */
export function postRequests(env = 'bench') {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/api/v1/deployments',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => {
        i += 1;
        req.body = JSON.stringify({
          env,
          app: `app-${i % 100}`,
          version: `1.0.${i}`,
          commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
          attributes: { region: 'eu-west-1' },
        });
        return req;
      },
    },
  ];
}

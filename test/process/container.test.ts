/**
 * The container image, as far as this machine can prove it without a
 * registry to pull base images from: the Dockerfile's runtime stage is read
 * (its ENV, WORKDIR, USER, VOLUME, HEALTHCHECK, CMD), and its start command
 * runs as a plain process from the repository root with the image's
 * environment (only the /data volume and the port moved to free ones). It
 * must listen on every interface, refuse writes from another address until
 * a token exists, pass its own HEALTHCHECK, and stop cleanly on the image's
 * STOPSIGNAL. The GitHub workflow builds and runs the real image.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ROOT, runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

interface Stage {
  from: string;
  instructions: { op: string; args: string }[];
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments dropped). */
function stages(): Stage[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const result: Stage[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op.toUpperCase() === 'FROM') result.push({ from: args, instructions: [] });
    else result.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return result;
}

const runtime = (): Stage => stages().at(-1) ?? { from: '', instructions: [] };
const all = (op: string) => runtime().instructions.filter((i) => i.op === op);
const last = (op: string) => all(op).at(-1)?.args ?? '';

/** `ENV A=1 B=2` instructions as one object. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of all('ENV'))
    for (const m of args.matchAll(/([A-Z_]+)=("[^"]*"|\S+)/g))
      env[m[1] ?? ''] = (m[2] ?? '').replace(/"/g, '');
  return env;
}

/** The exec-form argument list of CMD or HEALTHCHECK ... CMD. */
function execForm(text: string): string[] {
  const json = /\[.*\]$/.exec(text)?.[0];
  if (json === undefined) throw new Error(`not an exec form: ${text}`);
  return JSON.parse(json) as string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** An address of this machine that is not loopback, if it has one. */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('Dockerfile', () => {
  test('multi-stage: a Node 24 builder, a slim Node 24 runtime as a non-root user with a /data volume', () => {
    const [build, run] = [stages()[0], runtime()];
    expect(stages().length).toBeGreaterThanOrEqual(2);
    expect(build?.from).toMatch(/^node:24-bookworm AS build$/);
    expect(build?.instructions.some((i) => i.op === 'RUN' && /npm ci/.test(i.args))).toBe(true);
    expect(run.from).toMatch(/^node:24-bookworm-slim$/);
    expect(last('USER')).toBe('node');
    expect(last('VOLUME')).toBe('/data');
    expect(imageEnv()).toMatchObject({ SVT_HOST: '0.0.0.0', SVT_DB: '/data/svt.db' });
    expect(last('STOPSIGNAL')).toBe('SIGTERM');
    // What the runtime copies from the builder exists after `npm ci` here.
    for (const { args } of all('COPY')) {
      const [, source = ''] = /--from=build \/app\/(\S+)/.exec(args) ?? [];
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    }
  });

  test("the start command, with the image's environment, serves, refuses outside writes, passes its healthcheck and stops cleanly", async () => {
    const data = tempDir('svt-image-data-');
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      ...imageEnv(),
      SVT_DB: imageEnv().SVT_DB?.replace(/^\/data/, data) ?? '',
      SVT_PORT: String(port),
    };
    const [command = '', ...args] = execForm(last('CMD'));
    expect(command).toBe('node');
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) =>
      proc.on('exit', (code) => resolve(code)),
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('"port"')) resolve();
      });
      void exited.then(() => reject(new Error(`exited before listening: ${out}`)));
    });
    try {
      const listening = out.split('\n').find((l) => l.includes('"port"')) ?? '';
      expect(JSON.parse(listening)).toMatchObject({ host: '0.0.0.0', port });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);

      // From another address of this machine: a write needs a token.
      const outside = outsideAddress();
      expect(outside).not.toBeNull();
      const res = await fetch(`http://${outside ?? ''}:${port}/api/v1/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ env: 'prod', app: 'api', version: '1.0.0' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');

      const [hcCommand = '', ...hcArgs] = execForm(last('HEALTHCHECK'));
      expect(hcCommand).toBe('node');
      const healthy = await runNode(join(ROOT, hcArgs[0] ?? ''), hcArgs.slice(1), env);
      expect(healthy.code).toBe(0);
    } finally {
      proc.kill(last('STOPSIGNAL') as NodeJS.Signals);
    }
    const started = performance.now();
    expect(await exited).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Once stopped, the healthcheck says so.
    const [, ...hcArgs] = execForm(last('HEALTHCHECK'));
    const after = await runNode(join(ROOT, hcArgs[0] ?? ''), hcArgs.slice(1), env);
    expect(after.code).toBe(1);
  });
});

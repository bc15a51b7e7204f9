/** What only a real process shows: the bin, configuration errors, crashes and signals. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { BIN, type ServerProcess, call, startServer } from '../helpers/process.js';
import { ROOT } from '../helpers/run-node.js';
import { removeTempDirs, tempDbPath, tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const running: ServerProcess[] = [];

afterEach(() => {
  for (const s of running.splice(0)) s.proc.kill('SIGKILL');
});
afterAll(removeTempDirs);

async function start(env: Record<string, string>, cwd?: string): Promise<ServerProcess> {
  const s = await startServer(env, cwd);
  running.push(s);
  return s;
}

describe('svt-server process', () => {
  it('--help lists the settings; --version prints the version', async () => {
    const help = await run(process.execPath, [BIN, '--help']);
    expect(help.stdout).toMatch(/Usage: svt-server/);
    // Every setting the server reads (config.ts is the one place that reads them).
    const settings = new Set(
      readFileSync(join(ROOT, 'server', 'src', 'config.ts'), 'utf8').match(/'SVT_[A-Z_]+'/g),
    );
    expect(settings.size).toBeGreaterThanOrEqual(20);
    for (const quoted of settings) {
      const name = quoted.slice(1, -1);
      expect([name, help.stdout.includes(name)]).toEqual([name, true]);
    }
    // Every admin command, and what they share: the database they act on.
    for (const command of ['token', 'export', 'import', 'import-legacy', 'backup']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(help.stdout).toContain('they never create a database');
    expect(help.stdout).toContain('Backup: svt-server backup <file>');
    const version = await run(process.execPath, [BIN, '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('stops on a bad setting with one line naming it, exit code 2', async () => {
    const result = await run(process.execPath, [BIN], { env: { SVT_PORT: 'abc' } }).catch(
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect('code' in result ? result.code : 0).toBe(2);
    expect(result.stderr).toBe('svt-server: SVT_PORT must be an integer 0-65535, got "abc"\n');
    expect(result.stdout).toBe('');
  });

  it('starts on the embedded default ./data/svt.db relative to its working directory', async () => {
    const cwd = tempDir();
    const s = await start({}, cwd);
    // Named as the admin commands name it; said once that it is new.
    const database = `SQLite database ${join(cwd, 'data', 'svt.db')}`;
    expect(s.logs).toContainEqual(
      expect.objectContaining({ store: 'sqlite', host: '127.0.0.1', database }),
    );
    expect(s.logs).toContainEqual(
      expect.objectContaining({
        msg: `created a new, empty database at ${join(cwd, 'data', 'svt.db')}`,
      }),
    );
    expect(
      (await call(s.port, 'POST', '/api/v1/deployments', { env: 'dev', app: 'a', version: '1' }))
        .status,
    ).toBe(201);
    expect(existsSync(join(cwd, 'data', 'svt.db'))).toBe(true);
  });

  it('keeps every acknowledged deployment across SIGKILL and restart', async () => {
    const db = tempDbPath();
    const first = await start({ SVT_DB: db });
    const acked = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(first.port, 'POST', '/api/v1/deployments', {
          env: `env-${i % 3}`,
          app: `app-${i % 10}`,
          version: `1.0.${i}`,
        }),
      ),
    );
    expect(acked.every((a) => a.status === 201)).toBe(true);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await start({ SVT_DB: db });
    const ids = new Set<string>();
    let path: string | null = '/api/v1/deployments?limit=100';
    while (path !== null) {
      const page = JSON.parse((await call(second.port, 'GET', path)).body) as {
        items: { id: string }[];
        next: string | null;
      };
      page.items.forEach((x) => ids.add(x.id));
      path = page.next === null ? null : `/api/v1/deployments?limit=100&cursor=${page.next}`;
    }
    const expected = acked.map(
      (a) => (JSON.parse(a.body) as { deployment: { id: string } }).deployment.id,
    );
    expect([...ids].sort()).toEqual(expected.sort());
  });

  it('on SIGTERM finishes in-flight requests, refuses new connections and exits 0', async () => {
    const s = await start({ SVT_DB: tempDbPath() });
    // Requests whose headers and half a body reached the server before the signal.
    const body = JSON.stringify({ env: 'dev', app: 'api', version: '2.0.0' });
    const half = body.length >> 1;
    const inFlight = Array.from({ length: 20 }, () => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: s.port,
        method: 'POST',
        path: '/api/v1/deployments',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      });
      req.write(body.slice(0, half));
      return {
        req,
        answer: new Promise<{ status: number; text: string }>((resolve, reject) => {
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          });
          req.on('error', reject);
        }),
      };
    });
    await new Promise((r) => setTimeout(r, 200));
    const signalled = Date.now();
    s.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(call(s.port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    for (const { req } of inFlight) req.end(body.slice(half));
    const answers = await Promise.all(inFlight.map((r) => r.answer));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    for (const a of answers)
      expect(JSON.parse(a.text)).toHaveProperty('deployment.version', '2.0.0');
    expect(await s.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(s.logs).toContainEqual(expect.objectContaining({ msg: 'stopped' }));
  });

  it('logs JSON lines with a request id and never a body', async () => {
    const s = await start({ SVT_DB: tempDbPath() });
    await call(s.port, 'POST', '/api/v1/deployments', {
      env: 'dev',
      app: 'secret-app-name',
      version: '1',
    });
    await call(s.port, 'POST', '/api/v1/deployments', '{not json');
    s.proc.kill('SIGTERM');
    await s.exited;
    const requests = s.logs.filter((l) => (l as { msg?: string }).msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/deployments',
      status: 201,
      reqId: expect.any(String),
    });
    expect(JSON.stringify(s.logs)).not.toContain('secret-app-name');
    expect(JSON.stringify(s.logs)).not.toContain('not json');
  });

  it('writes a quiet server log line out within a moment, without waiting for more', async () => {
    // Lines are buffered in blocks; a lone line must not wait for the block to fill.
    const s = await start({ SVT_DB: tempDbPath() });
    try {
      await call(s.port, 'GET', '/healthz');
      const deadline = Date.now() + 2000;
      const logged = () =>
        s.logs.some((l) => {
          const line = l as { msg?: string; path?: string };
          return line.msg === 'request' && line.path === '/healthz';
        });
      while (!logged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(logged()).toBe(true);
    } finally {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  });
});

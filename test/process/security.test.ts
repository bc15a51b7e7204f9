/**
 * Security as a real process shows it: tokens made by `svt-server token`
 * and used against a running server, the database holding no token in
 * clear, logs holding no token and no body, HTTPS with a certificate the
 * test makes.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { BIN, call, startServer } from '../helpers/process.js';
import { runNode } from '../helpers/run-node.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

/** POST /api/v1/deployments over plain HTTP, with a token when given. */
function post(
  port: number,
  token: string | null,
  json: unknown,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/deployments', headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(json));
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

const admin = (args: string[], db: string) => runNode(BIN, ['token', ...args], { SVT_DB: db });

describe('svt-server token, against a running server', () => {
  test('create prints the token once; the server accepts it at once; list and the file never show it; revoke ends it', async () => {
    const db = join(tempDir(), 'svt.db');
    const server = await startServer({ SVT_DB: db });
    try {
      await until(() => server.logs.length > 1);
      expect(server.logs).toContainEqual(
        expect.objectContaining({
          level: 40,
          msg: expect.stringContaining('writes are accepted from this machine (loopback) only'),
        }),
      );
      const created = await admin(
        ['create', '--name', 'gitlab-ci', '--scope', 'write:staging,write:prod-*'],
        db,
      );
      expect(created.code).toBe(0);
      const token = created.stdout.trim();
      expect(token).toMatch(/^svt_[A-Za-z0-9_-]{43}$/);
      expect(created.stderr).toContain('shown only now');

      const write = (t: string | null, env: string) =>
        post(server.port, t, { env, app: 'api', version: '1.0.0', commit: 'body-marker-1234' });
      const ok = await write(token, 'prod-eu');
      expect(ok.status).toBe(201);
      expect(JSON.parse(ok.body).deployment.recordedBy).toBe('gitlab-ci');
      expect((await write(token, 'dev')).status).toBe(403);
      expect((await write(null, 'prod-eu')).status).toBe(401); // a token exists now

      const listed = await admin(['list'], db);
      expect(listed.stdout).toMatch(
        /^NAME\s+SCOPES\s+CREATED\s+LAST USED\s+REVOKED\ngitlab-ci\s+write:staging,write:prod-\*\s+\S+\s+-\s+-\n$/,
      );
      expect(listed.stdout + listed.stderr).not.toContain(token);

      // Neither the database nor its write-ahead log holds the token.
      for (const file of [db, `${db}-wal`]) {
        if (existsSync(file)) expect(readFileSync(file).includes(token)).toBe(false);
      }
      expect(readFileSync(db).includes(token.slice(4, 24))).toBe(false);

      expect((await admin(['revoke', 'gitlab-ci'], db)).code).toBe(0);
      expect((await write(token, 'prod-eu')).status).toBe(401);
      expect((await admin(['revoke', 'gitlab-ci'], db)).code).toBe(1);
      expect((await admin(['create', '--name', 'bad name', '--scope', 'read'], db)).code).toBe(2);

      // Nothing secret in the logs: no token, no body, no header value.
      const logs = server.logs.map((l) => JSON.stringify(l)).join('\n');
      expect(logs).not.toContain(token);
      expect(logs).not.toContain('body-marker-1234');
      expect(logs).not.toContain('Bearer');
    } finally {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  });
});

test('token list shows the last use once the server has stopped, within the minute of its writes', async () => {
  const db = join(tempDir(), 'svt.db');
  const server = await startServer({ SVT_DB: db });
  let stopped = false;
  try {
    const token = (await admin(['create', '--name', 'ci', '--scope', 'write:*'], db)).stdout.trim();
    const before = Date.now();
    expect((await post(server.port, token, { env: 'prod', app: 'api', version: '1' })).status).toBe(
      201,
    );
    const after = Date.now();
    // Written once a minute: not yet, a few milliseconds later.
    expect((await admin(['list'], db)).stdout).toMatch(/\nci\s+write:\*\s+\S+\s+-\s+-\n$/);
    // A stop writes what the minute had not: nothing is lost.
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    stopped = true;
    const listed = await admin(['list'], db);
    const lastUsed = /\nci\s+write:\*\s+\S+\s+(\S+)\s+-\n$/.exec(listed.stdout)?.[1] ?? '';
    expect(Date.parse(lastUsed)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(lastUsed)).toBeLessThanOrEqual(after);
  } finally {
    if (!stopped) {
      server.proc.kill('SIGTERM');
      await server.exited;
    }
  }
});

test('HTTPS with SVT_TLS_CERT and SVT_TLS_KEY, HSTS on, plain HTTP refused', async () => {
  const dir = tempDir('svt-tls-');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = await startServer({
    SVT_DB: join(dir, 'svt.db'),
    SVT_TLS_CERT: cert,
    SVT_TLS_KEY: key,
  });
  try {
    expect(server.logs).toContainEqual(
      expect.objectContaining({
        tls: true,
        msg: expect.stringMatching(/^listening on https:\/\/127\.0\.0\.1:\d+$/),
      }),
    );
    const answer = await new Promise<{ status: number; hsts: unknown; body: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port: server.port, path: '/healthz', ca: readFileSync(cert) },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                hsts: res.headers['strict-transport-security'],
                body,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(answer).toEqual({ status: 200, hsts: 'max-age=31536000', body: '{"status":"ok"}' });
    await expect(call(server.port, 'GET', '/healthz')).rejects.toThrow();
  } finally {
    server.proc.kill('SIGTERM');
    await server.exited;
  }
});

test('a certificate file that cannot be read stops the server with one clear line', async () => {
  const dir = tempDir();
  const run = await runNode(BIN, [], {
    SVT_PORT: '0',
    SVT_DB: join(dir, 'svt.db'),
    SVT_TLS_CERT: join(dir, 'missing-cert.pem'),
    SVT_TLS_KEY: join(dir, 'missing-key.pem'),
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^svt-server: cannot listen: cannot read SVT_TLS_CERT or SVT_TLS_KEY: ENOENT/,
  );
});

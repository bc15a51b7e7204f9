/**
 * deploy/nginx.conf for real: Debian's nginx terminating TLS (a certificate
 * made by openssl for the test) in front of a real SVT process with
 * SVT_TRUST_PROXY=on. Only the upstream address, the ports and the
 * certificate paths are rewritten for this machine. Through it: HTTPS
 * answers with HSTS (SVT sees the scheme nginx forwards), a write from
 * loopback passes the loopback rule, a forged X-Forwarded-For from another
 * address does not, a browser write must come from the origin the browser
 * used (scheme, host and port, as nginx forwards them), a Host not in
 * SVT_ALLOWED_HOSTS is refused, and plain HTTP is redirected to HTTPS.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer } from '../helpers/process.js';
import { ROOT } from '../helpers/run-node.js';
import { selfSigned } from '../helpers/tls-cert.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

// Empty counts as unset, as in scripts/check-test-tools.mjs, which checks it first.
const NGINX = process.env.SVT_TEST_NGINX || '/usr/sbin/nginx';
let svt: ServerProcess;
let nginx: ChildProcess;
let httpsPort = 0;
let httpPort = 0;
let cert = '';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  secure: boolean,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = {
      host,
      port: secure ? httpsPort : httpPort,
      method,
      path,
      headers,
      ...(secure ? { ca: cert, servername: 'localhost' } : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  const dir = tempDir('svt-nginx-');
  chmodSync(dir, 0o755);
  // Where deploy/nginx.conf reads them (/etc/nginx/certs/, moved to dir below).
  const made = selfSigned(['localhost']);
  writeFileSync(join(dir, 'svt.key'), made.key);
  writeFileSync(join(dir, 'svt.crt'), made.cert);
  cert = made.cert;
  // Bound to loopback on this machine, as behind an nginx of its own: the public name is listed.
  svt = await startServer({
    SVT_DB: join(dir, 'svt.db'),
    SVT_TRUST_PROXY: 'on',
    SVT_ALLOWED_HOSTS: 'svt.example.com',
  });
  [httpsPort, httpPort] = [await freePort(), await freePort()];

  const site = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8')
    .replace('server svt:5000;', `server 127.0.0.1:${svt.port};`)
    .replace('listen 443 ssl;', `listen ${httpsPort} ssl;`)
    .replace('listen 80;', `listen ${httpPort};`)
    .replace(
      'return 301 https://$host$request_uri;',
      `return 301 https://$host:${httpsPort}$request_uri;`,
    )
    .replaceAll('/etc/nginx/certs/', `${dir}/`);
  expect(site).toContain(`server 127.0.0.1:${svt.port};`);
  const temp = join(dir, 'temp');
  mkdirSync(temp, { mode: 0o777 });
  chmodSync(temp, 0o777);
  // The main context compose's nginx image provides, around the site file.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events {}
http {
  access_log off;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  ${site}
}
`,
  );
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  nginx.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  nginx.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`nginx exited ${code}: ${err}`);
  });
  await untilListening(httpsPort);
});

afterAll(async () => {
  nginx?.kill('SIGQUIT');
  svt?.proc.kill('SIGTERM');
  await svt?.exited;
  removeTempDirs();
});

test('HTTPS through nginx: answers with HSTS, since SVT sees the scheme nginx forwards', async () => {
  const res = await send(true, '127.0.0.1', 'GET', '/healthz');
  expect(res.status).toBe(200);
  expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
});

test('the client address is the one nginx saw: loopback writes pass, a forged X-Forwarded-For does not', async () => {
  const body = JSON.stringify({ env: 'prod', app: 'api', version: '1.0.0' });
  const json = { 'content-type': 'application/json' };
  const local = await send(true, '127.0.0.1', 'POST', '/api/v1/deployments', json, body);
  expect(local.status).toBe(201);
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  expect(outside).toBeDefined();
  const forged = await send(
    true,
    outside ?? '',
    'POST',
    '/api/v1/deployments',
    { ...json, host: `svt.example.com:${httpsPort}`, 'x-forwarded-for': '127.0.0.1' },
    body,
  );
  expect(forged.status).toBe(401);
  expect(forged.headers['content-type']).toBe('application/problem+json');
});

test("a browser's write is checked against the origin it used, port included; the Host against SVT_ALLOWED_HOSTS", async () => {
  const site = `svt.example.com:${httpsPort}`;
  const write = (headers: Record<string, string>) =>
    send(
      true,
      '127.0.0.1',
      'POST',
      '/api/v1/deployments',
      { 'content-type': 'application/json', host: site, ...headers },
      JSON.stringify({ env: 'prod', app: 'web', version: '1.0.0' }),
    );
  expect((await write({ origin: `https://${site}` })).status).toBe(201);
  for (const origin of [`http://${site}`, 'https://svt.example.com', 'https://evil.example']) {
    const res = await write({ origin });
    expect([origin, res.status]).toEqual([origin, 403]);
  }
  const rebound = await write({ host: `attacker.example:${httpsPort}` });
  expect(rebound.status).toBe(400);
  expect(JSON.parse(rebound.body)).toMatchObject({ type: 'urn:svt:problem:host-not-allowed' });
});

test('plain HTTP is redirected to HTTPS', async () => {
  const res = await send(false, '127.0.0.1', 'GET', '/env/prod', { host: 'svt.example.com' });
  expect(res.status).toBe(301);
  expect(res.headers.location).toBe(`https://svt.example.com:${httpsPort}/env/prod`);
});

/**
 * The GitLab template in real pipelines (gitlab-ci-local) on a runner's
 * network: behind a forward proxy (its download of the CLI as much as the
 * CLI), and facing a server whose certificate the company's own CA signed.
 */
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pipeline, project, TEMPLATE } from '../helpers/gitlab-ci-local.js';
import { closeServer, listen } from '../helpers/listen.js';
import { useNetwork } from '../helpers/network.js';
import { tempDir } from '../helpers/tmp.js';

const net = useNetwork();

const ci = (serverUrl: string, environment: string) => `include:
  - local: svt.yml
    inputs:
      server_url: ${serverUrl}
      environment: ${environment}
      version: 1.0.0
stages: [deploy]
deploy-prod:
  stage: deploy
  script:
    - echo deploying
`;
const stored = async (env: string) =>
  ((await net().svt.store.current(env)) ?? []).map((d) => d.version);

test('HTTP_PROXY with credentials: the download and the record both go through it', async () => {
  const { proxy, proxiedHttpUrl } = net();
  const before = proxy.seen.length;
  const { dir } = project(ci(proxiedHttpUrl, 'gl-proxy-http'));
  const run = await pipeline(dir, { HTTP_PROXY: `http://user:p%40ss@127.0.0.1:${proxy.port}` });
  expect(run.output).toMatch(/svt-record\s+> Recorded shop 1\.0\.0 in gl-proxy-http/);
  expect(run.code).toBe(0);
  const auth = 'Basic dXNlcjpwQHNz'; // user:p@ss
  expect(proxy.seen.slice(before)).toEqual([
    // The template's download: a plain request in absolute form.
    { method: 'GET', target: `${proxiedHttpUrl}/cli/svt.mjs`, auth },
    // The CLI (@actions/http-client): a tunnel.
    { method: 'CONNECT', target: proxiedHttpUrl.slice('http://'.length), auth },
  ]);
  expect(await stored('gl-proxy-http')).toEqual(['1.0.0']);
});

test('HTTPS_PROXY and NODE_EXTRA_CA_CERTS (a File variable): TLS through tunnels, for both', async () => {
  const { proxy, proxiedHttpsUrl, certificate } = net();
  const before = proxy.seen.length;
  const { dir } = project(ci(proxiedHttpsUrl, 'gl-proxy-https'));
  const run = await pipeline(dir, {
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: certificate.certFile,
  });
  expect(run.output).toMatch(/svt-record\s+> Recorded shop 1\.0\.0 in gl-proxy-https/);
  const target = proxiedHttpsUrl.slice('https://'.length);
  expect(proxy.seen.slice(before).map((s) => [s.method, s.target])).toEqual([
    ['CONNECT', target],
    ['CONNECT', target],
  ]);
  expect(await stored('gl-proxy-https')).toEqual(['1.0.0']);
});

test('a certificate from an unknown CA: the job warns at once, naming NODE_EXTRA_CA_CERTS; the pipeline passes', async () => {
  const url = `https://127.0.0.1:${net().httpsPort}`;
  const { dir } = project(ci(url, 'gl-tls'));
  const run = await pipeline(dir, {});
  expect(run.code).toBe(0);
  expect(run.output).toContain(
    `cannot download the SVT CLI from ${url}/cli/svt.mjs: its TLS certificate is refused (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate), which no retry can fix: if your own CA signed it, set NODE_EXTRA_CA_CERTS (a CI/CD variable of type File) to that CA certificate`,
  );
  // No retry: the download used to try 5 times over 15 s.
  const took = /svt-record\s+finished in ([\d.]+) (ms|s)/.exec(run.output);
  expect(took).not.toBeNull();
  expect(Number(took?.[1]) * (took?.[2] === 's' ? 1000 : 1)).toBeLessThan(5_000);
  expect(run.output).toMatch(/WARN\s+svt-record/);
  expect(await stored('gl-tls')).toEqual([]);
});

/** The template's download step alone, as the job's shell runs it, in a directory of its own. */
function download(url: string, env: Record<string, string> = {}) {
  const [, jobs] = parseAllDocuments(readFileSync(TEMPLATE, 'utf8')).map(
    (d) => d.toJS() as Record<string, { script?: string[] }>,
  );
  const script = jobs?.['.svt-record']?.script?.[0] ?? '';
  expect(script).toMatch(/^node -e '/);
  const cwd = tempDir('svt-download-');
  const started = Date.now();
  const proc = spawn('/bin/sh', ['-c', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', SVT_URL: url, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group: stopping it stops node too, not only the shell
  });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) =>
    proc.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started })),
  );
  /** Resolves once stderr matches `pattern`, then stops the download. */
  const until = async (pattern: RegExp): Promise<string> => {
    while (!pattern.test(stderr) && proc.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    if (proc.exitCode === null && proc.pid !== undefined) process.kill(-proc.pid, 'SIGTERM');
    await done;
    return stderr;
  };
  return { cwd, done, until };
}

test("the download's answers: a redirect or a refusal ends it at once, saying why; a 503 is retried", async () => {
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const busy = req.url === '/busy/cli/svt.mjs';
    const status =
      req.url === '/moved/cli/svt.mjs' ? 301 : busy ? (answers.length < 2 ? 503 : 200) : 404;
    answers.push(status);
    res.writeHead(
      status,
      status === 301 ? { location: 'https://svt.example.com/cli/svt.mjs' } : {},
    );
    res.end(status === 200 ? '// the CLI\n' : '');
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  try {
    const moved = await download(`${base}/moved`).done;
    expect(moved.code).toBe(3);
    expect(moved.ms).toBeLessThan(5_000);
    expect(moved.stderr).toBe(
      `cannot download the SVT CLI from ${base}/moved/cli/svt.mjs: HTTP 301, to https://svt.example.com/cli/svt.mjs: use that as server_url\n`,
    );
    const missing = await download(`${base}/nothing`).done;
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      `cannot download the SVT CLI from ${base}/nothing/cli/svt.mjs: HTTP 404\n`,
    );
    answers.length = 0;
    const busy = download(`${base}/busy`);
    const ok = await busy.done;
    expect(ok.code).toBe(0);
    expect(answers).toEqual([503, 503, 200]);
    expect(ok.stderr).toBe(
      'downloading the SVT CLI: attempt 1 failed (HTTP 503); retrying in 1 s\n' +
        'downloading the SVT CLI: attempt 2 failed (HTTP 503); retrying in 2 s\n',
    );
    expect(readFileSync(join(busy.cwd, 'svt.mjs'), 'utf8')).toBe('// the CLI\n');
  } finally {
    await closeServer(server);
  }
});

test('the download takes NO_PROXY as the CLI does: by host or suffix, else through the proxy', async () => {
  const { proxy, proxiedHttpUrl } = net();
  const url = `${proxiedHttpUrl}/`;
  const before = proxy.seen.length;
  // Entries that do not name svt.invalid: through the proxy.
  const proxied = await download(url, {
    http_proxy: proxy.url,
    NO_PROXY: 'other.invalid, .example.com,svt.invalid.example.com',
  }).done;
  expect(proxied.code).toBe(0);
  expect(proxy.seen.slice(before)).toEqual([
    { method: 'GET', target: `${proxiedHttpUrl}/cli/svt.mjs`, auth: undefined },
  ]);
  // A suffix that names it: not through the proxy, so the name does not even resolve.
  for (const noProxy of ['.invalid', 'invalid', `svt.invalid:${new URL(url).port}`, '*']) {
    const direct = download(url, { HTTP_PROXY: proxy.url, no_proxy: noProxy });
    expect(await direct.until(/attempt 1 failed/)).toMatch(
      /^downloading the SVT CLI: attempt 1 failed \(getaddrinfo (ENOTFOUND|EAI_AGAIN) svt\.invalid\); retrying in 1 s\n$/,
    );
  }
  expect(proxy.seen.length).toBe(before + 1);
});

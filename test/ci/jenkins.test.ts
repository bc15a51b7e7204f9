/**
 * The Jenkins recipes, run as documented: the `sh '''...'''` step of each
 * example Jenkinsfile, as Groovy hands it to the shell (a backslash-newline
 * joins lines) and as Jenkins runs it (`sh -xe`), with the variables
 * Jenkins and withCredentials set, against a real server on 127.0.0.1.
 * The README shows the same steps: a test keeps them identical.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { issueToken } from '../helpers/tokens.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultProxy } from '../helpers/fault-proxy.js';
import { listenApp, useListeningApp } from '../helpers/listen.js';
import { ROOT } from '../helpers/run-node.js';
import { tempDir } from '../helpers/tmp.js';

/** The sh step after `// <marker>` in an example Jenkinsfile, dedented. */
function recipe(file: string, marker: string): string {
  const lines = readFileSync(join(ROOT, 'examples', file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `// ${marker}`);
  if (start < 0 || lines[start + 1]?.trim() !== "sh '''")
    throw new Error(`no ${marker} in ${file}`);
  const end = lines.findIndex((l, i) => i > start + 1 && l.trim() === "'''");
  const body = lines.slice(start + 2, end);
  const indent = Math.min(...body.map((l) => l.length - l.trimStart().length));
  return body.map((l) => l.slice(indent)).join('\n');
}

const CLI_RECIPE = recipe('Jenkinsfile', 'svt-cli-recipe');
const CURL_RECIPE = recipe('Jenkinsfile-curl', 'svt-curl-recipe');

const svt = useListeningApp();
let token = '';
beforeAll(async () => {
  token = await issueToken(svt().store, 'jenkins', ['write:jenkins-*']);
});

function jenkinsEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    JENKINS_URL: 'https://jenkins.example.com/',
    JOB_NAME: 'shop/deploy',
    BUILD_NUMBER: '42',
    BUILD_URL: 'https://jenkins.example.com/job/shop/job/deploy/42/',
    GIT_COMMIT: 'ffeeddccbbaa99887766554433221100ffeeddcc',
    GIT_BRANCH: 'origin/main',
    // The Git plugin's clone URL, credentials and all when the job has them.
    GIT_URL: 'https://jenkins:glpat-secret@gitlab.example.com/acme/shop.git',
    SVT_URL: svt().url,
    SVT_TOKEN: token,
    APP: 'shop',
    DEPLOY_ENV: 'prod',
    ...extra,
  };
}

function sh(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const groovy = script.replace(/\\\n/g, ''); // Groovy's ''' string joins backslash-ended lines
  const proc = spawn('/bin/sh', ['-xe', '-c', groovy], {
    cwd: tempDir('svt-jenkins-'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, output })));
}

const history = async (env: string) => (await svt().store.history({ env, limit: 10 })).items;

describe('Jenkins recipes', () => {
  test('the README shows exactly the steps the examples hold', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // There, inside `sh '''` in a withCredentials block: indented by four.
    const inBlock = (text: string) => text.replace(/^(?=.)/gm, '    ');
    expect(readme).toContain(inBlock(CLI_RECIPE));
    expect(readme).toContain(inBlock(CURL_RECIPE));
  });

  test('the CLI step records with the build context, once per build', async () => {
    const env = jenkinsEnv({ DEPLOY_ENV: 'jenkins-cli' });
    for (let i = 0; i < 2; i++) {
      const run = await sh(CLI_RECIPE, env);
      expect(run.code).toBe(0);
      expect(run.output).not.toContain('could not be recorded');
    }
    const items = await history('jenkins-cli');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      app: 'shop',
      version: 'ffeeddc',
      commit: 'ffeeddccbbaa99887766554433221100ffeeddcc',
      ref: 'main',
      pipelineUrl: 'https://jenkins.example.com/job/shop/job/deploy/42/',
      repository: 'https://gitlab.example.com/acme/shop', // GIT_URL without its credentials
      source: 'jenkins',
      recordedBy: 'jenkins',
    });
    // The secret reaches the shell through the environment, never the script text.
    expect(CLI_RECIPE).not.toContain('svt_');
  });

  test('the curl step records once per build; a tag build records the tag', async () => {
    const env = jenkinsEnv({ DEPLOY_ENV: 'jenkins-curl' });
    for (let i = 0; i < 2; i++) expect((await sh(CURL_RECIPE, env)).code).toBe(0);
    const items = await history('jenkins-curl');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      version: 'ffeeddc',
      commit: 'ffeeddccbbaa99887766554433221100ffeeddcc',
      pipelineUrl: 'https://jenkins.example.com/job/shop/job/deploy/42/',
      source: 'jenkins',
    });
    // The key names the build and the body it sends (jq -c: one line, in this order).
    const body =
      '{"env":"jenkins-curl","app":"shop","version":"ffeeddc","commit":"ffeeddccbbaa99887766554433221100ffeeddcc","pipelineUrl":"https://jenkins.example.com/job/shop/job/deploy/42/","source":"jenkins"}';
    const digest = createHash('sha256').update(`shop/deploy/42 ${body}`).digest('hex');
    expect(items[0]?.idempotencyKey).toBe(`jenkins-${digest.slice(0, 40)}`);

    await sh(CURL_RECIPE, { ...env, TAG_NAME: 'v4.0.0', BUILD_NUMBER: '43' });
    expect((await svt().store.current('jenkins-curl'))?.[0]?.version).toBe('v4.0.0');
  });

  test('a matrix build: each leg records its own deployment, a repeated leg once', async () => {
    // A matrix axis is a variable of each leg: SVT_ATTRIBUTES="region=$REGION" in environment { }.
    const leg = (region: string) =>
      sh(
        CLI_RECIPE,
        jenkinsEnv({ DEPLOY_ENV: 'jenkins-matrix', SVT_ATTRIBUTES: `region=${region}` }),
      );
    for (const region of ['eu-west-1', 'us-east-1', 'eu-west-1']) {
      const run = await leg(region);
      expect(run.code).toBe(0);
      expect(run.output).not.toContain('could not be recorded');
    }
    expect((await history('jenkins-matrix')).map((d) => d.attributes.region).sort()).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  test('an empty token, before any token exists: no Authorization header, and the record is kept', async () => {
    // A server of its own, with no token yet: it accepts tokenless writes from
    // loopback, and refuses `Authorization: Bearer ` with nothing after it.
    const fresh = await listenApp();
    const proxy = await faultProxy(fresh.port, []); // forwards all, keeps the headers
    try {
      for (const [script, name] of [
        [CURL_RECIPE, 'curl'],
        [CLI_RECIPE, 'cli'],
      ] as const) {
        const before = proxy.seen.length;
        const run = await sh(
          script,
          jenkinsEnv({ SVT_URL: proxy.url, SVT_TOKEN: '', DEPLOY_ENV: `tokenless-${name}` }),
        );
        expect([name, run.code]).toEqual([name, 0]);
        expect(run.output).not.toContain('could not be recorded');
        const writes = proxy.seen.slice(before).filter((r) => r.method === 'POST');
        expect(writes).toHaveLength(1);
        expect(writes[0]?.headers).not.toHaveProperty('authorization');
        expect((await fresh.store.current(`tokenless-${name}`))?.[0]).toMatchObject({
          app: 'shop',
          version: 'ffeeddc',
          source: 'jenkins',
          recordedBy: null,
        });
      }
    } finally {
      await proxy.close();
      await fresh.close();
    }
  });

  test('a refused record warns and leaves the build green, under sh -e', async () => {
    for (const [script, name] of [
      [CLI_RECIPE, 'cli'],
      [CURL_RECIPE, 'curl'],
    ] as const) {
      const refused = await sh(
        script,
        jenkinsEnv({ DEPLOY_ENV: 'not a valid env', BUILD_NUMBER: name }),
      );
      expect(refused.code).toBe(0);
      expect(refused.output).toContain('SVT: the deployment could not be recorded');
    }
    // And when the server fails after the CLI download: the record step gives up, the build stays green.
    const proxy = await faultProxy(svt().port, [
      'forward',
      ...Array.from({ length: 50 }, () => ({ status: 400 })),
    ]);
    try {
      const run = await sh(
        CLI_RECIPE,
        jenkinsEnv({ SVT_URL: proxy.url, DEPLOY_ENV: 'jenkins-down' }),
      );
      expect(run.code).toBe(0);
      expect(run.output).toContain('svt: SVT refused the request: 400 Injected fault');
      expect(await svt().store.current('jenkins-down')).toBeNull();
    } finally {
      await proxy.close();
    }
  });
});

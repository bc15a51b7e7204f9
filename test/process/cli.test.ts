/**
 * The `svt` CLI as a real process: the bundle `npm ci` builds (and the
 * server serves), against a real server on 127.0.0.1.
 */
import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultProxy } from '../helpers/fault-proxy.js';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, ROOT, runNode } from '../helpers/run-node.js';
import { tempDir } from '../helpers/tmp.js';
import { VERSION } from '../../client/src/version.js';

const svt = useListeningApp();
const svtCli = (args: string[], env: Record<string, string> = {}) =>
  runNode(CLI, args, { SVT_URL: svt().url, ...env });

describe('svt record', () => {
  test('records, prints what it did, and what it replaced', async () => {
    const first = await svtCli(['record', '--env', 'prod', '--app', 'api', '--version', '1.4.1']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Recorded api 1\.4\.1 in prod \(success, deployed .*\)\.\napi 1\.4\.1 deployed to prod \(the first success there\)\n$/,
    );

    const second = await svtCli([
      'record',
      '--env',
      'prod',
      '--app',
      'api',
      '--version',
      '1.4.2',
      '--url',
      'https://api.example.com',
      '--attr',
      'region=eu-west-1',
      '--attr',
      'replicas=3',
      '--json',
    ]);
    expect(second.code).toBe(0);
    const outcome = JSON.parse(second.stdout) as {
      deployment: { attributes: unknown; url: string };
      previous: { version: string };
      replayed: boolean;
    };
    expect(outcome.previous.version).toBe('1.4.1');
    expect(outcome).toMatchObject({ current: true });
    expect(outcome).not.toHaveProperty('currentDeployment');
    expect(outcome.replayed).toBe(false);
    expect(outcome.deployment).toMatchObject({
      url: 'https://api.example.com',
      attributes: { region: 'eu-west-1', replicas: '3' },
    });
  });

  test('says whether it became current: a back-dated record, a failure, a rollback, in progress', async () => {
    const record = (version: string, ...more: string[]) =>
      svtCli(['record', '--env', 'qa', '--app', 'ledger', '--version', version, ...more]);
    expect((await record('2.0.0')).stdout).toMatch(
      /\nledger 2\.0\.0 deployed to qa \(the first success there\)\n$/,
    );

    const backDated = await record('1.8.0', '--deployed-at', '2026-01-01T00:00:00Z');
    expect(backDated.code).toBe(0);
    expect(backDated.stdout).toMatch(
      /^Recorded ledger 1\.8\.0 in qa \(success, deployed 2026-01-01 00:00:00Z\)\.\nledger 1\.8\.0 recorded in qa, but not current: 2\.0\.0 runs there, deployed later\n$/,
    );
    expect(backDated.stdout).not.toMatch(/Previous/);
    // --json: the server's answer as is.
    const json = await record('1.7.0', '--deployed-at', '2025-12-01T00:00:00Z', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      deployment: { version: '1.7.0', rollback: false },
      previous: null,
      current: false,
      currentDeployment: { version: '2.0.0' },
      replayed: false,
    });

    const failed = await record('2.1.0', '--status', 'failure');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/\nledger 2\.1\.0 failed in qa \(2\.0\.0 runs there\)\n$/);
    const started = await record('2.1.1', '--status', 'started');
    expect(started.stdout).toMatch(
      /\nledger 2\.1\.1 deployment started in qa \(2\.0\.0 runs there\)\n$/,
    );
    // 1.8.0 ran there before 2.0.0 and ranks older: a rollback.
    const rollback = await record('1.8.0');
    expect(rollback.stdout).toMatch(/\nledger 1\.8\.0 rolled back to qa \(was 2\.0\.0\)\n$/);

    const nothing = await svtCli([
      'record',
      ...['--env', 'qa', '--app', 'fresh', '--version', '0.1.0', '--status', 'failure'],
    ]);
    expect(nothing.stdout).toMatch(
      /\nfresh 0\.1\.0 failed in qa \(nothing succeeded there yet\)\n$/,
    );
  });

  test('inside a CI job it fills the context and dedupes a repeated call', async () => {
    const gitlab = {
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'acme/shop',
      CI_JOB_ID: '4242',
      CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      CI_COMMIT_REF_NAME: 'main',
      CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
      GITLAB_USER_LOGIN: 'alice',
    };
    const args = ['record', '--env', 'qa', '--app', 'cart', '--version', '5.0.0'];
    expect((await svtCli(args, gitlab)).code).toBe(0);
    const again = await svtCli(args, gitlab);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already recorded: cart 5\.0\.0 in qa/);
    const items = (await svt().store.history({ app: 'cart', limit: 10 })).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      commit: gitlab.CI_COMMIT_SHA,
      ref: 'main',
      pipelineUrl: gitlab.CI_PIPELINE_URL,
      actor: 'alice',
      source: 'gitlab',
    });
  });

  test('a derived commit time the server would refuse is left out with a warning; the rest is recorded', async () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const gitlab = {
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'acme/clock',
      CI_JOB_ID: '5001',
      CI_COMMIT_SHA: sha,
      CI_COMMIT_REF_NAME: 'main',
      // A committer's clock years ahead.
      CI_COMMIT_TIMESTAMP: '2099-01-01T00:00:00+00:00',
    };
    const future = await svtCli(
      ['record', '--env', 'qa', '--app', 'clock-gl', '--version', '1.0.0'],
      gitlab,
    );
    expect(future.stderr).toBe(
      'svt: warning: committedAt "2099-01-01T00:00:00+00:00" from CI_COMMIT_TIMESTAMP left out of the request: it is more than 5 minutes in the future, which the server refuses\n',
    );
    expect(future.code).toBe(0);
    expect(future.stdout).toMatch(/^Recorded clock-gl 1\.0\.0 in qa/);

    // GitHub: a push event whose head commit says 1970 (a zeroed clock).
    const eventPath = join(tempDir('svt-event-'), 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({ head_commit: { id: sha, timestamp: '1970-01-01T00:00:00Z' } }),
    );
    const github = {
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/clock',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: sha,
      GITHUB_REF_NAME: 'main',
      GITHUB_EVENT_PATH: eventPath,
    };
    const zeroed = await svtCli(
      ['record', '--env', 'qa', '--app', 'clock-gh', '--version', '1.0.0'],
      github,
    );
    expect(zeroed.stderr).toBe(
      `svt: warning: committedAt "1970-01-01T00:00:00Z" from the push event's head_commit.timestamp left out of the request: it is before 2000-01-01T00:00:00Z, which the server refuses\n`,
    );
    expect(zeroed.code).toBe(0);

    for (const [app, source] of [
      ['clock-gl', 'gitlab'],
      ['clock-gh', 'github'],
    ]) {
      const [d] = (await svt().store.history({ app, limit: 10 })).items;
      expect(d).toMatchObject({ commit: sha, committedAt: null, ref: 'main', source });
    }

    // A plausible one is sent; one the user gives is sent as given, for the server to judge.
    const plausible = await svtCli(
      ['record', '--env', 'qa', '--app', 'clock-ok', '--version', '1.0.0'],
      { ...gitlab, CI_COMMIT_TIMESTAMP: '2026-01-01T00:00:00Z' },
    );
    expect(plausible.stderr).toBe('');
    expect((await svt().store.history({ app: 'clock-ok', limit: 1 })).items[0]?.committedAt).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    const given = await svtCli(
      [
        'record',
        ...['--env', 'qa', '--app', 'clock-given', '--version', '1.0.0'],
        ...['--committed-at', '1970-01-01T00:00:00Z', '--dry-run'],
      ],
      gitlab,
    );
    expect(given.stderr).toBe('');
    expect(given.stdout).toContain('"committedAt": "1970-01-01T00:00:00Z"');
  });

  test('--dry-run prints the request and sends nothing, even without a server', async () => {
    const run = await runNode(
      CLI,
      ['record', '--env', 'prod', '--app', 'dry', '--version', '1', '--dry-run'],
      {
        JENKINS_URL: 'https://jenkins.example.com/',
        JOB_NAME: 'shop/deploy',
        BUILD_NUMBER: '42',
        GIT_COMMIT: 'ffeeddccbbaa99887766554433221100ffeeddcc',
      },
    );
    expect(run.code).toBe(0);
    const [line, key, ...body] = run.stdout.trim().split('\n');
    expect(line).toBe('POST $SVT_URL/api/v1/deployments');
    expect(key).toMatch(/^Idempotency-Key: jenkins-[0-9a-f]{40}$/);
    expect(JSON.parse(body.join('\n'))).toEqual({
      env: 'prod',
      app: 'dry',
      version: '1',
      status: 'success',
      commit: 'ffeeddccbbaa99887766554433221100ffeeddcc',
      source: 'jenkins',
    });
    expect((await svt().store.history({ app: 'dry', limit: 1 })).items).toHaveLength(0);
  });

  test('retries a 503, a reset and a 409, then succeeds with one deployment stored', async () => {
    const proxy = await faultProxy(svt().port, [
      { status: 503 },
      'reset',
      { status: 409, headers: { 'retry-after': '0' } },
    ]);
    try {
      const run = await runNode(
        CLI,
        [
          'record',
          '--server',
          proxy.url,
          '--env',
          'prod',
          '--app',
          'retried',
          '--version',
          '2.0.0',
          '--idempotency-key',
          'k-1',
        ],
        {},
      );
      expect(run.code).toBe(0);
      expect(run.stderr.match(/^svt: attempt \d failed/gm)).toHaveLength(3);
      expect(proxy.seen).toHaveLength(4);
      expect((await svt().store.history({ app: 'retried', limit: 10 })).items).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('exit codes', () => {
  test('1: refused by the server, with its message', async () => {
    const run = await svtCli(['record', '--env', 'bad env', '--app', 'x', '--version', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^svt: SVT refused the request: 400 Invalid request: env: must be/);
    const unknown = await svtCli(['list', 'never-seen']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 .*never-seen/);
  });

  test.each([
    [['record', '--app', 'x', '--version', '1'], /required option '--env <env>' not specified/],
    [
      ['record', '--env', 'p', '--app', 'x', '--version', '1', '--status', 'ok'],
      /argument 'ok' is invalid/,
    ],
    [
      ['record', '--env', 'p', '--app', 'x', '--version', '1', '--attr', 'novalue'],
      /--attr must be key=value, got "novalue"/,
    ],
    [['history', '--limit', '0'], /--limit must be an integer 1-1000, got "0"/],
    [['list', 'prod', '--timeout', 'never'], /--timeout must be a duration .*got "never"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('2: usage error for %j', async (args, message) => {
    const run = await svtCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test('2: no server given', async () => {
    const run = await runNode(CLI, ['list', 'prod'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'svt: no server: pass --server <url> or set SVT_URL (e.g. http://127.0.0.1:5000)\n',
    );
  });

  test('3: server unreachable after retries', async () => {
    const run = await runNode(
      CLI,
      ['record', '--env', 'p', '--app', 'x', '--version', '1', '--timeout', '1'],
      {
        SVT_URL: 'http://127.0.0.1:9',
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /svt: SVT at http:\/\/127\.0\.0\.1:9 is unreachable or failing: .*ECONNREFUSED.*\(\d+ attempts in/,
    );
  });

  test('3: a server failing with 5xx after retries', async () => {
    const proxy = await faultProxy(
      svt().port,
      Array.from({ length: 100 }, () => ({ status: 500 })),
    );
    try {
      const run = await runNode(CLI, ['list', 'prod', '--server', proxy.url, '--timeout', '1'], {});
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/unreachable or failing: 500 Injected fault/);
    } finally {
      await proxy.close();
    }
  });
});

test('--help on every command; 0 and the environment variables named', async () => {
  for (const args of [
    ['--help'],
    ['record', '--help'],
    ['list', '--help'],
    ['history', '--help'],
    ['compare', '--help'],
    ['help', 'record'],
  ]) {
    const run = await runNode(CLI, args, {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: svt/);
  }
  expect((await runNode(CLI, ['--help'], {})).stdout).toContain('SVT_URL');
  expect((await runNode(CLI, ['record', '--help'], {})).stdout).toContain('$SVT_TOKEN');
});

test('the CLI downloaded from the server runs on its own, and the npm bin is the same program', async () => {
  const res = await fetch(`${svt().url}/cli/svt.mjs`);
  expect(res.status).toBe(200);
  const file = join(tempDir('svt-download-'), 'svt.mjs');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  // Run from an empty directory: it must need no node_modules.
  const run = await runNode(
    file,
    ['record', '--env', 'dl', '--app', 'fetched', '--version', '1'],
    { SVT_URL: svt().url },
    tempDir(),
  );
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Recorded fetched 1 in dl/);
  const bin = await runNode(join(ROOT, 'client', 'bin', 'svt.js'), ['--version'], {});
  expect(bin.stdout).toBe(`${VERSION}\n`);
});

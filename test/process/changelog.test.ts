/**
 * `svt changelog` as a real process, in a real git repository made here
 * (three commits), against a real server: what a deployment brought, what
 * waits to be promoted, a rollback, a shallow clone and a clone that lacks
 * a commit, each with the message that says what to do.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, runNode } from '../helpers/run-node.js';
import { tempDir } from '../helpers/tmp.js';

const svt = useListeningApp();
const REPOSITORY = 'https://github.com/acme/shop';
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
};

let repo = '';
const commits: string[] = [];

function git(args: string[], cwd = repo): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV } })
    .toString()
    .trim();
}

async function record(env: string, version: string, commit: string, deployedAt: string) {
  const res = await fetch(`${svt().url}/api/v1/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ env, app: 'shop', version, commit, repository: REPOSITORY, deployedAt }),
  });
  expect(res.status).toBe(201);
}

const changelog = (args: string[], cwd = repo) =>
  runNode(CLI, ['changelog', ...args], { SVT_URL: svt().url, HOME: cwd }, cwd);

beforeAll(async () => {
  repo = tempDir('svt-changelog-');
  git(['init', '-q', '-b', 'main']);
  git(['remote', 'add', 'origin', 'git@github.com:acme/shop.git']);
  for (const [i, subject] of ['Add the cart', 'Fix the total', 'Show prices in euros'].entries()) {
    writeFileSync(join(repo, 'file.txt'), `${i}\n`);
    git(['add', 'file.txt']);
    git(['commit', '-q', '-m', subject, '--date', `2026-11-2${i}T10:00:00Z`]);
    commits.push(git(['rev-parse', 'HEAD']));
  }
  const [c1, , c3] = commits as [string, string, string];
  await record('prod', '1.0.0', c1, '2026-11-25T10:00:00Z');
  await record('prod', '1.2.0', c3, '2026-11-26T10:00:00Z');
  await record('staging', '1.2.0', c3, '2026-11-25T12:00:00Z');
  await record('qa', '1.2.0', c3, '2026-11-25T10:00:00Z');
  await record('qa', '1.0.0', c1, '2026-11-26T10:00:00Z'); // a rollback
}, 60_000);

describe('svt changelog', () => {
  test('what the current deployment brought over the one before it', async () => {
    const run = await changelog(['prod', 'shop']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        `shop in prod: 1.0.0 (${commits[0]?.slice(0, 7)}) -> 1.2.0 (${commits[2]?.slice(0, 7)}), 2 commits`,
        `${commits[2]?.slice(0, 7)} Show prices in euros (Ada, 2026-11-22)`,
        `${commits[1]?.slice(0, 7)} Fix the total (Ada, 2026-11-21)`,
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(0);
    const json = JSON.parse((await changelog(['prod', 'shop', '--json'])).stdout) as {
      commits: { sha: string; subject: string; author: string }[];
      removed: unknown[];
    };
    expect(json.commits.map((c) => [c.sha, c.subject, c.author])).toEqual([
      [commits[2], 'Show prices in euros', 'Ada'],
      [commits[1], 'Fix the total', 'Ada'],
    ]);
    expect(json.removed).toEqual([]);
  });

  test('a rollback: what it left out', async () => {
    const run = await changelog(['qa', 'shop']);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([
      `shop in qa: 1.2.0 (${commits[2]?.slice(0, 7)}) -> 1.0.0 (${commits[0]?.slice(0, 7)}), 0 commits`,
      'Left out by the deployment (a rollback): 2 commits',
      `${commits[2]?.slice(0, 7)} Show prices in euros (Ada, 2026-11-22)`,
      `${commits[1]?.slice(0, 7)} Fix the total (Ada, 2026-11-21)`,
    ]);
  });

  test('what waits to be promoted from one environment to the next', async () => {
    await record('uat', '1.0.0', commits[0] ?? '', '2026-11-27T10:00:00Z');
    const waiting = await changelog(['--from', 'staging', '--to', 'uat', 'shop']);
    expect(waiting.stdout).toBe(
      [
        `shop: 2 commits in staging 1.2.0 (${commits[2]?.slice(0, 7)}) waiting to be promoted to uat 1.0.0 (${commits[0]?.slice(0, 7)})`,
        `${commits[2]?.slice(0, 7)} Show prices in euros (Ada, 2026-11-22)`,
        `${commits[1]?.slice(0, 7)} Fix the total (Ada, 2026-11-21)`,
        '',
      ].join('\n'),
    );
    // The other way round: nothing waits, and what is ahead is said.
    const behind = await changelog(['--from', 'qa', '--to', 'prod', 'shop']);
    expect(behind.stdout.split('\n')[0]).toBe(
      `shop: 0 commits in qa 1.0.0 (${commits[0]?.slice(0, 7)}) waiting to be promoted to prod 1.2.0 (${commits[2]?.slice(0, 7)})`,
    );
    expect(behind.stdout).toContain('In prod and not in qa: 2 commits');
  });

  test('a shallow clone says how to fetch the history; a missing commit how to fetch it', async () => {
    const shallow = join(tempDir('svt-changelog-shallow-'), 'clone');
    git(['clone', '-q', '--depth', '1', `file://${repo}`, shallow], repo);
    const run = await changelog(['prod', 'shop'], shallow);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`svt: commit ${commits[0]} is not in this shallow clone`);
    expect(run.stderr).toContain('fetch-depth: 0');

    const other = tempDir('svt-changelog-other-');
    git(['init', '-q'], other);
    const missing = await changelog(['prod', 'shop'], other);
    expect(missing.stderr).toBe(
      `svt: commit ${commits[0]} is not in this clone: fetch it with \`git fetch origin ${commits[0]}\`\n`,
    );
  });

  test('outside a clone, without a commit, or with bad arguments: one line, no stack', async () => {
    const outside = await changelog(['prod', 'shop'], tempDir('svt-changelog-none-'));
    expect(outside.stderr).toMatch(
      /is not inside a git clone: run svt changelog in a clone of https:\/\/github\.com\/acme\/shop\n$/,
    );
    expect(outside.code).toBe(1);

    await fetch(`${svt().url}/api/v1/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'dev', app: 'shop', version: '0.1.0' }),
    });
    await fetch(`${svt().url}/api/v1/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'dev', app: 'shop', version: '0.2.0' }),
    });
    expect((await changelog(['dev', 'shop'])).stderr).toBe(
      'svt: shop 0.2.0 in dev was recorded without a commit: nothing to compare (record with --commit, or from CI)\n',
    );
    const usage = await changelog(['prod']);
    expect([usage.code, usage.stderr]).toEqual([
      2,
      'svt: name an environment and an application: svt changelog <env> <app>\n',
    ]);
    expect((await changelog(['nowhere', 'shop'])).stderr).toBe(
      'svt: shop never succeeded in nowhere\n',
    );
  });
});

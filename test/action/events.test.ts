/**
 * The bundled action, run as the runner runs it, on the events whose
 * GITHUB_SHA is not the commit the run is about (issue 23): the payloads
 * in test/fixtures/github-events, the variables GitHub sets beside them.
 * And the legs of a matrix job, which share the run, the job name and the
 * attempt.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { GITHUB_CONTEXT, runAction } from '../helpers/github-runner.js';
import { githubEventContext } from '../helpers/github-events.js';
import { useListeningApp } from '../helpers/listen.js';
import { issueToken } from '../helpers/tokens.js';

const svt = useListeningApp();
let token = '';
beforeAll(async () => {
  token = await issueToken(svt().store, 'github-deploy', ['write:*']);
});

const latest = async (env: string) => (await svt().store.history({ env, limit: 10 })).items;

describe('the commit the run is about, and the branch it came from', () => {
  test('pull_request: the head commit and head branch, not the merge commit c0ffee0 on 42/merge', async () => {
    const run = await runAction(
      { 'server-url': svt().url, token, environment: 'preview-42' },
      githubEventContext('pull_request'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('::warning');
    const [d] = await latest('preview-42');
    expect(d).toMatchObject({
      app: 'shop',
      version: 'ec26c3e', // pull_request.head.sha, short
      commit: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      ref: 'feature/checkout', // GITHUB_HEAD_REF
      repository: 'https://github.com/acme/shop',
      committedAt: null, // the payload has no time for the head commit
    });
    expect(run.summary).toContain('<h3>SVT: shop ec26c3e in preview-42</h3>');
    expect(JSON.stringify(d)).not.toMatch(/c0ffee0|42\/merge/);
  });

  test("pull_request_target from a fork: the fork's head, its branch as owner:branch, the base repository", async () => {
    const run = await runAction(
      { 'server-url': svt().url, token, environment: 'preview-43' },
      githubEventContext('pull_request_target'),
    );
    expect(run.code).toBe(0);
    const [d] = await latest('preview-43');
    expect(d).toMatchObject({
      version: '5e6f7a8',
      commit: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f',
      // Not `main`: the fork's main is not acme/shop's.
      ref: 'contributor:main',
      // Where the pull request is, and GitHub keeps its head (refs/pull/43/head).
      repository: 'https://github.com/acme/shop',
    });
  });

  test('a merged pull request (types: [closed]): the merge commit, on the branch it landed on', async () => {
    const run = await runAction(
      { 'server-url': svt().url, token, environment: 'merged-44' },
      githubEventContext('merged'),
    );
    expect(run.code).toBe(0);
    expect((await latest('merged-44'))[0]).toMatchObject({
      version: 'b1946ac',
      commit: 'b1946ac92492d2347c6235b4d2611184b1946ac9',
      ref: 'main',
    });
  });

  test("workflow_run: the triggering run's commit, branch and commit time, not the default branch's", async () => {
    const run = await runAction(
      { 'server-url': svt().url, token, environment: 'after-build' },
      githubEventContext('workflow_run'),
    );
    expect(run.code).toBe(0);
    expect((await latest('after-build'))[0]).toMatchObject({
      version: '3484a3f',
      commit: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      ref: 'release/2.0',
      committedAt: '2026-11-27T16:32:07.000Z',
    });
  });

  test('merge_group: the group commit the queue lands, on the base branch, not gh-readonly-queue/...', async () => {
    const run = await runAction(
      { 'server-url': svt().url, token, environment: 'queue' },
      githubEventContext('merge_group'),
    );
    expect(run.code).toBe(0);
    expect((await latest('queue'))[0]).toMatchObject({
      version: '2ffea6d',
      commit: '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d',
      ref: 'main',
      committedAt: '2026-11-27T17:00:00.000Z',
    });
  });

  test('an event that names no commit (a comment): the commit and ref inputs say it, and the version follows', async () => {
    const run = await runAction(
      {
        'server-url': svt().url,
        token,
        environment: 'chatops',
        commit: 'abcdef0123456789abcdef0123456789abcdef01',
        ref: 'feature/search',
      },
      { ...GITHUB_CONTEXT, GITHUB_EVENT_NAME: 'issue_comment' },
    );
    expect(run.code).toBe(0);
    expect((await latest('chatops'))[0]).toMatchObject({
      version: 'abcdef0',
      commit: 'abcdef0123456789abcdef0123456789abcdef01',
      ref: 'feature/search',
    });
  });
});

test('every leg of a matrix records: two regions, one version, one environment; a retried leg records once', async () => {
  // Both legs: the same run, attempt and job name (GitHub sets nothing per leg).
  const leg = (region: string) =>
    runAction({
      'server-url': svt().url,
      token,
      environment: 'prod-matrix',
      version: '3.0.0',
      attributes: `region=${region}`,
    });
  const [eu, us] = await Promise.all([leg('eu-west-1'), leg('us-east-1')]);
  for (const run of [eu, us]) {
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('::warning'); // no "422 Idempotency key reused"
    expect(run.stdout).toContain('Recorded in SVT: shop 3.0.0');
  }
  const items = await latest('prod-matrix');
  expect(items.map((d) => d.attributes.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  expect(new Set(items.map((d) => d.idempotencyKey)).size).toBe(2);

  const retried = await leg('eu-west-1');
  expect(retried.code).toBe(0);
  expect(retried.stdout).toContain('Already recorded in SVT, nothing new stored: shop 3.0.0');
  expect(retried.outputs['deployment-id']).toBe(eu.outputs['deployment-id']);
  expect(await latest('prod-matrix')).toHaveLength(2);
});

/**
 * The commit a CI run built and the branch it came from, on the runs where
 * the obvious variable names something else: GitHub's events (payloads in
 * test/fixtures/github-events), GitLab merge requests, Jenkins pull
 * requests. And the default Idempotency-Key, which names the run and the
 * request as sent.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultIdempotencyKey,
  defaultVersion,
  detectCiContext,
} from '../../client/src/ci-context.js';
import { GITHUB, GITLAB, JENKINS } from '../helpers/ci-variables.js';
import { DEFAULT_BRANCH_SHA, githubEventContext } from '../helpers/github-events.js';

describe('the commit the run built, and its branch: GitHub events (test/fixtures/github-events)', () => {
  test.each([
    // event, commit, ref, committedAt
    ['pull_request', 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', 'feature/checkout', null],
    ['pull_request_target', '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f', 'contributor:main', null],
    ['merged', 'b1946ac92492d2347c6235b4d2611184b1946ac9', 'main', null],
    [
      'workflow_run',
      '3484a3fb816e0859fd6e1cea078d76385ff50625',
      'release/2.0',
      '2026-11-27T16:32:07Z',
    ],
    ['merge_group', '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d', 'main', '2026-11-27T17:00:00Z'],
    [
      'check_suite',
      'd6fde92930d4715a2b49857d24b940956b26d2d3',
      'feature/search',
      '2026-11-27T15:10:00Z',
    ],
    ['status', '6113728f27ae82c7b1a177c8d03f9e96e0adf246', 'main', null],
  ] as const)('%s', (event, commit, ref, committedAt) => {
    const ctx = detectCiContext(githubEventContext(event));
    expect(ctx).toMatchObject({ commit, ref, committedAt, tag: null });
    expect(ctx.repository).toBe('https://github.com/acme/shop');
    expect(defaultVersion(ctx)).toBe(commit.slice(0, 7));
  });

  test('the other pull request events read the same payload: pull_request_review, pull_request_review_comment', () => {
    for (const name of ['pull_request_review', 'pull_request_review_comment']) {
      expect(
        detectCiContext({ ...githubEventContext('pull_request'), GITHUB_EVENT_NAME: name }),
      ).toMatchObject({
        commit: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        ref: 'feature/checkout',
      });
    }
  });

  test('a pull request event without a readable payload: no commit rather than the merge commit', () => {
    const ctx = detectCiContext({
      ...githubEventContext('pull_request'),
      GITHUB_EVENT_PATH: '/nonexistent/event.json',
    });
    expect(ctx).toMatchObject({ commit: null, ref: 'feature/checkout' }); // GITHUB_HEAD_REF
    expect(defaultVersion(ctx)).toBeNull();
  });

  test('events about the branch itself keep GITHUB_SHA and GITHUB_REF_NAME (a schedule, a deployment)', () => {
    for (const name of ['schedule', 'workflow_dispatch', 'deployment', 'release']) {
      expect(
        detectCiContext({ ...GITHUB, GITHUB_EVENT_NAME: name, GITHUB_SHA: DEFAULT_BRANCH_SHA }),
      ).toMatchObject({ commit: DEFAULT_BRANCH_SHA, ref: 'v1.4.2', tag: 'v1.4.2' });
    }
  });

  test('a pull request whose fork was deleted: its label still names the branch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svt-event-'));
    const path = join(dir, 'event.json');
    writeFileSync(
      path,
      JSON.stringify({
        pull_request: {
          head: { label: 'gone:patch-1', ref: 'patch-1', sha: 'a'.repeat(40), repo: null },
          base: { ref: 'main', repo: { full_name: 'acme/shop' } },
        },
      }),
    );
    expect(
      detectCiContext({ ...GITHUB, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path }),
    ).toMatchObject({ commit: 'a'.repeat(40), ref: 'gone:patch-1' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the commit the run built: GitLab merge requests, Jenkins pull requests', () => {
  const MR = {
    ...GITLAB,
    CI_COMMIT_SHA: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4',
    CI_COMMIT_TIMESTAMP: '2026-11-28T09:00:00+00:00',
    CI_COMMIT_REF_NAME: 'feature/login',
    CI_MERGE_REQUEST_IID: '42',
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/login',
    CI_MERGE_REQUEST_PROJECT_PATH: 'acme/shop',
    CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'acme/shop',
  };
  const HEAD = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

  test('a merge request pipeline (detached) runs on the head itself: CI_COMMIT_SHA and its time', () => {
    expect(detectCiContext({ ...MR, CI_MERGE_REQUEST_EVENT_TYPE: 'detached' })).toMatchObject({
      commit: MR.CI_COMMIT_SHA,
      committedAt: MR.CI_COMMIT_TIMESTAMP,
      ref: 'feature/login',
    });
  });

  test.each(['merged_result', 'merge_train'])(
    '%s: the source branch head, without the merge commit’s time',
    (type) => {
      const ctx = detectCiContext({
        ...MR,
        CI_MERGE_REQUEST_EVENT_TYPE: type,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
      });
      expect(ctx).toMatchObject({ commit: HEAD, committedAt: null, ref: 'feature/login' });
      expect(defaultVersion(ctx)).toBe('1a2b3c4d'); // 8 characters, as CI_COMMIT_SHORT_SHA
      // And without the head's SHA, no commit rather than the merge result.
      expect(detectCiContext({ ...MR, CI_MERGE_REQUEST_EVENT_TYPE: type }).commit).toBeNull();
    },
  );

  test("a fork's merge request: its branch named with its project", () => {
    expect(detectCiContext({ ...MR, CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'alice/shop' }).ref).toBe(
      'alice/shop:feature/login',
    );
  });

  test('Jenkins multibranch: CHANGE_BRANCH for a pull request (PR-42 is the job), fork:branch from a fork', () => {
    const pr = {
      ...JENKINS,
      BRANCH_NAME: 'PR-42',
      CHANGE_ID: '42',
      CHANGE_BRANCH: 'feature/login',
    };
    expect(detectCiContext(pr).ref).toBe('feature/login');
    expect(detectCiContext({ ...pr, CHANGE_FORK: 'contributor' }).ref).toBe(
      'contributor:feature/login',
    );
    expect(detectCiContext({ ...JENKINS, BRANCH_NAME: 'main' }).ref).toBe('main');
    expect(detectCiContext({ ...pr, TAG_NAME: 'v1.0.0' }).ref).toBe('v1.0.0');
  });
});

describe('default idempotency key', () => {
  const parts = { env: 'prod', app: 'api', version: '1.4.2', status: 'success' as const };

  test('the same job run and deployment gives the same key, printable and short', () => {
    const key = defaultIdempotencyKey(detectCiContext(GITHUB), parts);
    expect(key).toBe(defaultIdempotencyKey(detectCiContext({ ...GITHUB }), { ...parts }));
    expect(key).toMatch(/^github-[0-9a-f]{40}$/);
  });

  test('a re-run, another job, another status or version records anew', () => {
    const key = defaultIdempotencyKey(detectCiContext(GITHUB), parts);
    const others = [
      defaultIdempotencyKey(detectCiContext({ ...GITHUB, GITHUB_RUN_ATTEMPT: '3' }), parts),
      defaultIdempotencyKey(detectCiContext({ ...GITHUB, GITHUB_JOB: 'deploy-eu' }), parts),
      defaultIdempotencyKey(detectCiContext(GITHUB), { ...parts, status: 'started' }),
      defaultIdempotencyKey(detectCiContext(GITHUB), { ...parts, version: '1.4.3' }),
      defaultIdempotencyKey(detectCiContext(GITHUB), { ...parts, env: 'staging' }),
      defaultIdempotencyKey(detectCiContext(GITHUB), { ...parts, app: 'web' }),
    ];
    expect(new Set([key, ...others]).size).toBe(7);
  });

  test('every leg of a matrix that sends another body gets its own; the same body the same key', () => {
    const ctx = detectCiContext(GITHUB); // the legs share the run, the attempt and the job name
    const eu = { ...parts, attributes: { region: 'eu-west-1' } };
    const us = { ...parts, attributes: { region: 'us-east-1' } };
    expect(defaultIdempotencyKey(ctx, eu)).not.toBe(defaultIdempotencyKey(ctx, us));
    // The same request, its fields set in another order: the same key.
    expect(defaultIdempotencyKey(ctx, eu)).toBe(
      defaultIdempotencyKey(ctx, {
        attributes: { region: 'eu-west-1' },
        status: 'success',
        version: '1.4.2',
        app: 'api',
        env: 'prod',
      }),
    );
    // No status is a success, as the server reads it.
    expect(defaultIdempotencyKey(ctx, { env: 'prod', app: 'api', version: '1.4.2' })).toBe(
      defaultIdempotencyKey(ctx, parts),
    );
    // Any field of the body counts, not only the five of the old key.
    expect(defaultIdempotencyKey(ctx, { ...parts, url: 'https://eu.example.com' })).not.toBe(
      defaultIdempotencyKey(ctx, parts),
    );
  });

  test('the fields never run together: ("a\\nb", "c") differs from ("a", "b\\nc")', () => {
    const ctx = detectCiContext(GITLAB);
    expect(defaultIdempotencyKey(ctx, { ...parts, app: 'a b', version: 'c' })).not.toBe(
      defaultIdempotencyKey(ctx, { ...parts, app: 'a', version: 'b c' }),
    );
  });
});

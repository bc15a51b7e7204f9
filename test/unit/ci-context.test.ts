import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultIdempotencyKey,
  defaultVersion,
  detectCiContext,
  withCiDefaults,
} from '../../client/src/ci-context.js';
import { DEFAULT_BRANCH_SHA, githubEventContext } from '../helpers/github-events.js';

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '912345',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'deploy',
  GITHUB_SHA: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  GITHUB_REF: 'refs/tags/v1.4.2',
  GITHUB_REF_NAME: 'v1.4.2',
  GITHUB_REF_TYPE: 'tag',
  GITHUB_ACTOR: 'octocat',
};

const GITLAB = {
  GITLAB_CI: 'true',
  CI: 'true',
  CI_PROJECT_PATH: 'acme/shop',
  CI_JOB_ID: '7781',
  CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  CI_COMMIT_REF_NAME: 'main',
  CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
  CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
  GITLAB_USER_LOGIN: 'alice',
};

const JENKINS = {
  JENKINS_URL: 'https://jenkins.example.com/',
  JOB_NAME: 'shop/deploy',
  BUILD_NUMBER: '42',
  BUILD_URL: 'https://jenkins.example.com/job/shop/job/deploy/42/',
  GIT_COMMIT: 'ffeeddccbbaa99887766554433221100ffeeddcc',
  GIT_BRANCH: 'origin/main',
  GIT_URL: 'https://jenkins-bot:s3cret@git.example.com/shop/deploy.git',
};

describe('CI context', () => {
  test('GitHub Actions: run URL with attempt, tag ref, actor', () => {
    const ctx = detectCiContext(GITHUB);
    expect(ctx).toEqual({
      provider: 'github',
      commit: GITHUB.GITHUB_SHA,
      committedAt: null,
      committedAtFrom: "the push event's head_commit.timestamp",
      ref: 'v1.4.2',
      tag: 'v1.4.2',
      pipelineUrl: 'https://github.com/acme/shop/actions/runs/912345/attempts/2',
      actor: 'octocat',
      source: 'github',
      project: 'acme/shop',
      repository: 'https://github.com/acme/shop',
      runId: 'acme/shop/912345/2/deploy',
    });
    expect(defaultVersion(ctx)).toBe('v1.4.2');
    const branch = detectCiContext({
      ...GITHUB,
      GITHUB_REF_TYPE: 'branch',
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ATTEMPT: '1',
    });
    expect(branch.tag).toBeNull();
    expect(branch.pipelineUrl).toBe('https://github.com/acme/shop/actions/runs/912345');
    expect(defaultVersion(branch)).toBe('9fceb02');
  });

  test('GitLab CI: pipeline URL, tag over branch, job id as the run', () => {
    const ctx = detectCiContext(GITLAB);
    expect(ctx).toMatchObject({
      provider: 'gitlab',
      commit: GITLAB.CI_COMMIT_SHA,
      ref: 'main',
      tag: null,
      pipelineUrl: GITLAB.CI_PIPELINE_URL,
      actor: 'alice',
      source: 'gitlab',
      repository: 'https://gitlab.example.com/acme/shop',
      runId: 'acme/shop/7781',
    });
    const tagged = detectCiContext({
      ...GITLAB,
      CI_COMMIT_TAG: 'v2.0.0',
      CI_COMMIT_REF_NAME: 'v2.0.0',
    });
    expect(tagged).toMatchObject({ ref: 'v2.0.0', tag: 'v2.0.0' });
  });

  test('Jenkins: build URL, branch without its remote, job and build number as the run', () => {
    expect(detectCiContext(JENKINS)).toMatchObject({
      provider: 'jenkins',
      commit: JENKINS.GIT_COMMIT,
      ref: 'main',
      pipelineUrl: JENKINS.BUILD_URL,
      source: 'jenkins',
      // The clone URL's credentials never leave the job.
      repository: 'https://git.example.com/shop/deploy',
      runId: 'shop/deploy/42',
    });
    expect(
      detectCiContext({ ...JENKINS, GIT_URL: 'git@gitlab.example.com:group/sub/shop.git' })
        .repository,
    ).toBe('https://gitlab.example.com/group/sub/shop');
  });

  test('outside CI nothing is guessed', () => {
    const ctx = detectCiContext({ PATH: '/usr/bin', HOME: '/root' });
    expect(ctx.provider).toBeNull();
    expect(ctx.source).toBeNull();
    expect(ctx.repository).toBeNull();
    expect(defaultVersion(ctx)).toBeNull();
    expect(
      defaultIdempotencyKey(ctx, { env: 'prod', app: 'api', version: '1', status: 'success' }),
    ).toBeNull();
  });

  test('empty variables count as unset', () => {
    expect(detectCiContext({ ...GITLAB, CI_COMMIT_TAG: '', GITLAB_USER_LOGIN: '' })).toMatchObject({
      tag: null,
      actor: null,
    });
  });
});

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

describe('commit time, for lead time', () => {
  test("GitHub: a push event's head commit, when it is the commit of the run", () => {
    const dir = mkdtempSync(join(tmpdir(), 'svt-event-'));
    const event = (head: unknown) => {
      const path = join(dir, `event-${Math.random()}.json`);
      writeFileSync(path, JSON.stringify({ head_commit: head }));
      return { ...GITHUB, GITHUB_EVENT_PATH: path };
    };
    const timestamp = '2026-11-27T18:02:11+01:00';
    expect(detectCiContext(event({ id: GITHUB.GITHUB_SHA, timestamp })).committedAt).toBe(
      timestamp,
    );
    // Another commit's time, a payload without one, no file, a broken file: none.
    expect(detectCiContext(event({ id: 'f'.repeat(40), timestamp })).committedAt).toBeNull();
    expect(detectCiContext(event(null)).committedAt).toBeNull();
    expect(
      detectCiContext({ ...GITHUB, GITHUB_EVENT_PATH: join(dir, 'missing.json') }).committedAt,
    ).toBeNull();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    expect(detectCiContext({ ...GITHUB, GITHUB_EVENT_PATH: broken }).committedAt).toBeNull();
    rmSync(dir, { recursive: true, force: true });
  });

  test('GitLab: CI_COMMIT_TIMESTAMP, sent only with the commit it belongs to', () => {
    const ctx = detectCiContext({ ...GITLAB, CI_COMMIT_TIMESTAMP: '2026-11-27T17:02:11+00:00' });
    expect(ctx.committedAt).toBe('2026-11-27T17:02:11+00:00');
    expect(withCiDefaults({ env: 'p', app: 'a', version: '1' }, ctx, NOW)).toMatchObject({
      request: { commit: GITLAB.CI_COMMIT_SHA, committedAt: '2026-11-27T17:02:11+00:00' },
      warnings: [],
    });
    const other = withCiDefaults({ env: 'p', app: 'a', version: '1', commit: 'abc1234' }, ctx, NOW);
    expect(other.request.committedAt).toBeUndefined();
    expect(other.warnings).toEqual([]);
    expect(detectCiContext(JENKINS).committedAt).toBeNull();
  });
});

// The server's rules: committedAt at most 5 minutes after deployedAt (or now), and not before 2000.
const NOW = Date.parse('2026-11-28T10:00:00Z');

describe('a derived commit time the server would refuse is left out, with a warning', () => {
  const derive = (committedAt: string, request: { deployedAt?: string } = {}) =>
    withCiDefaults(
      { env: 'p', app: 'a', version: '1', ...request },
      detectCiContext({ ...GITLAB, CI_COMMIT_TIMESTAMP: committedAt }),
      NOW,
    );

  test.each([
    // now + 5 min exactly, the same instant at +01:00, 2000-01-01 exactly: kept.
    ['2026-11-28T10:05:00Z'],
    ['2026-11-28T11:05:00+01:00'],
    ['2026-11-28T10:05:00.000Z'],
    ['2000-01-01T00:00:00Z'],
    ['2026-11-27 17:02:11+0000'],
  ])('kept: %s', (committedAt) => {
    expect(derive(committedAt)).toMatchObject({ request: { committedAt }, warnings: [] });
  });

  test.each([
    ['2026-11-28T10:05:00.001Z', 'it is more than 5 minutes in the future'],
    ['2026-11-28T10:05:01+00:00', 'it is more than 5 minutes in the future'],
    ['2099-01-01T00:00:00Z', 'it is more than 5 minutes in the future'],
    ['1970-01-01T00:00:00Z', 'it is before 2000-01-01T00:00:00Z'],
    // 1999-12-31T23:30:00Z
    ['2000-01-01T00:30:00+01:00', 'it is before 2000-01-01T00:00:00Z'],
    ['2026-02-30T10:00:00Z', 'it is not an ISO 8601 instant with a zone'],
    ['2026-11-27T17:02:11', 'it is not an ISO 8601 instant with a zone'],
    ['yesterday', 'it is not an ISO 8601 instant with a zone'],
  ])('left out: %s (%s)', (committedAt, why) => {
    const { request, warnings } = derive(committedAt);
    expect(request.committedAt).toBeUndefined();
    expect(request.commit).toBe(GITLAB.CI_COMMIT_SHA); // the rest is kept
    expect(warnings).toEqual([
      `committedAt ${JSON.stringify(committedAt)} from CI_COMMIT_TIMESTAMP left out of the request: ${why}, which the server refuses`,
    ]);
  });

  test("against the request's deployedAt when it has one, not the clock", () => {
    const deployedAt = { deployedAt: '2026-01-01T00:00:00Z' };
    expect(derive('2026-01-01T00:05:00Z', deployedAt).request.committedAt).toBe(
      '2026-01-01T00:05:00Z',
    );
    expect(derive('2026-01-01T00:06:00Z', deployedAt).warnings).toEqual([
      'committedAt "2026-01-01T00:06:00Z" from CI_COMMIT_TIMESTAMP left out of the request: it is more than 5 minutes after the deployment (deployedAt 2026-01-01T00:00:00Z), which the server refuses',
    ]);
    // A back-dated deployment of a commit made before it is fine, however old the deployment.
    expect(derive('2025-12-31T23:00:00Z', deployedAt).warnings).toEqual([]);
  });

  test('against now when the deployedAt is ahead of the clock: it takes effect at receipt', () => {
    // NOW is 10:00; a deployedAt of 10:04 takes effect at 10:00, so 10:05 is the latest commit.
    const ahead = { deployedAt: '2026-11-28T10:04:00Z' };
    expect(derive('2026-11-28T10:05:00Z', ahead).warnings).toEqual([]);
    expect(derive('2026-11-28T10:08:00Z', ahead).warnings).toEqual([
      'committedAt "2026-11-28T10:08:00Z" from CI_COMMIT_TIMESTAMP left out of the request: it is more than 5 minutes after the deployment, which takes effect now (deployedAt 2026-11-28T10:04:00Z is ahead of this clock), which the server refuses',
    ]);
  });

  test("GitHub's message names the push event's timestamp", () => {
    const dir = mkdtempSync(join(tmpdir(), 'svt-event-'));
    const path = join(dir, 'event.json');
    writeFileSync(
      path,
      JSON.stringify({ head_commit: { id: GITHUB.GITHUB_SHA, timestamp: '1970-01-01T00:00:00Z' } }),
    );
    const ctx = detectCiContext({ ...GITHUB, GITHUB_EVENT_PATH: path });
    expect(withCiDefaults({ env: 'p', app: 'a', version: '1' }, ctx, NOW).warnings).toEqual([
      `committedAt "1970-01-01T00:00:00Z" from the push event's head_commit.timestamp left out of the request: it is before 2000-01-01T00:00:00Z, which the server refuses`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a commit time the caller gave is sent as given: the server judges it', () => {
    const ctx = detectCiContext({ ...GITLAB, CI_COMMIT_TIMESTAMP: '2099-01-01T00:00:00Z' });
    expect(
      withCiDefaults(
        { env: 'p', app: 'a', version: '1', committedAt: '1970-01-01T00:00:00Z' },
        ctx,
        NOW,
      ),
    ).toMatchObject({ request: { committedAt: '1970-01-01T00:00:00Z' }, warnings: [] });
  });
});

test('CI defaults fill only what the caller left out', () => {
  const ctx = detectCiContext(GITLAB);
  expect(
    withCiDefaults({ env: 'prod', app: 'api', version: '1', actor: 'bob' }, ctx).request,
  ).toEqual({
    env: 'prod',
    app: 'api',
    version: '1',
    actor: 'bob',
    commit: GITLAB.CI_COMMIT_SHA,
    ref: 'main',
    pipelineUrl: GITLAB.CI_PIPELINE_URL,
    source: 'gitlab',
    repository: 'https://gitlab.example.com/acme/shop',
  });
  // A repository the caller names wins, as every other field.
  expect(
    withCiDefaults(
      { env: 'prod', app: 'api', version: '1', repository: 'https://github.com/acme/mirror' },
      ctx,
    ).request.repository,
  ).toBe('https://github.com/acme/mirror');
  expect(withCiDefaults({ env: 'p', app: 'a', version: '1' }, detectCiContext({}))).toEqual({
    request: { env: 'p', app: 'a', version: '1' },
    warnings: [],
  });
});

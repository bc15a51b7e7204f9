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
import { GITHUB, GITLAB, JENKINS } from '../helpers/ci-variables.js';

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

/**
 * `svt record` as a real process inside each CI, with the variables (and on
 * GitHub the event payload) the CI gives it, on the runs where the obvious
 * variable names a commit no one pushed or a ref that is no branch: pull
 * requests, GitLab merged results, Jenkins multibranch pull requests. And
 * the legs of a matrix job on every CI.
 */
import { describe, expect, test } from '@jest/globals';
import { githubEventContext } from '../helpers/github-events.js';
import { useListeningApp } from '../helpers/listen.js';
import { CLI, runNode } from '../helpers/run-node.js';

const svt = useListeningApp();
const svtCli = (args: string[], env: Record<string, string>) =>
  runNode(CLI, args, { SVT_URL: svt().url, ...env });
const latest = async (env: string) => (await svt().store.history({ env, limit: 10 })).items;

/** A GitLab merged results pipeline of merge request !42, feature/login into main. */
const MERGED_RESULT = {
  GITLAB_CI: 'true',
  CI: 'true',
  CI_PROJECT_PATH: 'acme/shop',
  CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
  CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
  CI_JOB_ID: '7781',
  CI_PIPELINE_SOURCE: 'merge_request_event',
  // The merge result GitLab made, and its time: no branch holds it.
  CI_COMMIT_SHA: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4',
  CI_COMMIT_SHORT_SHA: 'e3b0c442',
  CI_COMMIT_TIMESTAMP: '2026-11-28T09:00:00+00:00',
  CI_COMMIT_REF_NAME: 'feature/login',
  CI_MERGE_REQUEST_IID: '42',
  CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/login',
  // The author's head.
  CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
  CI_MERGE_REQUEST_PROJECT_PATH: 'acme/shop',
  CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'acme/shop',
};

/** A Jenkins multibranch build of pull request #42 (BRANCH_NAME is the job's, PR-42). */
const JENKINS_PR = {
  JENKINS_URL: 'https://jenkins.example.com/',
  JOB_NAME: 'shop/PR-42',
  BUILD_NUMBER: '3',
  BUILD_URL: 'https://jenkins.example.com/job/shop/job/PR-42/3/',
  BRANCH_NAME: 'PR-42',
  CHANGE_ID: '42',
  CHANGE_BRANCH: 'feature/login',
  CHANGE_TARGET: 'main',
  GIT_COMMIT: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d',
  GIT_URL: 'https://github.com/acme/shop.git',
};

describe('the commit that was built, the branch it came from', () => {
  test('GitHub pull_request: the head commit and branch from the event, the version from them', async () => {
    const run = await svtCli(
      ['record', '--env', 'cli-preview', '--app', 'shop'],
      githubEventContext('pull_request'),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await latest('cli-preview'))[0]).toMatchObject({
      version: 'ec26c3e',
      commit: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      ref: 'feature/checkout',
      source: 'github',
    });
  });

  test('GitLab merged results: the author’s head, even with --version given; its time is not the merge’s', async () => {
    const given = await svtCli(
      ['record', '--env', 'cli-mr', '--app', 'shop', '--version', '2.0.0-rc.1'],
      MERGED_RESULT,
    );
    expect(given.code).toBe(0);
    expect((await latest('cli-mr'))[0]).toMatchObject({
      version: '2.0.0-rc.1',
      commit: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      ref: 'feature/login',
      committedAt: null, // CI_COMMIT_TIMESTAMP is the merge result's
    });
    // No --version: the head's short SHA, 8 characters as GitLab writes them.
    const derived = await svtCli(['record', '--env', 'cli-mr-2', '--app', 'shop'], MERGED_RESULT);
    expect(derived.code).toBe(0);
    expect((await latest('cli-mr-2'))[0]).toMatchObject({
      version: '1a2b3c4d',
      commit: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
    });
    // From a fork: its branch named with its project.
    const fork = await svtCli(['record', '--env', 'cli-mr-fork', '--app', 'shop', '--dry-run'], {
      ...MERGED_RESULT,
      CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'alice/shop',
    });
    expect(fork.stdout).toContain('"ref": "alice/shop:feature/login"');
  });

  test('Jenkins multibranch pull request: CHANGE_BRANCH, not PR-42; a fork’s as fork:branch', async () => {
    const run = await svtCli(['record', '--env', 'cli-jenkins-pr', '--app', 'shop'], JENKINS_PR);
    expect(run.code).toBe(0);
    expect((await latest('cli-jenkins-pr'))[0]).toMatchObject({
      version: '0a1b2c3',
      commit: JENKINS_PR.GIT_COMMIT,
      ref: 'feature/login',
      source: 'jenkins',
    });
    const fork = await svtCli(['record', '--env', 'x', '--app', 'shop', '--dry-run'], {
      ...JENKINS_PR,
      CHANGE_FORK: 'contributor',
    });
    expect(fork.stdout).toContain('"ref": "contributor:feature/login"');
  });

  test('outside CI, --version is required: exit 2 and why', async () => {
    const run = await svtCli(['record', '--env', 'x', '--app', 'shop'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'svt: --version is required here: outside CI, or in a CI run that names no tag or commit, there is nothing to default to\n',
    );
  });
});

describe('every leg of a matrix records, a retried leg once', () => {
  const GITHUB_RUN = githubEventContext('workflow_run');
  // GitLab gives each leg of a parallel:matrix its own job; the legs below
  // share everything else, and set their region as a template would.
  const cases = [
    ['GitHub', GITHUB_RUN, GITHUB_RUN, 'flag'],
    [
      'GitLab',
      { ...MERGED_RESULT, CI_JOB_ID: '8001' },
      { ...MERGED_RESULT, CI_JOB_ID: '8002' },
      'variable',
    ],
    ['Jenkins', JENKINS_PR, JENKINS_PR, 'flag'],
  ] as const;

  test.each(cases)('%s', async (name, euEnv, usEnv, how) => {
    const env = `matrix-${name.toLowerCase()}`;
    const leg = (ci: Record<string, string>, region: string) =>
      svtCli(
        ['record', '--env', env, '--app', 'shop', '--version', '3.0.0'].concat(
          how === 'flag' ? ['--attr', `region=${region}`] : [],
        ),
        how === 'flag' ? ci : { ...ci, SVT_ATTRIBUTES: `region=${region}` },
      );
    const [eu, us] = await Promise.all([leg(euEnv, 'eu-west-1'), leg(usEnv, 'us-east-1')]);
    for (const run of [eu, us]) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const items = await latest(env);
    expect(items.map((d) => d.attributes.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    const again = await leg(euEnv, 'eu-west-1');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already recorded: shop 3\.0\.0 in matrix-/);
    expect(await latest(env)).toHaveLength(2);
  });
});

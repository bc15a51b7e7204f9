/**
 * The CI run the client finds itself in, read from the variables each CI
 * sets: GitHub Actions (`GITHUB_*`), GitLab CI (`CI_*`), Jenkins
 * (`BUILD_URL`, `GIT_COMMIT`, `JOB_NAME`, ...), or none. The only module
 * that knows those names; everything else asks it.
 */
import { githubContext } from './github-context.js';
export { defaultIdempotencyKey } from './idempotency-key.js';
import { repositoryWebUrl } from './repository.js';
import type { RecordDeploymentRequest } from './types.js';

export type CiProvider = 'github' | 'gitlab' | 'jenkins';

export interface CiContext {
  provider: CiProvider | null;
  /**
   * Full SHA of the commit the run built: one someone pushed, never a
   * merge commit the CI made to test a pull request (see the README's
   * "What is recorded for each event"). Null when the CI does not say.
   */
  commit: string | null;
  /** When that commit was made (ISO 8601), for lead time; null when the CI does not say. */
  committedAt: string | null;
  /** Where committedAt was read (`CI_COMMIT_TIMESTAMP`), for messages; null without one. */
  committedAtFrom: string | null;
  /**
   * The branch or tag that commit came from (`main`, `v1.4.2`, a pull
   * request's head branch, `owner:branch` for a fork's), never a CI's
   * temporary ref such as `42/merge` or `PR-42`.
   */
  ref: string | null;
  /** The tag name when the run is for a tag. */
  tag: string | null;
  /** Link to the run (GitHub), pipeline (GitLab) or build (Jenkins). */
  pipelineUrl: string | null;
  /** Who started it. */
  actor: string | null;
  /** `github`, `gitlab`, `jenkins`, or null outside CI. */
  source: string | null;
  /** Repository or project name (`owner/repo`, `group/project`, the Jenkins job). */
  project: string | null;
  /**
   * The repository's web page (`https://github.com/acme/api`): GitHub's
   * server URL and repository, GitLab's CI_PROJECT_URL, Jenkins' GIT_URL
   * made a web URL (repository.ts); never with credentials.
   */
  repository: string | null;
  /**
   * Identifies this job run and attempt: a re-run gets another one, a retry
   * of the same request the same one. Null outside CI.
   */
  runId: string | null;
}

type Env = Record<string, string | undefined>;

/** A variable's value, or null when unset or empty. */
function v(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value === '' ? null : value;
}

/**
 * GitLab: in a merged results or merge train pipeline CI_COMMIT_SHA is a
 * merge commit GitLab made to test the merge request (its commit time with
 * it); the commit the author pushed is CI_MERGE_REQUEST_SOURCE_BRANCH_SHA,
 * and in every merge request pipeline the branch is the source branch.
 */
function gitlab(env: Env): CiContext {
  const tag = v(env, 'CI_COMMIT_TAG');
  const jobId = v(env, 'CI_JOB_ID');
  const project = v(env, 'CI_PROJECT_PATH');
  const eventType = v(env, 'CI_MERGE_REQUEST_EVENT_TYPE');
  const headSha = v(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_SHA');
  const sha = v(env, 'CI_COMMIT_SHA');
  // Never the merge result: without the head's SHA, no commit at all.
  const merged =
    eventType === 'merged_result' ||
    eventType === 'merge_train' ||
    (headSha !== null && headSha !== sha);
  const commit = merged ? headSha : sha;
  const mrBranch = v(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME');
  const sourceProject = v(env, 'CI_MERGE_REQUEST_SOURCE_PROJECT_PATH');
  const targetProject = v(env, 'CI_MERGE_REQUEST_PROJECT_PATH') ?? project;
  // A fork's branch as `group/fork:branch`, so that its `main` is never taken for this one's.
  const fork = sourceProject !== null && sourceProject !== targetProject ? `${sourceProject}:` : '';
  return {
    provider: 'gitlab',
    commit,
    committedAt: merged ? null : v(env, 'CI_COMMIT_TIMESTAMP'),
    committedAtFrom: merged ? null : 'CI_COMMIT_TIMESTAMP',
    ref: tag ?? (mrBranch === null ? v(env, 'CI_COMMIT_REF_NAME') : `${fork}${mrBranch}`),
    tag,
    pipelineUrl: v(env, 'CI_PIPELINE_URL') ?? v(env, 'CI_JOB_URL'),
    actor: v(env, 'GITLAB_USER_LOGIN') ?? v(env, 'GITLAB_USER_NAME'),
    source: 'gitlab',
    project,
    repository: repositoryWebUrl(v(env, 'CI_PROJECT_URL')),
    // A retried GitLab job gets a new job id: one id is one job attempt.
    runId: jobId === null ? null : `${project ?? ''}/${jobId}`,
  };
}

function jenkins(env: Env): CiContext {
  const job = v(env, 'JOB_NAME');
  const build = v(env, 'BUILD_NUMBER');
  const tag = v(env, 'TAG_NAME');
  // A multibranch pull request build is `PR-42` in BRANCH_NAME; its branch
  // is CHANGE_BRANCH (CHANGE_FORK names the fork it lives in).
  const change = v(env, 'CHANGE_ID') === null ? null : v(env, 'CHANGE_BRANCH');
  const fork = v(env, 'CHANGE_FORK');
  // GIT_BRANCH is `origin/main` for a plain job, `main` in a multibranch one.
  const branch =
    change === null
      ? (v(env, 'BRANCH_NAME') ?? v(env, 'GIT_BRANCH')?.replace(/^origin\//, '') ?? null)
      : fork === null
        ? change
        : `${fork}:${change}`;
  return {
    provider: 'jenkins',
    commit: v(env, 'GIT_COMMIT'),
    // Jenkins has no variable for it: pass --committed-at (see the README).
    committedAt: null,
    committedAtFrom: null,
    ref: tag ?? branch,
    tag,
    pipelineUrl: v(env, 'BUILD_URL'),
    actor: v(env, 'BUILD_USER_ID'),
    source: 'jenkins',
    project: job,
    // The Git plugin's clone URL (SSH or HTTPS, maybe with credentials).
    repository: repositoryWebUrl(v(env, 'GIT_URL')),
    // A replayed or rebuilt Jenkins build gets a new number.
    runId: job === null || build === null ? null : `${job}/${build}`,
  };
}

const NONE: CiContext = {
  provider: null,
  commit: null,
  committedAt: null,
  committedAtFrom: null,
  ref: null,
  tag: null,
  pipelineUrl: null,
  actor: null,
  source: null,
  project: null,
  repository: null,
  runId: null,
};

/** The CI context of `env` (default: this process's environment). */
export function detectCiContext(env: Env = process.env): CiContext {
  if (v(env, 'GITHUB_ACTIONS') === 'true') return githubContext(env);
  if (v(env, 'GITLAB_CI') !== null) return gitlab(env);
  if (v(env, 'JENKINS_URL') !== null || v(env, 'JENKINS_HOME') !== null) return jenkins(env);
  return NONE;
}

/**
 * The version a CI run most likely deploys: its tag, else the commit's short
 * SHA as that CI writes it (GitLab's CI_COMMIT_SHORT_SHA has 8 characters,
 * git's and GitHub's 7).
 * @param commit the commit sent, when the caller names another one (default: the CI's)
 */
export function defaultVersion(ctx: CiContext, commit: string | null = ctx.commit): string | null {
  return ctx.tag ?? commit?.slice(0, ctx.provider === 'gitlab' ? 8 : 7) ?? null;
}

/** What withCiDefaults gives: the request to send, and what it left out and why. */
export interface CiDefaults {
  request: RecordDeploymentRequest;
  /** One sentence per derived value left out, naming the value and why; empty when none. */
  warnings: string[];
}

/** The server refuses a committedAt later than this after the deployment (its clock-skew allowance). */
const MAX_COMMIT_AFTER_DEPLOY_MS = 5 * 60 * 1000;
/** ... and one before this: no real commit is older (a zeroed clock gives 1970). */
const MIN_COMMITTED_AT = '2000-01-01T00:00:00Z';
const MIN_COMMITTED_MS = Date.parse(MIN_COMMITTED_AT);
/** An ISO 8601 instant that names its zone, in the forms the server accepts. */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Epoch ms of an ISO 8601 instant with a zone, or NaN. Strict where
 * `Date.parse` is not (it takes 2026-02-30 as March 2nd, and forms without
 * a zone as local time), so that a value kept here is one the server takes.
 */
function instantMs(text: string): number {
  const m = INSTANT.exec(text);
  if (m === null) return NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, oh = 0, om = 0] = [
    1, 2, 3, 4, 5, 6, 9, 10,
  ].map((group) => Number(m[group] ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  if (hour > 23 || minute > 59 || second > 59 || oh > 23 || om > 59) return NaN;
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}

/**
 * Why the server would refuse `committedAt` for a deployment at `deployedAt`
 * (the request's, else now), or null when it would take it: not an instant
 * with a zone, before 2000-01-01, or more than 5 minutes after the
 * deployment as it takes effect (a deployedAt ahead of the clock takes
 * effect at receipt, so the earlier of it and now).
 */
function committedAtProblem(
  committedAt: string,
  deployedAt: string | undefined,
  now: number,
): string | null {
  const commitMs = instantMs(committedAt);
  if (Number.isNaN(commitMs)) return 'it is not an ISO 8601 instant with a zone';
  if (commitMs < MIN_COMMITTED_MS) return `it is before ${MIN_COMMITTED_AT}`;
  // An unreadable deployedAt is the user's to fix: the server names it.
  const deployedMs = deployedAt === undefined ? NaN : instantMs(deployedAt);
  if (Number.isNaN(deployedMs)) {
    return commitMs > now + MAX_COMMIT_AFTER_DEPLOY_MS
      ? 'it is more than 5 minutes in the future'
      : null;
  }
  return commitMs > Math.min(deployedMs, now) + MAX_COMMIT_AFTER_DEPLOY_MS
    ? deployedMs > now
      ? `it is more than 5 minutes after the deployment, which takes effect now (deployedAt ${deployedAt} is ahead of this clock)`
      : `it is more than 5 minutes after the deployment (deployedAt ${deployedAt})`
    : null;
}

/**
 * `request` with the CI context's commit, ref, pipeline URL, actor, source
 * and repository filled in where the caller gave none; the commit time too, when the
 * commit is the CI's (a time of another commit would skew lead time) and the
 * server would take it. A derived commit time it would refuse (a committer's
 * clock in the future or at 1970) is left out with a warning, so a bad
 * value the user never typed cannot fail the pipeline; one the caller gave
 * in `request` is kept as given, for the server to judge.
 * @param now the client's clock, epoch ms (default: Date.now()), for a
 *   request without deployedAt
 */
export function withCiDefaults(
  request: RecordDeploymentRequest,
  ctx: CiContext,
  now: number = Date.now(),
): CiDefaults {
  const filled: RecordDeploymentRequest = { ...request };
  const warnings: string[] = [];
  if (filled.commit === undefined && ctx.commit !== null) filled.commit = ctx.commit;
  if (
    filled.committedAt === undefined &&
    ctx.committedAt !== null &&
    filled.commit === ctx.commit
  ) {
    const problem = committedAtProblem(ctx.committedAt, filled.deployedAt, now);
    if (problem === null) {
      filled.committedAt = ctx.committedAt;
    } else {
      warnings.push(
        `committedAt ${JSON.stringify(ctx.committedAt)} from ${ctx.committedAtFrom ?? 'the CI'} left out of the request: ${problem}, which the server refuses`,
      );
    }
  }
  if (filled.ref === undefined && ctx.ref !== null) filled.ref = ctx.ref;
  if (filled.pipelineUrl === undefined && ctx.pipelineUrl !== null) {
    filled.pipelineUrl = ctx.pipelineUrl;
  }
  if (filled.actor === undefined && ctx.actor !== null) filled.actor = ctx.actor;
  if (filled.source === undefined && ctx.source !== null) filled.source = ctx.source;
  if (filled.repository === undefined && ctx.repository !== null) {
    filled.repository = ctx.repository;
  }
  return { request: filled, warnings };
}

/**
 * The CI run the client finds itself in, read from the variables each CI
 * sets: GitHub Actions (`GITHUB_*`), GitLab CI (`CI_*`), Jenkins
 * (`BUILD_URL`, `GIT_COMMIT`, `JOB_NAME`, ...), or none. The only module
 * that knows those names; everything else asks it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { repositoryWebUrl } from './repository.js';
import type { DeploymentStatus, RecordDeploymentRequest } from './types.js';

export type CiProvider = 'github' | 'gitlab' | 'jenkins';

export interface CiContext {
  provider: CiProvider | null;
  /** Full commit SHA. */
  commit: string | null;
  /** When that commit was made (ISO 8601), for lead time; null when the CI does not say. */
  committedAt: string | null;
  /** Branch or tag name (`main`, `v1.4.2`). */
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
 * The commit time of GITHUB_SHA from the run's event payload: a push event
 * carries it as `head_commit.timestamp`; other events say nothing we can
 * trust about that commit.
 */
function githubCommittedAt(env: Env): string | null {
  const path = v(env, 'GITHUB_EVENT_PATH');
  if (path === null) return null;
  try {
    const event = JSON.parse(readFileSync(path, 'utf8')) as {
      head_commit?: { id?: unknown; timestamp?: unknown } | null;
    };
    const head = event.head_commit;
    return head?.id === v(env, 'GITHUB_SHA') && typeof head?.timestamp === 'string'
      ? head.timestamp
      : null;
  } catch {
    return null;
  }
}

function github(env: Env): CiContext {
  const server = v(env, 'GITHUB_SERVER_URL') ?? 'https://github.com';
  const repo = v(env, 'GITHUB_REPOSITORY');
  const runId = v(env, 'GITHUB_RUN_ID');
  const attempt = v(env, 'GITHUB_RUN_ATTEMPT') ?? '1';
  const refName = v(env, 'GITHUB_REF_NAME');
  return {
    provider: 'github',
    commit: v(env, 'GITHUB_SHA'),
    committedAt: githubCommittedAt(env),
    ref: refName,
    tag: v(env, 'GITHUB_REF_TYPE') === 'tag' ? refName : null,
    pipelineUrl:
      repo === null || runId === null
        ? null
        : `${server}/${repo}/actions/runs/${runId}${attempt === '1' ? '' : `/attempts/${attempt}`}`,
    actor: v(env, 'GITHUB_TRIGGERING_ACTOR') ?? v(env, 'GITHUB_ACTOR'),
    source: 'github',
    project: repo,
    repository: repo === null ? null : repositoryWebUrl(`${server}/${repo}`),
    runId:
      runId === null ? null : `${repo ?? ''}/${runId}/${attempt}/${v(env, 'GITHUB_JOB') ?? ''}`,
  };
}

function gitlab(env: Env): CiContext {
  const tag = v(env, 'CI_COMMIT_TAG');
  const jobId = v(env, 'CI_JOB_ID');
  const project = v(env, 'CI_PROJECT_PATH');
  return {
    provider: 'gitlab',
    commit: v(env, 'CI_COMMIT_SHA'),
    committedAt: v(env, 'CI_COMMIT_TIMESTAMP'),
    ref: tag ?? v(env, 'CI_COMMIT_REF_NAME'),
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
  // GIT_BRANCH is `origin/main` for a plain job, `main` in a multibranch one.
  const branch = v(env, 'BRANCH_NAME') ?? v(env, 'GIT_BRANCH')?.replace(/^origin\//, '') ?? null;
  return {
    provider: 'jenkins',
    commit: v(env, 'GIT_COMMIT'),
    // Jenkins has no variable for it: pass --committed-at (see the README).
    committedAt: null,
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
  if (v(env, 'GITHUB_ACTIONS') === 'true') return github(env);
  if (v(env, 'GITLAB_CI') !== null) return gitlab(env);
  if (v(env, 'JENKINS_URL') !== null || v(env, 'JENKINS_HOME') !== null) return jenkins(env);
  return NONE;
}

export interface KeyParts {
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
}

/**
 * The default Idempotency-Key: this job run and attempt, env, app, version
 * and status. A retried request dedupes; a new status (started, then
 * success) or a re-run job records anew. Null outside CI, where nothing
 * identifies a run: the caller can still pass a key of its own.
 */
export function defaultIdempotencyKey(ctx: CiContext, parts: KeyParts): string | null {
  if (ctx.runId === null || ctx.provider === null) return null;
  const digest = createHash('sha256')
    .update([ctx.runId, parts.env, parts.app, parts.version, parts.status].join('\n'))
    .digest('hex')
    .slice(0, 40);
  return `${ctx.provider}-${digest}`;
}

/** The version a CI run most likely deploys: its tag, else the short commit. */
export function defaultVersion(ctx: CiContext): string | null {
  return ctx.tag ?? ctx.commit?.slice(0, 7) ?? null;
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

/** Where each CI's commit time comes from, for messages. */
const COMMITTED_AT_FROM: Partial<Record<CiProvider, string>> = {
  github: "the push event's head_commit.timestamp",
  gitlab: 'CI_COMMIT_TIMESTAMP',
};

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
      const from =
        (ctx.provider === null ? undefined : COMMITTED_AT_FROM[ctx.provider]) ?? 'the CI';
      warnings.push(
        `committedAt ${JSON.stringify(ctx.committedAt)} from ${from} left out of the request: ${problem}, which the server refuses`,
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

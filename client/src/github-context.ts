/**
 * The GitHub Actions side of the CI context: which commit a run deployed and
 * the branch or tag it came from, read from the event payload where
 * GITHUB_SHA and GITHUB_REF name something else.
 *
 * GitHub sets GITHUB_SHA per event ("Events that trigger workflows"): on a
 * `pull_request` it is a temporary merge commit on `refs/pull/N/merge`, which
 * no one pushed and no branch holds; on `workflow_run`, `check_run`,
 * `check_suite` and `status` it is the default branch's last commit, not the
 * commit the event is about. The rule here: record the commit someone pushed
 * and the run was about, as the payload names it.
 */
import { readFileSync } from 'node:fs';
import type { CiContext } from './ci-context.js';
import { repositoryWebUrl } from './repository.js';

type Env = Record<string, string | undefined>;

/** What the run deployed: its commit, that commit's time, and the branch or tag it came from. */
export interface BuiltCommit {
  commit: string | null;
  committedAt: string | null;
  ref: string | null;
  /** The tag name, when the ref is a tag. */
  tag: string | null;
  /** Where the commit time was read, for messages. */
  committedAtFrom: string;
}

/** A variable's value, or null when unset or empty. */
function v(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value === '' ? null : value;
}

/** A JSON object's member, or undefined when the value is not an object. */
function at(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The payload at GITHUB_EVENT_PATH, or null when there is none or it is not JSON. */
function readEvent(env: Env): unknown {
  const path = v(env, 'GITHUB_EVENT_PATH');
  if (path === null) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** `head_commit.timestamp` when `head_commit.id` is `commit`: another commit's time would skew lead time. */
function timeOf(headCommit: unknown, commit: string | null): string | null {
  return commit !== null && text(at(headCommit, 'id')) === commit
    ? text(at(headCommit, 'timestamp'))
    : null;
}

/**
 * A branch name as people find it: `feature` in this repository, `owner:feature`
 * when it lives in a fork (GitHub's own notation, the pull request's
 * `head.label`), so that a fork's `main` is never taken for this one's.
 */
function branchOf(
  branch: string | null,
  headRepo: unknown,
  baseRepoName: string | null,
  label: string | null,
): string | null {
  if (branch === null) return null;
  const headName = text(at(headRepo, 'full_name'));
  if (headName === null) return label ?? branch; // the fork is gone: the label still names it
  if (baseRepoName === null || headName.toLowerCase() === baseRepoName.toLowerCase()) return branch;
  const owner = text(at(at(headRepo, 'owner'), 'login')) ?? headName.split('/')[0] ?? '';
  return `${owner}:${branch}`;
}

/** `refs/heads/main` -> `main`; other names as they are. */
function shortRef(ref: string | null): string | null {
  return ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
}

/** The events whose payload names the pull request it is about. */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/**
 * The commit a GitHub run deployed and where it came from:
 * - pull request events (`pull_request`, `pull_request_target`,
 *   `pull_request_review`, `pull_request_review_comment`): the pull
 *   request's head (`pull_request.head.sha`) and head branch
 *   (GITHUB_HEAD_REF; `owner:branch` from a fork); once merged
 *   (`types: [closed]`), the merge commit and the base branch, which is what
 *   landed;
 * - `workflow_run`: the triggering run's `head_sha` and `head_branch`;
 * - `check_run`, `check_suite`: their `head_sha` and head branch;
 * - `status`: its `sha`, and its branch when only one holds it;
 * - `merge_group`: the group's commit (GITHUB_SHA, what the queue lands
 *   on the base branch) and the base branch, not the temporary
 *   `gh-readonly-queue/...` one;
 * - every other event (push, tags, releases, manual runs, schedules,
 *   deployments): GITHUB_SHA and GITHUB_REF_NAME.
 * A pull request event without a readable payload gives no commit at all
 * rather than the merge commit.
 */
export function githubBuiltCommit(env: Env): BuiltCommit {
  const eventName = v(env, 'GITHUB_EVENT_NAME') ?? '';
  const event = readEvent(env);
  const sha = v(env, 'GITHUB_SHA');
  const repo = v(env, 'GITHUB_REPOSITORY');
  const none = { committedAt: null, tag: null, committedAtFrom: 'the event' };

  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = at(event, 'pull_request');
    const merged = at(pr, 'merged') === true ? text(at(pr, 'merge_commit_sha')) : null;
    if (merged !== null) {
      return { ...none, commit: merged, ref: text(at(at(pr, 'base'), 'ref')) };
    }
    const head = at(pr, 'head');
    const branch = text(at(head, 'ref')) ?? v(env, 'GITHUB_HEAD_REF');
    return {
      ...none,
      commit: text(at(head, 'sha')),
      ref: branchOf(
        branch,
        at(head, 'repo'),
        text(at(at(at(pr, 'base'), 'repo'), 'full_name')) ?? repo,
        text(at(head, 'label')),
      ),
    };
  }
  if (eventName === 'workflow_run') {
    const run = at(event, 'workflow_run');
    const commit = text(at(run, 'head_sha'));
    return {
      commit,
      committedAt: timeOf(at(run, 'head_commit'), commit),
      committedAtFrom: "the workflow_run event's head_commit.timestamp",
      ref: branchOf(text(at(run, 'head_branch')), at(run, 'head_repository'), repo, null),
      tag: null,
    };
  }
  if (eventName === 'check_suite' || eventName === 'check_run') {
    const suite =
      eventName === 'check_suite'
        ? at(event, 'check_suite')
        : at(at(event, 'check_run'), 'check_suite');
    const commit = text(
      at(eventName === 'check_suite' ? suite : at(event, 'check_run'), 'head_sha'),
    );
    return {
      commit,
      committedAt: timeOf(at(suite, 'head_commit'), commit),
      committedAtFrom: "the check_suite's head_commit.timestamp",
      ref: text(at(suite, 'head_branch')),
      tag: null,
    };
  }
  if (eventName === 'status') {
    const branches = at(event, 'branches');
    const only = Array.isArray(branches) && branches.length === 1 ? branches[0] : undefined;
    return { ...none, commit: text(at(event, 'sha')), ref: text(at(only, 'name')) };
  }
  if (eventName === 'merge_group') {
    const group = at(event, 'merge_group');
    return {
      commit: sha,
      committedAt: timeOf(at(group, 'head_commit'), sha),
      committedAtFrom: "the merge_group event's head_commit.timestamp",
      ref: shortRef(text(at(group, 'base_ref'))) ?? v(env, 'GITHUB_REF_NAME'),
      tag: null,
    };
  }
  const refName = v(env, 'GITHUB_REF_NAME');
  return {
    commit: sha,
    // A push event carries its head commit's time; other events say nothing we can trust.
    committedAt: timeOf(at(event, 'head_commit'), sha),
    committedAtFrom: "the push event's head_commit.timestamp",
    ref: refName,
    tag: v(env, 'GITHUB_REF_TYPE') === 'tag' ? refName : null,
  };
}

/** The CI context of a GitHub Actions run (GITHUB_ACTIONS=true). */
export function githubContext(env: Env): CiContext {
  const server = v(env, 'GITHUB_SERVER_URL') ?? 'https://github.com';
  const repo = v(env, 'GITHUB_REPOSITORY');
  const runId = v(env, 'GITHUB_RUN_ID');
  const attempt = v(env, 'GITHUB_RUN_ATTEMPT') ?? '1';
  const built = githubBuiltCommit(env);
  return {
    provider: 'github',
    commit: built.commit,
    committedAt: built.committedAt,
    committedAtFrom: built.committedAtFrom,
    ref: built.ref,
    tag: built.tag,
    pipelineUrl:
      repo === null || runId === null
        ? null
        : `${server}/${repo}/actions/runs/${runId}${attempt === '1' ? '' : `/attempts/${attempt}`}`,
    actor: v(env, 'GITHUB_TRIGGERING_ACTOR') ?? v(env, 'GITHUB_ACTOR'),
    source: 'github',
    project: repo,
    // The base repository, also for a fork's pull request: GitHub keeps its
    // head at refs/pull/N/head there, so links to the commit resolve.
    repository: repo === null ? null : repositoryWebUrl(`${server}/${repo}`),
    runId:
      runId === null ? null : `${repo ?? ''}/${runId}/${attempt}/${v(env, 'GITHUB_JOB') ?? ''}`,
  };
}

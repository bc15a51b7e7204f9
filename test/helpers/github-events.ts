/**
 * The GitHub context of a run for each event in test/fixtures/github-events:
 * the payload file, and the variables GitHub sets beside it, as "Events that
 * trigger workflows" gives them (GITHUB_SHA is the merge commit on a pull
 * request, the default branch's last commit on a workflow_run...).
 */
import { join } from 'node:path';
import { GITHUB_CONTEXT } from './github-runner.js';
import { ROOT } from './run-node.js';

export const EVENTS_DIR = join(ROOT, 'test', 'fixtures', 'github-events');

/** The default branch's last commit: GITHUB_SHA of events that run on the default branch. */
export const DEFAULT_BRANCH_SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

const onDefaultBranch = {
  GITHUB_SHA: DEFAULT_BRANCH_SHA,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
};

/** Variables per event, beside GITHUB_CONTEXT's (repository acme/shop, run 912345). */
export const EVENT_VARIABLES = {
  pull_request: {
    file: 'pull_request.synchronize.json',
    GITHUB_SHA: 'c0ffee0a1b2c3d4e5f60718293a4b5c6d7e8f901', // the temporary merge commit
    GITHUB_REF: 'refs/pull/42/merge',
    GITHUB_REF_NAME: '42/merge',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_HEAD_REF: 'feature/checkout',
    GITHUB_BASE_REF: 'main',
  },
  pull_request_target: {
    file: 'pull_request_target.opened-from-fork.json',
    ...onDefaultBranch,
    GITHUB_HEAD_REF: 'main', // the fork's main
    GITHUB_BASE_REF: 'main',
  },
  merged: {
    file: 'pull_request.closed-merged.json',
    // A merged pull request: the merge commit, on the branch it was merged into.
    GITHUB_SHA: 'b1946ac92492d2347c6235b4d2611184b1946ac9',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_HEAD_REF: 'feature/invoices',
    GITHUB_BASE_REF: 'main',
  },
  workflow_run: { file: 'workflow_run.completed.json', ...onDefaultBranch },
  merge_group: {
    file: 'merge_group.checks_requested.json',
    GITHUB_SHA: '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d',
    GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64',
    GITHUB_REF_NAME: 'gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64',
    GITHUB_REF_TYPE: 'branch',
  },
  check_suite: { file: 'check_suite.completed.json', ...onDefaultBranch },
  status: { file: 'status.json', ...onDefaultBranch },
} as const;

export type EventKey = keyof typeof EVENT_VARIABLES;

/** GITHUB_CONTEXT for a run triggered by `key`'s event (`merged` is a closed, merged pull_request). */
export function githubEventContext(key: EventKey): Record<string, string> {
  const { file, ...variables } = EVENT_VARIABLES[key];
  return {
    ...GITHUB_CONTEXT,
    ...variables,
    GITHUB_EVENT_NAME: key === 'merged' ? 'pull_request' : key,
    GITHUB_EVENT_PATH: join(EVENTS_DIR, file),
  };
}

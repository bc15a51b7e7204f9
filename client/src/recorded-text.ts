/**
 * One line that says what a write did, for people: the CLI's `svt record`,
 * the GitHub Action's log and job summary, and so the GitLab job's log. The
 * words are the server's Slack webhook text (server/src/webhook-formats.ts
 * `recordedText`), so a deployment reads the same in a pipeline and in a
 * channel; the server keeps its own copy because it imports only types from
 * this package.
 */
import type { RecordDeploymentResponse } from './types.js';

type Answer = Pick<RecordDeploymentResponse, 'deployment' | 'previous' | 'current'> &
  Partial<Pick<RecordDeploymentResponse, 'currentDeployment'>>;

/**
 * `api 2.0.0 deployed to prod (was 1.9.0)`, `api 1.9.0 rolled back to prod
 * (was 2.0.0)`, `api 1.8.0 recorded in prod, but not current: 2.0.0 runs
 * there, deployed later`, `api 2.1.0 deployment started in prod (2.0.0 runs
 * there)`, `api 2.1.0 failed in prod (nothing succeeded there yet)`. A first
 * success there says so, where the webhook says nothing.
 */
export function recordedText({
  deployment: d,
  previous,
  current,
  currentDeployment,
}: Answer): string {
  const runs =
    currentDeployment == null
      ? 'nothing succeeded there yet'
      : `${currentDeployment.version} runs there`;
  if (d.status === 'started') {
    return `${d.app} ${d.version} deployment started in ${d.env} (${runs})`;
  }
  if (d.status !== 'success') {
    const what = d.status === 'failure' ? 'failed' : 'rolled back';
    return `${d.app} ${d.version} ${what} in ${d.env} (${runs})`;
  }
  if (!current) {
    return `${d.app} ${d.version} recorded in ${d.env}, but not current: ${runs}, deployed later`;
  }
  const what = d.rollback ? 'rolled back to' : 'deployed to';
  const was = previous === null ? 'the first success there' : `was ${previous.version}`;
  return `${d.app} ${d.version} ${what} ${d.env} (${was})`;
}

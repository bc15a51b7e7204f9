/**
 * What an app's latest attempt says beside what runs: the environment page,
 * its API answer (`attempts`, which `svt list` prints) and the badge agree
 * on it. `started` is a deployment in progress, not a failure: only
 * `failure` and `rolled_back` warn.
 */
import type { Deployment } from '@svt/client';

export type AttemptKind = 'in_progress' | 'failed' | 'rolled_back';

/**
 * The latest attempts that are not the current deployment, from a store's
 * `latest()`: a latest success is always current, so these are exactly the
 * latest deployments whose status is not success. Ordered as given.
 */
export function openAttempts(latest: readonly Deployment[]): Deployment[] {
  return latest.filter((d) => d.status !== 'success');
}

/** How a non-success attempt reads: in progress (started), failed, or rolled back. */
export function attemptKind(d: Deployment): AttemptKind {
  return d.status === 'started'
    ? 'in_progress'
    : d.status === 'rolled_back'
      ? 'rolled_back'
      : 'failed';
}

/**
 * When the client tries again, and how long it waits. Pure functions, so
 * that the policy is tested without a clock.
 *
 * A write is safe to repeat because every attempt carries the same body and
 * the same Idempotency-Key: the server records it once.
 */

/** Statuses worth another attempt: timeout, a duplicate still in flight, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface BackoffOptions {
  /** First delay's upper bound, ms. Default 500. */
  baseMs: number;
  /** Largest delay, ms. Default 10,000. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 10_000 };

/**
 * Exponential backoff with full jitter (a uniform draw in [0, base * 2^n],
 * capped): many pipelines failing at once do not come back in step.
 * `attempt` counts from 1 (the delay after the first failure).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A Retry-After header in ms (delta-seconds or an HTTP date), or null when
 * absent or unreadable. A date in the past means now.
 */
export function parseRetryAfter(
  header: string | undefined,
  now: number = Date.now(),
): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[a-z]/i.test(value)) return null;
  return Math.max(0, at - now);
}

/**
 * The wait before the next attempt: what the server asked for when it said,
 * else the jittered backoff, cut to the time that remains so that a last
 * attempt is made at the deadline (a budget of 10 s tries for 10 s, not
 * until a draw happens to overshoot). Null when no time remains, or when
 * the server asked for a wait past the deadline: then the caller gives up
 * now instead of sleeping in vain.
 * @param remainingMs time left for waiting before a last attempt, ms
 */
export function nextDelay(
  attempt: number,
  retryAfterMs: number | null,
  remainingMs: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | null {
  if (remainingMs <= 0) return null;
  if (retryAfterMs !== null) return retryAfterMs < remainingMs ? retryAfterMs : null;
  return Math.min(backoffDelay(attempt, options, random), remainingMs);
}

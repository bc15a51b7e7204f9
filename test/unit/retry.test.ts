import { describe, expect, test } from '@jest/globals';
import {
  backoffDelay,
  isRetryableStatus,
  nextDelay,
  parseRetryAfter,
} from '../../client/src/retry.js';

describe('retry policy', () => {
  test('retries timeouts, in-flight duplicates, rate limits and server errors only', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504]) {
      expect(isRetryableStatus(status)).toBe(true);
    }
    for (const status of [400, 401, 403, 404, 405, 413, 415, 422]) {
      expect(isRetryableStatus(status)).toBe(false);
    }
  });

  test('backoff is a full-jitter draw under an exponential, capped ceiling', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    const top = () => 0.999999;
    expect(backoffDelay(1, options, top)).toBe(99);
    expect(backoffDelay(2, options, top)).toBe(199);
    expect(backoffDelay(3, options, top)).toBe(399);
    expect(backoffDelay(5, options, top)).toBe(999); // capped
    expect(backoffDelay(40, options, top)).toBe(999);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  test('Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-1', now)).toBeNull();
  });

  test("the server's Retry-After wins over backoff; a wait past the deadline gives up", () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(nextDelay(1, 2000, 5000, options, () => 0.5)).toBe(2000);
    expect(nextDelay(1, null, 5000, options, () => 0.5)).toBe(50);
    expect(nextDelay(1, 6000, 5000, options, () => 0.5)).toBeNull();
    expect(nextDelay(4, null, 0, options, () => 0.5)).toBeNull();
    expect(nextDelay(4, null, -20, options, () => 0.5)).toBeNull();
  });

  test('a backoff draw past the deadline is cut short: the last attempt is made at the deadline', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    // Attempt 4 draws up to 800 ms; 0.5 gives 400. With 100 ms left, it waits those 100.
    expect(nextDelay(4, null, 100, options, () => 0.5)).toBe(100);
    expect(nextDelay(4, null, 399, options, () => 0.5)).toBe(399);
    expect(nextDelay(4, null, 401, options, () => 0.5)).toBe(400);
  });
});

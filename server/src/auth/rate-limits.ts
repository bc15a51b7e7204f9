/**
 * Two limits, per minute, in this process's memory: writes per token (or
 * per address without one), and failed authentications per address. Both
 * answer 429 with Retry-After and RateLimit-* headers. Several instances
 * behind a load balancer each keep their own count.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem } from '../errors.js';

function limitHeaders(limit: number, res: RateLimiterRes): Record<string, string> {
  const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
    'RateLimit-Reset': String(reset),
  };
}

function tooMany(what: string, limit: number, res: RateLimiterRes): HttpProblem {
  const headers = limitHeaders(limit, res);
  return new HttpProblem(429, {
    code: 'rate-limited',
    title: 'Too many requests',
    detail: `${what}: at most ${limit} a minute; retry in ${headers['RateLimit-Reset']} s`,
    headers: { ...headers, 'Retry-After': headers['RateLimit-Reset'] ?? '60' },
  });
}

export class Limits {
  private readonly writes: RateLimiterMemory | null;
  private readonly failures: RateLimiterMemory | null;

  constructor(
    private readonly writesPerMinute: number,
    private readonly failuresPerMinute: number,
  ) {
    this.writes =
      writesPerMinute > 0 ? new RateLimiterMemory({ points: writesPerMinute, duration: 60 }) : null;
    this.failures =
      failuresPerMinute > 0
        ? new RateLimiterMemory({ points: failuresPerMinute, duration: 60 })
        : null;
  }

  /**
   * Counts one write for `key`; throws 429 past the limit. (The RateLimit-*
   * headers go on the 429 only: on every write they cost measurable ingest.)
   */
  async write(key: string): Promise<void> {
    if (this.writes === null) return;
    try {
      await this.writes.consume(key);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw tooMany('writes', this.writesPerMinute, res);
      throw res;
    }
  }

  /** Throws 429 while `address` has used up its failed authentications. */
  async checkFailures(address: string): Promise<void> {
    if (this.failures === null) return;
    const res = await this.failures.get(address);
    if (res !== null && res.remainingPoints <= 0) {
      throw tooMany('failed authentications from this address', this.failuresPerMinute, res);
    }
  }

  /** Counts one failed authentication of `address`. */
  async failure(address: string): Promise<void> {
    if (this.failures === null) return;
    await this.failures.penalty(address, 1);
  }
}

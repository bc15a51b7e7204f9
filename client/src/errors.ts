import type { Problem } from './types.js';

/** What the client gives up on. */
export interface SvtErrorDetails {
  /** HTTP status of the last answer; null when no answer came (network error, timeout, TLS certificate refused). */
  status: number | null;
  /** The problem+json body of the last answer, when it had one. */
  problem: Problem | null;
  /**
   * True when the failure was transient (network, 408, 409, 429, 5xx) and
   * retries ran out; false for a refusal, and for a TLS certificate error
   * (status null), which is not retried.
   */
  transient: boolean;
  /** Attempts made, the first included. */
  attempts: number;
  cause?: unknown;
}

/**
 * The one error the client throws. `status` and `problem` say what the
 * server answered; `transient` tells a refusal (fix the request) from an
 * outage (try later), which the CLI maps to exit codes 1 and 3. No answer
 * at all (status null) is exit code 3 too, retried or not.
 */
export class SvtError extends Error {
  override readonly name = 'SvtError';
  readonly status: number | null;
  readonly problem: Problem | null;
  readonly transient: boolean;
  readonly attempts: number;

  constructor(message: string, details: SvtErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.problem = details.problem;
    this.transient = details.transient;
    this.attempts = details.attempts;
  }

  /** The problem's code (`urn:svt:problem:<code>`), e.g. `validation`; null if none. */
  get code(): string | null {
    const type = this.problem?.type ?? '';
    return type.startsWith('urn:svt:problem:') ? type.slice('urn:svt:problem:'.length) : null;
  }
}

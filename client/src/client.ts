/**
 * SvtClient: the typed SVT API over @actions/http-client, with the retry
 * loop that library leaves out (it never retries a POST, nor a network
 * error). Speaks HTTP only: no CLI, no CI runner API.
 */
import { HttpClient } from '@actions/http-client';
import { SvtError } from './errors.js';
import { DEFAULT_BACKOFF, isRetryableStatus, nextDelay, parseRetryAfter } from './retry.js';
import { certificateProblem } from './tls-errors.js';
import type { BackoffOptions } from './retry.js';
import type {
  AppList,
  AppState,
  ChangesPage,
  Comparison,
  Deployment,
  DoraReport,
  DeploymentStatus,
  EnvironmentList,
  EnvironmentState,
  HistoryPage,
  Problem,
  RecordDeploymentRequest,
  RecordDeploymentResponse,
} from './types.js';

export interface SvtClientOptions {
  /** The server's base URL, e.g. `https://svt.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /** Time allowed for one attempt, ms. Default 10,000. */
  timeoutMs?: number | undefined;
  /** Time allowed for the whole call, retries included, ms. Default 120,000. */
  deadlineMs?: number | undefined;
  /** Backoff between attempts. Default: 500 ms doubling, capped at 10 s, full jitter. */
  backoff?: BackoffOptions | undefined;
  /** User-Agent header. Default `svt-client`. */
  userAgent?: string | undefined;
  /** Told before each retry, e.g. to log a warning. */
  onRetry?: ((retry: RetryNotice) => void) | undefined;
}

export interface RetryNotice {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Wait before the next attempt, ms. */
  delayMs: number;
  /** What went wrong, in words. */
  reason: string;
}

export interface RecordOptions {
  /** Sent as `Idempotency-Key`: the same key twice records once. */
  idempotencyKey?: string | undefined;
}

/** The answer to a write, and whether it was a replay of an earlier one with the same key. */
export interface RecordOutcome extends RecordDeploymentResponse {
  replayed: boolean;
}

export interface HistoryFilters {
  env?: string | undefined;
  app?: string | undefined;
  status?: DeploymentStatus | undefined;
  /** Instant, inclusive. */
  since?: string | undefined;
  /** Instant, exclusive. */
  until?: string | undefined;
  /** 1-100, default 50. */
  limit?: number | undefined;
  /** `next` of the previous page. */
  cursor?: string | undefined;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const segment = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function problemOf(text: string): Problem | null {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'status' in body && 'title' in body) {
      return body as Problem;
    }
  } catch {
    // Not JSON (a proxy's HTML error page): the status says enough.
  }
  return null;
}

/** One line for a server's answer: status, title, detail, each field error. */
function describe(status: number, problem: Problem | null): string {
  if (problem === null) return `HTTP ${status}`;
  const fields = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  const detail = fields.length > 0 ? fields.join('; ') : (problem.detail ?? '');
  return `${status} ${problem.title}${detail === '' ? '' : `: ${detail}`}`;
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === undefined || err.message.includes(code)
      ? err.message
      : `${code}: ${err.message}`;
  }
  return String(err);
}

/** An attempt with less time than this left is not worth making. */
const MIN_ATTEMPT_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SvtClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly backoff: BackoffOptions;
  private readonly userAgent: string;

  constructor(private readonly options: SvtClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(
        `server URL must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(
        `server URL must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`,
      );
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.deadlineMs = options.deadlineMs ?? 120_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.userAgent = options.userAgent ?? 'svt-client';
  }

  /** Records a deployment (`POST /api/v1/deployments`). */
  async record(
    request: RecordDeploymentRequest,
    options: RecordOptions = {},
  ): Promise<RecordOutcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    // Serialised once: every attempt sends the very same bytes.
    const answer = await this.call('POST', '/api/v1/deployments', JSON.stringify(request), headers);
    // A 1.0 server says nothing of `current`: then only a success could have
    // become current. Before 1.2 no server sends `links` (nor `repository`).
    const body = parseBody<
      Omit<RecordDeploymentResponse, 'current' | 'links'> &
        Partial<Pick<RecordDeploymentResponse, 'current' | 'links'>>
    >(answer);
    return {
      ...body,
      deployment: { ...body.deployment, repository: body.deployment.repository ?? null },
      current: body.current ?? body.deployment.status === 'success',
      links: body.links ?? { commit: null, changes: null },
      replayed: answer.headers['idempotent-replayed'] === 'true',
    };
  }

  /** What runs in `env` now, or at instant `at`, with each app's open attempt. */
  async current(env: string, options: { at?: string | undefined } = {}): Promise<EnvironmentState> {
    const state = await this.get<Omit<EnvironmentState, 'attempts'> & { attempts?: Deployment[] }>(
      `/api/v1/environments/${segment(env)}${query({ at: options.at })}`,
    );
    // A 1.0 server lists no attempts.
    return { ...state, attempts: state.attempts ?? [] };
  }

  /** One page of history, newest first. */
  history(filters: HistoryFilters = {}): Promise<HistoryPage> {
    return this.get(`/api/v1/deployments${query({ ...filters })}`);
  }

  /** Every deployment event in `env` from `since` (inclusive) to `until` (exclusive, default now), newest first. */
  changes(
    env: string,
    window: {
      since: string;
      until?: string | undefined;
      limit?: number | undefined;
      cursor?: string | undefined;
    },
  ): Promise<ChangesPage> {
    return this.get(`/api/v1/changes${query({ env, ...window })}`);
  }

  environments(): Promise<EnvironmentList> {
    return this.get('/api/v1/environments');
  }

  apps(): Promise<AppList> {
    return this.get('/api/v1/apps');
  }

  /** An app's current deployment in every environment. */
  app(name: string): Promise<AppState> {
    return this.get(`/api/v1/apps/${segment(name)}`);
  }

  /** Every app of two environments side by side, now or at instant `at`. */
  compare(
    from: string,
    to: string,
    options: { at?: string | undefined } = {},
  ): Promise<Comparison> {
    return this.get(`/api/v1/compare${query({ from, to, at: options.at })}`);
  }

  /** DORA figures of an environment and/or an app over a window (default 30d) ending now or at `until`. */
  dora(
    filters: {
      env?: string | undefined;
      app?: string | undefined;
      window?: string | undefined;
      until?: string | undefined;
    } = {},
  ): Promise<DoraReport> {
    return this.get(`/api/v1/dora${query({ ...filters })}`);
  }

  private async get<T>(path: string): Promise<T> {
    const answer = await this.call('GET', path, undefined, { accept: 'application/json' });
    return parseBody<T>(answer);
  }

  /**
   * Sends until a 2xx, a refusal, or the deadline; throws SvtError on the
   * last two, and at once on a TLS certificate error (no retry fixes one).
   */
  private async call(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const url = `${this.baseUrl}${path}`;
    const started = Date.now();
    const allHeaders = { ...headers };
    if (this.options.token !== undefined && this.options.token !== '') {
      allHeaders.authorization = `Bearer ${this.options.token}`;
    }
    for (let attempt = 1; ; attempt++) {
      const remaining = started + this.deadlineMs - Date.now();
      let answer: Answer | undefined;
      let failure: unknown;
      try {
        answer = await this.attempt(
          method,
          url,
          body,
          allHeaders,
          Math.min(this.timeoutMs, remaining),
        );
      } catch (err) {
        failure = err;
      }
      if (answer !== undefined && answer.status >= 200 && answer.status < 300) return answer;
      if (answer !== undefined && answer.status >= 300 && answer.status < 400) {
        // Not followed: a POST must not be replayed somewhere the user did not name.
        const location = header(answer.headers.location) ?? 'nowhere';
        throw new SvtError(
          `SVT at ${this.baseUrl} redirects (${answer.status}) to ${location}: use that server URL`,
          { status: answer.status, problem: null, transient: false, attempts: attempt },
        );
      }

      // A certificate no retry can fix: say so now, not when the deadline is spent.
      const certificate = answer === undefined ? certificateProblem(failure) : null;
      if (certificate !== null) {
        throw new SvtError(`SVT at ${this.baseUrl} cannot be reached safely: ${certificate}`, {
          status: null,
          problem: null,
          transient: false,
          attempts: attempt,
          cause: failure,
        });
      }
      const problem = answer === undefined ? null : problemOf(answer.text);
      if (answer !== undefined && !isRetryableStatus(answer.status)) {
        throw new SvtError(`SVT refused the request: ${describe(answer.status, problem)}`, {
          status: answer.status,
          problem,
          transient: false,
          attempts: attempt,
        });
      }
      const reason = answer === undefined ? reasonOf(failure) : describe(answer.status, problem);
      const retryAfter =
        answer === undefined ? null : parseRetryAfter(header(answer.headers['retry-after']));
      // Leave the next attempt some time of its own, or give up now.
      const delay = nextDelay(
        attempt,
        retryAfter,
        started + this.deadlineMs - Date.now() - MIN_ATTEMPT_MS,
        this.backoff,
      );
      if (delay === null) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw new SvtError(
          `SVT at ${this.baseUrl} is unreachable or failing: ${reason} (${attempt} attempt${attempt === 1 ? '' : 's'} in ${seconds} s)`,
          {
            status: answer?.status ?? null,
            problem,
            transient: true,
            attempts: attempt,
            cause: failure,
          },
        );
      }
      this.options.onRetry?.({ attempt, delayMs: delay, reason });
      await sleep(delay);
    }
  }

  /**
   * One request with its own timeout. Each attempt has its own HttpClient
   * so that an attempt given up on is torn down (its socket destroyed)
   * instead of lingering and keeping the process alive.
   */
  private async attempt(
    method: string,
    url: string,
    body: string | undefined,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<Answer> {
    const http = new HttpClient(this.userAgent, [], {
      socketTimeout: Math.max(1, timeoutMs),
      allowRetries: false,
      allowRedirects: false,
      keepAlive: false,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${(timeoutMs / 1000).toFixed(1)} s`)),
        Math.max(0, timeoutMs),
      );
    });
    const exchange = (async (): Promise<Answer> => {
      const res = await http.request(method, url, body ?? null, headers);
      const text = await res.readBody();
      return { status: res.message.statusCode ?? 0, headers: res.message.headers, text };
    })();
    // The loser of the race must not surface as an unhandled rejection.
    exchange.catch(() => undefined);
    try {
      return await Promise.race([exchange, timeout]);
    } finally {
      clearTimeout(timer);
      http.dispose();
    }
  }
}

/** A 2xx body as JSON; anything else (a proxy's page) is an error, not a crash. */
function parseBody<T>(answer: Answer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new SvtError(
      `SVT answered ${answer.status} with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 80))}`,
      { status: answer.status, problem: null, transient: false, attempts: 1 },
    );
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The CLI's settings, parsed in one place from flags and the environment.
 * A bad value is a UsageError (exit 2) naming the flag, what it got and
 * what it expects; what the server alone can judge (name rules, URLs) is
 * left to the server, whose refusal the CLI prints.
 */
import { defaultIdempotencyKey, defaultVersion, withCiDefaults } from '../ci-context.js';
import type { CiContext } from '../ci-context.js';
import { repositoryWebUrl } from '../repository.js';
import type { AttributeValue, DeploymentStatus, RecordDeploymentRequest } from '../types.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const STATUSES: readonly DeploymentStatus[] = [
  'success',
  'failure',
  'started',
  'rolled_back',
];

/**
 * How long a command keeps trying, retries included, as `--help` shows it.
 * A record from CI rides out a server restart; a person reading wants an
 * answer, or an error naming the server, within seconds.
 */
export const DEFAULT_TIMEOUT = { record: '120s', read: '10s' } as const;

/** Where the server is and how long to keep trying. */
export interface Connection {
  baseUrl: string;
  /** Undefined when none is given or it is empty: then no Authorization header is sent. */
  token: string | undefined;
  /** Total time for the call, retries included, ms. */
  deadlineMs: number;
}

export interface ConnectionFlags {
  server?: string | undefined;
  token?: string | undefined;
  timeout?: string | undefined;
}

type Env = Record<string, string | undefined>;

/**
 * `--server`/`SVT_URL`, `--token`/`SVT_TOKEN`, `--timeout` (a duration,
 * see parseDuration; `fallbackTimeout` when not given). A token of only
 * whitespace counts as none, as an empty one does: a CI variable that is
 * set but empty must not become `Authorization: Bearer `, which the server
 * refuses, while no header at all is accepted from loopback before any
 * token exists. Surrounding whitespace (a token read from a file with its
 * newline) is dropped.
 * @throws UsageError naming the flag or variable at fault
 */
export function parseConnection(
  flags: ConnectionFlags,
  env: Env,
  fallbackTimeout: string = DEFAULT_TIMEOUT.record,
): Connection {
  const baseUrl = flags.server ?? env.SVT_URL ?? '';
  if (baseUrl === '') {
    throw new UsageError(
      'no server: pass --server <url> or set SVT_URL (e.g. http://127.0.0.1:5000)',
    );
  }
  if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new UsageError(
      `--server (or SVT_URL) must be an http(s) URL, got ${JSON.stringify(baseUrl)}`,
    );
  }
  const token = (flags.token ?? env.SVT_TOKEN ?? '').trim();
  return {
    baseUrl,
    token: token === '' ? undefined : token,
    deadlineMs: parseDuration('--timeout', flags.timeout ?? fallbackTimeout),
  };
}

/**
 * A duration as people write it, in ms: `10s`, `2m`, `1.5h`, or a bare
 * number of seconds (`120`, what earlier releases took). At most 24 h.
 * @throws UsageError naming `flag`, what it got and what it takes
 */
export function parseDuration(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|m|h)?\s*$/i.exec(value);
  const unit = match?.[2]?.toLowerCase();
  const unitMs = unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000;
  const ms = match === null ? NaN : Number(match[1]) * unitMs;
  if (!(ms > 0) || ms > 86_400_000) {
    throw new UsageError(
      `${flag} must be a duration above 0 and at most 24h, such as 10s, 2m or 90 (seconds), got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

export function parseStatus(flag: string, value: string): DeploymentStatus {
  const status = STATUSES.find((s) => s === value);
  if (status === undefined) {
    throw new UsageError(
      `${flag} must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return status;
}

/**
 * `key=value` pairs into attributes. Values stay strings (`replicas=3` is
 * "3"): what was typed is what is stored. The first `=` splits, so a value
 * may hold more.
 */
export function parseAttributes(
  flag: string,
  pairs: readonly string[],
): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`${flag} must be key=value, got ${JSON.stringify(pair)}`);
    }
    const key = pair.slice(0, at).trim();
    if (Object.hasOwn(attributes, key)) {
      throw new UsageError(`${flag} ${JSON.stringify(key)} is given twice`);
    }
    attributes[key] = pair.slice(at + 1);
  }
  return attributes;
}

export interface RecordFlags {
  env: string;
  app: string;
  /** Default: the CI run's tag, else its commit's short SHA (see defaultVersion). */
  version?: string | undefined;
  status?: string | undefined;
  url?: string | undefined;
  pipelineUrl?: string | undefined;
  commit?: string | undefined;
  committedAt?: string | undefined;
  ref?: string | undefined;
  repository?: string | undefined;
  actor?: string | undefined;
  source?: string | undefined;
  deployedAt?: string | undefined;
  attr?: string[] | undefined;
  idempotencyKey?: string | undefined;
}

export interface RecordSettings {
  request: RecordDeploymentRequest;
  /** The key sent; null sends none (outside CI, with no --idempotency-key). */
  idempotencyKey: string | null;
  /** Values derived from the CI context that were left out, and why: printed as warnings. */
  warnings: string[];
}

/**
 * The request `svt record` sends: flags first, then the CI context's
 * defaults. A flag is sent as given; a derived value the server would
 * refuse is left out with a warning instead (see withCiDefaults). The
 * default key is derived from the request as sent, so it comes last.
 * Attributes come from `SVT_ATTRIBUTES` in `env` (one key=value per line,
 * blank lines and `#` comments skipped, as the action's input), then from
 * `--attr`, which wins for a key both give: a CI template sets the
 * variable, a matrix leg adds its own (`SVT_ATTRIBUTES: region=$REGION`).
 * @param now the client's clock, epoch ms (default: Date.now())
 * @param env the process's environment, for SVT_ATTRIBUTES (default: none)
 * @throws UsageError for a bad flag, or no --version where the CI names no tag or commit
 */
export function parseRecord(
  flags: RecordFlags,
  ctx: CiContext,
  now: number = Date.now(),
  env: Env = {},
): RecordSettings {
  const status = parseStatus('--status', flags.status ?? 'success');
  // The commit sent is the one the version defaults to: --commit's, else the CI's.
  const version = flags.version ?? defaultVersion(ctx, flags.commit ?? ctx.commit);
  if (version === null) {
    throw new UsageError(
      '--version is required here: outside CI, or in a CI run that names no tag or commit, there is nothing to default to',
    );
  }
  const request: RecordDeploymentRequest = {
    env: flags.env,
    app: flags.app,
    version,
    status,
  };
  if (flags.url !== undefined) request.url = flags.url;
  if (flags.pipelineUrl !== undefined) request.pipelineUrl = flags.pipelineUrl;
  if (flags.commit !== undefined) request.commit = flags.commit;
  if (flags.committedAt !== undefined) request.committedAt = flags.committedAt;
  if (flags.ref !== undefined) request.ref = flags.ref;
  // A clone URL (`git remote get-url origin`) is sent as its web page; what
  // names no repository is sent as given, for the server to say why.
  if (flags.repository !== undefined) {
    request.repository = repositoryWebUrl(flags.repository) ?? flags.repository;
  }
  if (flags.actor !== undefined) request.actor = flags.actor;
  if (flags.source !== undefined) request.source = flags.source;
  // Only when the user gives one: retries must carry identical bodies.
  if (flags.deployedAt !== undefined) request.deployedAt = flags.deployedAt;
  const lines = (env.SVT_ATTRIBUTES ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const attributes = {
    ...parseAttributes('SVT_ATTRIBUTES', lines),
    ...parseAttributes('--attr', flags.attr ?? []),
  };
  if (Object.keys(attributes).length > 0) request.attributes = attributes;
  const filled = withCiDefaults(request, ctx, now);
  const key = flags.idempotencyKey ?? defaultIdempotencyKey(ctx, filled.request);
  return { request: filled.request, idempotencyKey: key, warnings: filled.warnings };
}

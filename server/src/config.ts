/**
 * Server settings, parsed and validated once at start from the environment.
 * Nothing else in the server reads `process.env`.
 */
import { FORGE_KINDS, type ForgeHosts, type ForgeKind, KNOWN_FORGES } from './forges.js';
import { normalizeHost } from './http/hosts.js';
import { ENV_PATTERN, isHttpUrl } from './validation/rules.js';
import type { WebhookConfig } from './webhooks.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** `SVT_PORT`, default 5000; 0 picks a free port (logged at start). */
  port: number;
  /** `SVT_HOST`, default `127.0.0.1`. */
  host: string;
  /** `SVT_DB`, default `./data/svt.db`, relative to the working directory. Ignored with MongoDB. */
  dbPath: string;
  /** `SVT_MONGODB_URL`, default unset; when set, MongoDB (a replica set) stores everything. */
  mongodbUrl: string | null;
  /** `SVT_MONGODB_DB`, default `svt`. */
  mongodbDb: string;
  /**
   * `SVT_VERSION_PATTERN`, default unset. When set, every route (v1 and legacy)
   * requires the whole version to match it.
   */
  versionPattern: RegExp | null;
  /** `SVT_LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /**
   * `SVT_ENV_ORDER`, default unset: environment names, comma-separated, in
   * promotion order (`dev,staging,prod`). The pages list these first, in
   * this order, then the others by the promotion stage their names say
   * (dev, test, qa, staging, uat, prod), then those that say none, as first
   * seen; unset, that stage order alone (stages.ts).
   */
  envOrder: string[];
  /** `SVT_AUTH`, default on; `off` accepts every request without a token (warned at start). */
  auth: boolean;
  /** `SVT_READ_AUTH`, default `open`; `token`: reads need a read token (the pages, a login). */
  readAuth: 'open' | 'token';
  /** `SVT_LEGACY_AUTH`, default on; `off` leaves /create open for seed callers (warned on each write). */
  legacyAuth: boolean;
  /** `SVT_TLS_CERT` and `SVT_TLS_KEY`, default unset: PEM files; both set, the server speaks HTTPS. */
  tls: { certPath: string; keyPath: string } | null;
  /**
   * `SVT_TRUST_PROXY`, default off; on: the client address comes from the
   * last X-Forwarded-For entry, and the server's own origin (for the
   * cross-origin check of writes) from X-Forwarded-Proto and X-Forwarded-Host.
   */
  trustProxy: boolean;
  /**
   * `SVT_ALLOWED_HOSTS`, default unset: host names (comma-separated, no
   * scheme or port; normalized to lower case) that requests may name in
   * `Host`, besides the loopback names. Unset: a server bound to a loopback
   * SVT_HOST accepts only loopback names (against DNS rebinding), one bound
   * elsewhere any name. See http/hosts.ts.
   */
  allowedHosts: string[] | null;
  /** `SVT_RATE_LIMIT`, default 6000: writes per minute per token (or address without one); 0 off. */
  rateLimit: number;
  /** `SVT_AUTH_FAIL_LIMIT`, default 10: failed authentications per minute per address; 0 off. */
  authFailLimit: number;
  /**
   * `SVT_RETENTION_DAYS`, default unset (keep everything): history older than
   * this is pruned at start and every hour, never an app's current or latest entry.
   */
  retentionDays: number | null;
  /**
   * `SVT_WEBHOOKS`, default unset: a JSON array of hooks, each
   * `{"url": "https://...", "format": "json" | "slack", "secret": "..."}`
   * (format default json; secret signs json deliveries).
   */
  webhooks: WebhookConfig[];
  /**
   * The forges SVT links commits to, by host: github.com, gitlab.com,
   * bitbucket.org and codeberg.org, plus `SVT_FORGES` (default unset), a
   * comma-separated list of `host=kind` (`gitlab.example.com=gitlab`), kind
   * one of github, gitlab, bitbucket, gitea (Forgejo links as Gitea does).
   */
  forges: ForgeHosts;
}

/** A setting with a bad value; the message names the variable, the value and what is expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function bad(name: string, got: string, expected: string): ConfigError {
  return new ConfigError(`${name} must be ${expected}, got ${JSON.stringify(got)}`);
}

function parsePort(env: Env): number {
  const raw = value(env, 'SVT_PORT');
  if (raw === undefined) return 5000;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw bad('SVT_PORT', raw, 'an integer 0-65535');
  return port;
}

function parseVersionPattern(env: Env): RegExp | null {
  const raw = value(env, 'SVT_VERSION_PATTERN');
  if (raw === undefined) return null;
  try {
    // Anchored here so that an operator's `[0-9.]+` cannot match a substring.
    return new RegExp(`^(?:${raw})$`, 'u');
  } catch (err) {
    throw bad('SVT_VERSION_PATTERN', raw, `a valid regular expression (${(err as Error).message})`);
  }
}

function parseMongodbUrl(env: Env): string | null {
  const raw = value(env, 'SVT_MONGODB_URL');
  if (raw === undefined) return null;
  if (!/^mongodb(\+srv)?:\/\/\S+$/.test(raw)) {
    // Never echo the URL: it may hold a password.
    throw new ConfigError(
      'SVT_MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string, got a value that is not',
    );
  }
  return raw;
}

function parseMongodbDb(env: Env): string {
  const raw = value(env, 'SVT_MONGODB_DB');
  if (raw === undefined) return 'svt';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(raw)) {
    throw bad('SVT_MONGODB_DB', raw, 'a database name of 1-63 letters, digits, "_" or "-"');
  }
  return raw;
}

function parseLogLevel(env: Env): LogLevel {
  const raw = value(env, 'SVT_LOG_LEVEL');
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (level === undefined) throw bad('SVT_LOG_LEVEL', raw, `one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function parseEnvOrder(env: Env): string[] {
  const raw = value(env, 'SVT_ENV_ORDER');
  if (raw === undefined) return [];
  const names = raw.split(',').map((n) => n.trim());
  const wrong = names.find((n) => !ENV_PATTERN.test(n));
  if (wrong !== undefined) {
    throw bad('SVT_ENV_ORDER', raw, 'environment names separated by commas, e.g. dev,staging,prod');
  }
  if (new Set(names).size !== names.length) {
    throw bad('SVT_ENV_ORDER', raw, 'each environment once');
  }
  return names;
}

function parseSwitch(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const v = raw.toLowerCase();
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw bad(name, raw, 'on or off (true/false and 1/0 are read the same)');
}

function parseReadAuth(env: Env): 'open' | 'token' {
  const raw = value(env, 'SVT_READ_AUTH');
  if (raw === undefined || raw.toLowerCase() === 'open') return 'open';
  if (raw.toLowerCase() === 'token') return 'token';
  throw bad('SVT_READ_AUTH', raw, 'open or token');
}

function parseTls(env: Env): Config['tls'] {
  const certPath = value(env, 'SVT_TLS_CERT');
  const keyPath = value(env, 'SVT_TLS_KEY');
  if (certPath === undefined && keyPath === undefined) return null;
  if (certPath === undefined || keyPath === undefined) {
    throw new ConfigError(
      'SVT_TLS_CERT and SVT_TLS_KEY must be set together, got only one of them',
    );
  }
  return { certPath, keyPath };
}

function parseAllowedHosts(env: Env): string[] | null {
  const raw = value(env, 'SVT_ALLOWED_HOSTS');
  if (raw === undefined) return null;
  const names = raw.split(',').map((entry) => {
    const trimmed = entry.trim();
    // A port (`name:8080`, `[::1]:8080`) is refused, not dropped: the check ignores ports.
    const colons = trimmed.split(':').length - 1;
    const port = colons === 1 || /\]:/.test(trimmed);
    const name = port || /[/@]/.test(trimmed) ? null : normalizeHost(trimmed);
    if (name === null) {
      throw new ConfigError(
        'SVT_ALLOWED_HOSTS must be host names separated by commas, without scheme, port or path ' +
          `(e.g. svt.example.com,10.0.0.5), got ${JSON.stringify(raw)}: ${JSON.stringify(trimmed)} is not a host name`,
      );
    }
    return name;
  });
  return [...new Set(names)];
}

function parsePerMinute(env: Env, name: string, fallback: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(name, raw, 'a number per minute (0 turns it off)');
  return n;
}

function parseRetention(env: Env): number | null {
  const raw = value(env, 'SVT_RETENTION_DAYS');
  if (raw === undefined) return null;
  const days = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(days >= 1)) throw bad('SVT_RETENTION_DAYS', raw, 'a whole number of days, 1 or more');
  return days;
}

function parseWebhooks(env: Env): WebhookConfig[] {
  const raw = value(env, 'SVT_WEBHOOKS');
  if (raw === undefined) return [];
  // Never echo the value: it may hold secrets.
  const refuse = (why: string) =>
    new ConfigError(
      `SVT_WEBHOOKS must be a JSON array of {"url", "format", "secret"} hooks: ${why}`,
    );
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw refuse('it is not JSON');
  }
  if (!Array.isArray(list)) throw refuse('it is not an array');
  return list.map((item: unknown, i) => {
    const h = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof h.url !== 'string' || !isHttpUrl(h.url))
      throw refuse(`hook ${i}: url must be an http(s) URL`);
    const format = h.format ?? 'json';
    if (format !== 'json' && format !== 'slack')
      throw refuse(`hook ${i}: format must be json or slack`);
    if (h.secret !== undefined && typeof h.secret !== 'string')
      throw refuse(`hook ${i}: secret must be a string`);
    return { url: h.url, format, secret: typeof h.secret === 'string' ? h.secret : null };
  });
}

function parseForges(env: Env): ForgeHosts {
  const raw = value(env, 'SVT_FORGES');
  const hosts = new Map(KNOWN_FORGES);
  if (raw === undefined) return hosts;
  const expected = `host=kind pairs separated by commas, kind one of ${FORGE_KINDS.join(', ')} (gitlab.example.com=gitlab,git.example.org=gitea)`;
  for (const entry of raw.split(',')) {
    const [host = '', kind = '', ...rest] = entry.trim().split('=');
    const name = host.trim().toLowerCase();
    const forge = FORGE_KINDS.find((k) => k === kind.trim().toLowerCase());
    if (rest.length > 0 || forge === undefined || !/^[a-z0-9.-]+$/.test(name)) {
      throw bad('SVT_FORGES', raw, expected);
    }
    hosts.set(name, forge satisfies ForgeKind);
  }
  return hosts;
}

/** Reads every server setting; throws a ConfigError on the first bad value. */
export function parseConfig(env: Env): Config {
  return {
    port: parsePort(env),
    host: value(env, 'SVT_HOST') ?? '127.0.0.1',
    dbPath: value(env, 'SVT_DB') ?? './data/svt.db',
    mongodbUrl: parseMongodbUrl(env),
    mongodbDb: parseMongodbDb(env),
    versionPattern: parseVersionPattern(env),
    logLevel: parseLogLevel(env),
    envOrder: parseEnvOrder(env),
    auth: parseSwitch(env, 'SVT_AUTH', true),
    readAuth: parseReadAuth(env),
    legacyAuth: parseSwitch(env, 'SVT_LEGACY_AUTH', true),
    tls: parseTls(env),
    trustProxy: parseSwitch(env, 'SVT_TRUST_PROXY', false),
    allowedHosts: parseAllowedHosts(env),
    rateLimit: parsePerMinute(env, 'SVT_RATE_LIMIT', 6000),
    authFailLimit: parsePerMinute(env, 'SVT_AUTH_FAIL_LIMIT', 10),
    retentionDays: parseRetention(env),
    webhooks: parseWebhooks(env),
    forges: parseForges(env),
  };
}

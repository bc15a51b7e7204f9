/**
 * Who may do what, decided once per request before the routes run:
 *
 * - `SVT_AUTH=off`: everything open (warned at start).
 * - Writes: with a token, it must be valid and (checked by the route, which
 *   knows the environment) have a scope for that environment. Without one:
 *   refused once any token was ever created (revoked ones count); before
 *   that, accepted from loopback only. A session cookie never counts.
 *   `SVT_LEGACY_AUTH=off` leaves the seed's /create open.
 * - Reads: open, unless `SVT_READ_AUTH=token`: then a `read` or `admin`
 *   token, or a session cookie from the login page (pages and API reads
 *   alike, so that the pages' own CSV and JSON links work).
 * - A token that is sent is always checked: a bad one is a 401 even where
 *   none is needed, so that a misconfigured pipeline finds out.
 */
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { HttpProblem } from '../errors.js';
import type { Store, TokenRecord } from '../store/types.js';
import type { Limits } from './rate-limits.js';
import { SESSION_COOKIE, sessionToken } from './sessions.js';
import { canRead, canWrite, hashToken, sameHash, TOKEN_PATTERN } from './tokens.js';

export type Access = 'public' | 'read' | 'page' | 'write' | 'legacy-write';

/** Paths anyone may GET, whatever SVT_READ_AUTH says: probes, the CLI, assets, the login page. */
const PUBLIC = new Set(['/healthz', '/readyz', '/cli/svt.mjs', '/login']);

/**
 * What a request needs, from its method and path alone. Closed by default:
 * a GET of any path not listed as public or as an API read is a page, so a
 * page added later is behind the login without anyone remembering to list it.
 */
export function accessOf(method: string, path: string): Access {
  if (method === 'POST' && path === '/api/v1/deployments') return 'write';
  if (method === 'POST' && path === '/create') return 'legacy-write';
  if (method !== 'GET' && method !== 'HEAD') return 'public'; // /login, /logout; else the router's 405
  if (PUBLIC.has(path) || path.startsWith('/assets/')) return 'public';
  if (
    path.startsWith('/api/') ||
    path === '/list' ||
    path.startsWith('/list/') ||
    path.startsWith('/badge/') ||
    path === '/metrics' ||
    path === '/openapi.json'
  ) {
    return 'read';
  }
  return 'page';
}

export interface AuthState {
  access: Access;
  /** The token the request authenticated with, if any. */
  principal: TokenRecord | null;
}

const HOW_TO =
  'create one on the server with: npx svt-server token create --name <name> --scope write:<env>, ' +
  'then send it as "Authorization: Bearer <token>"';

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, {
    code: 'unauthorized',
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="svt"' },
  });
}

export function forbidden(detail: string): HttpProblem {
  return new HttpProblem(403, { code: 'forbidden', title: 'Forbidden', detail });
}

/** The client's address: the socket's, or with SVT_TRUST_PROXY the one the proxy appended. */
export function clientAddress(ctx: Context): string {
  return ctx.ip;
}

export function isLoopback(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** Last use of each token, written to the store at most once a minute. */
export class TokenUsage {
  private pending = new Map<string, number>();
  touch(name: string): void {
    this.pending.set(name, Date.now());
  }
  async flush(store: Store): Promise<void> {
    if (this.pending.size === 0) return;
    const uses = this.pending;
    this.pending = new Map();
    await store.touchTokens(uses);
  }
}

export interface PolicyDeps {
  store: Store;
  config: Config;
  logger: Logger;
  limits: Limits;
  usage: TokenUsage;
}

/**
 * Whether any token was ever created, asked of the store at most once a
 * second while none was: it is on the path of every tokenless write. Once
 * true it stays true (tokens are revoked, never deleted), so it is never
 * asked again. A first token is seen at most a second late: tokenless
 * writes from loopback a second longer.
 */
class TokenPresence {
  private known: { value: boolean; at: number } | null = null;
  constructor(private readonly store: Store) {}
  async any(): Promise<boolean> {
    const now = Date.now();
    if (this.known === null || (!this.known.value && now - this.known.at > 1000)) {
      this.known = { value: await this.store.everHadTokens(), at: now };
    }
    return this.known.value;
  }
}

export function authPolicy({ store, config, logger, limits, usage }: PolicyDeps): Middleware {
  const presence = new TokenPresence(store);
  /** The token of an Authorization header; 401 (counted against the address) when it is not a live one. */
  async function bearer(ctx: Context, header: string): Promise<TokenRecord> {
    const address = clientAddress(ctx);
    await limits.checkFailures(address);
    const match = /^Bearer +(\S+)$/i.exec(header);
    const token = match?.[1] ?? '';
    const found = TOKEN_PATTERN.test(token) ? await store.tokenByHash(hashToken(token)) : null;
    if (found === null || !sameHash(found.hash, hashToken(token))) {
      await limits.failure(address);
      throw unauthorized(
        match === null
          ? 'the Authorization header must be "Bearer <token>"'
          : 'the token is not valid (unknown, revoked or mistyped)',
      );
    }
    usage.touch(found.name);
    return found;
  }

  /** The token of the request's live session cookie, when it may read; else null. */
  async function session(ctx: Context): Promise<TokenRecord | null> {
    const found = await sessionToken(store, ctx.cookies.get(SESSION_COOKIE) ?? '', Date.now());
    return found !== null && canRead(found) ? found : null;
  }

  return async (ctx, next) => {
    const access = accessOf(ctx.method, ctx.path);
    const state: AuthState = { access, principal: null };
    ctx.state.auth = state;
    if (!config.auth || access === 'public') return next();

    const header = ctx.get('authorization');
    if (header !== '') state.principal = await bearer(ctx, header);

    if (access === 'read' || access === 'page') {
      if (config.readAuth === 'token') {
        // A session counts for every read (pages, and the API they link to), never for a write.
        if (state.principal === null) state.principal = await session(ctx);
        if (state.principal === null) {
          if (access === 'page') {
            ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
            return;
          }
          throw unauthorized(
            `this server requires a read token for reads: ${HOW_TO.replace('write:<env>', 'read')}`,
          );
        }
        if (!canRead(state.principal)) {
          throw forbidden(`token "${state.principal.name}" has no read scope`);
        }
      }
      return next();
    }

    // A write.
    if (access === 'legacy-write' && !config.legacyAuth && state.principal === null) {
      logger.warn(
        { address: clientAddress(ctx) },
        'legacy write accepted without a token (SVT_LEGACY_AUTH=off)',
      );
    } else if (state.principal === null) {
      // Revoked tokens count: revoking every token never reopens tokenless writes.
      if (await presence.any()) {
        throw unauthorized(
          `this server requires a token for writes, since tokens were created on it (revoked ones too): ${HOW_TO}`,
        );
      }
      if (!isLoopback(clientAddress(ctx))) {
        throw unauthorized(
          `no token exists yet, so writes are accepted from the server's own machine only; ${HOW_TO}`,
        );
      }
    }
    await limits.write(state.principal?.name ?? `address:${clientAddress(ctx)}`);
    return next();
  };
}

/**
 * For a write route, once the environment is known: 403 unless the token
 * (when there is one) may write there. Returns the name to record as recordedBy.
 */
export function authorizeWrite(ctx: Context, env: string): string | null {
  const principal = (ctx.state.auth as AuthState | undefined)?.principal ?? null;
  if (principal === null) return null;
  if (!canWrite(principal, env)) {
    throw forbidden(
      `token "${principal.name}" may not write to environment "${env}" (its scopes: ${principal.scopes.join(', ')})`,
    );
  }
  return principal.name;
}

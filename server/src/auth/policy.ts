/**
 * Who may do what, decided per route: each route declares its Access where
 * it is registered (routes/table.ts), and the guard of that access runs
 * first among the route's own middleware, once the router has matched it.
 * A request the router matches to no route reaches no guard and no
 * handler: a 404 (or the router's 405). So the policy and the router can
 * never disagree about which route a path is.
 *
 * - `SVT_AUTH=off`: every token check is off (warned at start).
 * - Writes (`write`, `legacy-write`, and the login form's `login`): refused
 *   with 403 when a browser sent them from a page of another origin, and on
 *   the JSON API when the body is a form type (http/origin.ts), whatever
 *   the token state and even with SVT_AUTH=off.
 * - Writes with a token: it must be valid and (checked by the route, which
 *   knows the environment) have a scope for that environment. Without one:
 *   refused once any token was ever created (revoked ones count); before
 *   that, accepted from loopback only. A session cookie never counts.
 *   `SVT_LEGACY_AUTH=off` leaves the seed's /create open.
 * - Reads (`read`, `page`): open, unless `SVT_READ_AUTH=token`: then a
 *   `read` or `admin` token, or a session cookie from the login page (pages
 *   and API reads alike, so that the pages' own CSV and JSON links work).
 * - `admin` (the webhook deliveries API): a token with the `admin` scope,
 *   whatever SVT_READ_AUTH says; no loopback exception, no session; its
 *   POSTs are refused from a page of another origin like any write.
 * - `public`: anyone (probes, the CLI, assets, the login page).
 * - A token that is sent is always checked: a bad one is a 401 even where
 *   none is needed, so that a misconfigured pipeline finds out.
 */
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { HttpProblem } from '../errors.js';
import { hasFormBody, isCrossOrigin } from '../http/origin.js';
import type { Store, TokenRecord } from '../store/types.js';
import type { Limits } from './rate-limits.js';
import { SESSION_COOKIE, sessionToken } from './sessions.js';
import { canAdminister, canRead, canWrite, hashToken, sameHash, TOKEN_PATTERN } from './tokens.js';

/**
 * What a GET route needs: `public` (anyone, whatever SVT_READ_AUTH says),
 * `read` (the API and machine-read routes: a read token under
 * SVT_READ_AUTH=token) or `page` (HTML: a read token or a session, else a
 * redirect to the login page).
 */
export type ReadAccess = 'public' | 'read' | 'page' | 'admin';

/**
 * What a POST route needs: `write` (the JSON API: a token with a scope for
 * the environment), `legacy-write` (the seed's /create: the same, unless
 * SVT_LEGACY_AUTH=off), `login` (the login form and logout: no token,
 * but never from a page of another origin) or `admin` (an admin token).
 */
export type WriteAccess = 'write' | 'legacy-write' | 'login' | 'admin';

/** What a route needs, declared where it is registered. */
export type Access = ReadAccess | WriteAccess;

export interface AuthState {
  access: Access;
  /** The token the request authenticated with, if any. */
  principal: TokenRecord | null;
  /**
   * Whether `principal` came from the login page's session cookie (a
   * person in a browser, who may sign out), not from a bearer token.
   */
  session: boolean;
}

/**
 * Whether the request reads as a signed-in session (SVT_READ_AUTH=token):
 * its pages offer a sign-out button. False for a bearer token, and where
 * reads are open (no session is looked at there).
 */
export function signedIn(ctx: Context): boolean {
  return (ctx.state.auth as AuthState | undefined)?.session === true;
}

const HOW_TO =
  'create one on the server with: npx svt-server token create --name <name> --scope write:<env>, ' +
  'then send it as "Authorization: Bearer <token>"';

/**
 * `Bearer` and nothing else: what a CI script sends as
 * `-H "Authorization: Bearer $SVT_TOKEN"` while that variable is empty or
 * unset (Node drops the trailing spaces before the server sees them).
 */
const EMPTY_BEARER = /^Bearer\s*$/i;

const EMPTY_TOKEN =
  'the token is empty: the Authorization header says "Bearer" and nothing after it, ' +
  'as a script sends when its token variable (SVT_TOKEN) is empty or unset. ' +
  'Set that variable to a token (create one with: npx svt-server token create --name <name> --scope write:<env>), ' +
  "or send no Authorization header at all while no token exists on this server (writes are then accepted from the server's own machine)";

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

/**
 * 403 for a write a browser sent from a page of another origin, and for a
 * JSON API write with a form-type body (http/origin.ts): before any token
 * is looked at, since a browser attaches its visitor's cookies and network
 * position whatever the token state.
 */
function refuseBrowserForgery(ctx: Context, access: WriteAccess): void {
  if (isCrossOrigin(ctx)) {
    throw forbidden(
      "writes from a web page must come from this server's own origin; this one names another " +
        'in its Origin or Referer header (CI clients send neither)',
    );
  }
  if (access === 'write' && hasFormBody(ctx)) {
    throw forbidden(
      'the API takes JSON ("Content-Type: application/json"), never a form-type body ' +
        '(application/x-www-form-urlencoded, multipart/form-data or text/plain), which any web page can send',
    );
  }
}

/** The client's address: the socket's, or with SVT_TRUST_PROXY the one the proxy appended. */
export function clientAddress(ctx: Context): string {
  return ctx.ip;
}

export function isLoopback(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * Last use of each token, written to the store at most once a minute
 * (app.ts) and once more on shutdown, not on each request: a write per
 * authenticated request would put a synced write on the HTTP thread of
 * every read and write, for a figure people read to the minute (is this
 * token still in use?). `svt-server token list` says it may be a minute
 * behind.
 */
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

/** The guard of one access level: middleware that runs first in each route declaring it. */
export type Guard = (access: Access) => Middleware;

/**
 * The guards of an app, sharing its token lookups and limits. Each answers
 * for its route alone: 401, 403 or 429 problems, or a redirect to the login
 * page, else it hands on to the route's handlers.
 */
export function accessGuards({ store, config, logger, limits, usage }: PolicyDeps): Guard {
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
        match !== null
          ? 'the token is not valid (unknown, revoked or mistyped)'
          : EMPTY_BEARER.test(header)
            ? EMPTY_TOKEN
            : 'the Authorization header must be "Bearer <token>"',
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

  return (access) => async (ctx, next) => {
    const state: AuthState = { access, principal: null, session: false };
    ctx.state.auth = state;
    if (access === 'write' || access === 'legacy-write' || access === 'login') {
      refuseBrowserForgery(ctx, access);
    } else if (access === 'admin' && ctx.method === 'POST') {
      refuseBrowserForgery(ctx, access);
    }
    if (!config.auth || access === 'public' || access === 'login') return next();

    const header = ctx.get('authorization');
    if (header !== '') state.principal = await bearer(ctx, header);

    if (access === 'admin') {
      if (state.principal === null) {
        throw unauthorized(
          'this route needs a token with the admin scope: create one on the server with: ' +
            'npx svt-server token create --name <name> --scope admin, then send it as "Authorization: Bearer <token>"',
        );
      }
      if (!canAdminister(state.principal)) {
        throw forbidden(`token "${state.principal.name}" has no admin scope`);
      }
      return next();
    }

    if (access === 'read' || access === 'page') {
      if (config.readAuth === 'token') {
        // A session counts for every read (pages, and the API they link to), never for a write.
        if (state.principal === null) {
          state.principal = await session(ctx);
          state.session = state.principal !== null;
        }
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

/**
 * The one error handler, first in the middleware chain: every error leaves
 * as RFC 9457 problem+json, or for a person as a page (answersWithPage).
 * Details of unexpected (5xx) errors go only to the log, with the request
 * id that the answer carries.
 */
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Problem } from '@svt/client';
import { type AuthState, signedIn } from '../auth/policy.js';
import { ECHO_LIMITS, HttpProblem, cut } from '../errors.js';
import { errorPage } from '../pages/error-page.js';
import { Html } from '../pages/html.js';

interface HttpLikeError {
  status?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  415: 'Unsupported media type',
  500: 'Internal server error',
  501: 'Not implemented',
  503: 'Service unavailable',
};

/** Problem codes of the statuses Koa and its router set without a body. */
const CODES: Record<number, string> = {
  404: 'not-found',
  405: 'method-not-allowed',
  501: 'not-implemented',
};

export function problemType(code: string): string {
  return `urn:svt:problem:${code}`;
}

function toProblem(err: unknown): { problem: Problem; headers: Record<string, string> } {
  if (err instanceof HttpProblem) {
    const problem: Problem = {
      type: problemType(err.code),
      title: err.title,
      status: err.status,
      ...(err.detail === undefined ? {} : { detail: err.detail }),
      ...(err.errors === undefined ? {} : { errors: err.errors }),
    };
    return { problem, headers: err.headers };
  }
  // Errors of Koa and its router (http-errors): their message is safe when `expose` is set.
  const { status, expose, message, headers } = (err ?? {}) as HttpLikeError;
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    const title = TITLES[status] ?? 'Client error';
    return {
      problem: {
        type: 'about:blank',
        title,
        status,
        detail: cut(message ?? title, ECHO_LIMITS.detail),
      },
      headers: headers ?? {},
    };
  }
  return {
    problem: {
      type: 'about:blank',
      title: TITLES[500] ?? 'Internal server error',
      status: 500,
      detail: 'an unexpected error occurred; the server log has the details',
    },
    headers: {},
  };
}

/**
 * Whether an error is answered as an HTML page rather than problem+json:
 * always on a page route (its readers are people, whatever they accept);
 * on the login form's routes and where no route matched (a mistyped
 * address), when the client prefers HTML, as a browser does; never on any
 * other route (the API, badges, probes, the legacy routes), whose callers
 * are programs, nor under /api/, matched or not. Only the answer's form is
 * decided here, never access: the route that matched is known by the
 * access its guard recorded.
 */
function answersWithPage(ctx: Context): boolean {
  const access = (ctx.state.auth as AuthState | undefined)?.access;
  if (access === 'page') return true;
  if (access !== undefined && access !== 'login') return false;
  if (ctx.path.startsWith('/api/')) return false;
  return ctx.accepts('application/problem+json', 'application/json', 'text/html') === 'text/html';
}

export function problemMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing answered (404), or the router set a bare status (405 with Allow, 501).
      if (ctx.body == null && ctx.status >= 400) {
        const allow = ctx.response.get('Allow');
        throw new HttpProblem(ctx.status, {
          code: CODES[ctx.status] ?? 'client-error',
          title: TITLES[ctx.status] ?? 'Client error',
          detail:
            ctx.status === 404
              ? `no route for ${ctx.method} ${ctx.path}`
              : `${ctx.method} is not allowed on ${ctx.path}${allow ? `; allowed: ${allow}` : ''}`,
        });
      }
    } catch (err) {
      const { problem, headers } = toProblem(err);
      if (problem.status >= 500) {
        logger.error({ err, reqId: ctx.state.reqId as unknown }, 'request failed');
      }
      ctx.set(headers);
      ctx.status = problem.status;
      if (answersWithPage(ctx)) {
        // A route may leave a hint for the page of its error (pages.ts: how to record a first deployment).
        const hint = ctx.state.hint instanceof Html ? ctx.state.hint : null;
        const reqId = typeof ctx.state.reqId === 'string' ? ctx.state.reqId : null;
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = errorPage(problem, hint, reqId, signedIn(ctx));
      } else {
        ctx.type = 'application/problem+json';
        ctx.body = problem;
      }
    }
  };
}

/**
 * Security headers of every answer: no sniffing, no framing, a referrer
 * policy, HSTS over HTTPS, and a Content-Security-Policy decided by what
 * the answer is, once it is known (after every other middleware, error
 * pages included): an HTML page gets the pages' policy (this server's own
 * scripts, stylesheets and images, nothing inline); anything else (JSON,
 * problem+json, CSV, SVG, scripts, stylesheets) one that loads nothing.
 * No route chooses: a page, a login form or an error page rendered as
 * HTML cannot be served with the wrong policy.
 */
import type { Middleware } from 'koa';

/** The policy of HTML pages: only this server's own files, nothing inline, no framing. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The policy of every other answer: nothing loaded, no framing. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The policy for an answer of media type `type` (`text/html`, `application/json`, '' for none). */
export function policyFor(type: string): string {
  return type === 'text/html' ? PAGE_CSP : DATA_CSP;
}

/** The headers above as the outermost answering middleware (before the error handler). */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    if (ctx.protocol === 'https') ctx.set('Strict-Transport-Security', 'max-age=31536000');
    // Set before as well: should anything escape the error handler, Koa's
    // own error answer (plain text) still loads nothing.
    ctx.set('Content-Security-Policy', DATA_CSP);
    try {
      await next();
    } finally {
      ctx.set('Content-Security-Policy', policyFor(ctx.response.type));
    }
  };
}

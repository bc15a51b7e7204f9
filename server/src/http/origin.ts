/**
 * Writes a browser did not mean to make (CSRF). A page on another origin
 * can make its visitor's browser POST a form, or a `no-cors` fetch with a
 * form-type body, to SVT without asking anyone: the browser attaches the
 * visitor's cookies and network position (a server on the visitor's own
 * machine or intranet). Browsers say where such a request comes from in
 * `Origin` (every POST), or in older ones only in `Referer`; CI clients and
 * curl send neither, and keep working.
 *
 * The server's own origin is the one the client addressed: the request's
 * scheme and `Host`, or with SVT_TRUST_PROXY the proxy's `X-Forwarded-Proto`
 * and `X-Forwarded-Host` (Koa's `ctx.protocol` and `ctx.host`). Behind a
 * proxy that terminates TLS or changes the port, the proxy must forward the
 * host and port the browser used, and SVT_TRUST_PROXY must be on; otherwise
 * the login form's own POST is refused.
 */
import type { Context } from 'koa';

/** The origin (`scheme://host[:port]`, default port dropped) of a URL, or null for anything else (`null`, garbage). */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** This server's origin as the client addressed it; null without a usable `Host`. */
export function ownOrigin(ctx: Context): string | null {
  return ctx.host === '' ? null : originOf(`${ctx.protocol}://${ctx.host}/`);
}

/**
 * Whether a write was sent by a browser from a page of another origin:
 * `Origin`, or without it `Referer`, names one (an opaque `null` origin
 * included). A request with neither header is not a browser's cross-site
 * request and passes.
 */
export function isCrossOrigin(ctx: Context): boolean {
  // Browsers send `Origin` serialized (lower-case scheme and host, no
  // default port, no path): compared as sent, so that only that exact form
  // of this server's own origin passes, never a spelling that a URL parser
  // would normalise into it (`127.1`, `0x7f000001`, `HTTP://`, userinfo).
  // Our own origin is parsed only for a request that names one: a CI
  // client's write, which names none, costs no URL parse.
  const origin = ctx.get('origin');
  if (origin !== '') return origin !== ownOrigin(ctx);
  const referer = ctx.get('referer');
  if (referer === '') return false;
  const from = originOf(referer);
  return from === null || from !== ownOrigin(ctx);
}

/**
 * The body types a browser sends cross-site without a CORS preflight: a
 * form, or a `no-cors` fetch. The JSON API never takes them, so a write
 * that declares one was never meant for it.
 */
const FORM_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** Whether the request's Content-Type is one a page can send cross-site without asking (FORM_TYPES). */
export function hasFormBody(ctx: Context): boolean {
  return FORM_TYPES.has((ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase());
}

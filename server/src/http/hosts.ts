/**
 * The Host check, against DNS rebinding. A page on `attacker.example` whose
 * name is then re-pointed at 127.0.0.1 talks to a server on this machine as
 * its own origin: the browser's same-origin rule and the Origin check of
 * writes (origin.ts) both pass, and only the `Host` header, which still
 * says `attacker.example`, tells it apart. So a server bound to a loopback
 * address answers only requests that name it by a loopback name
 * (`localhost`, `127.0.0.1`, `[::1]`, any port), plus the names an operator
 * lists in SVT_ALLOWED_HOSTS; anything else is a 400 before any route runs.
 * A server bound elsewhere checks only when SVT_ALLOWED_HOSTS is set.
 */
import type { Context, Middleware } from 'koa';
import { badRequest } from '../errors.js';

/** A host name as sent in `Host` (with or without a port), or an IPv6 literal in brackets. */
const HOST_VALUE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/;

/**
 * The host name of a `Host` value (or of a name without a port), as the
 * WHATWG URL parser sees it: lower case, IPv4 in dotted decimal (`127.1` is
 * `127.0.0.1`), IPv6 in brackets, no trailing dot; null when it is not a
 * host name.
 */
export function normalizeHost(value: string): string | null {
  const trimmed = value.trim();
  // A bare IPv6 literal (`::1`, as SVT_HOST may say): brackets make it a host.
  const bracketed = /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$/.test(trimmed) ? `[${trimmed}]` : trimmed;
  if (!HOST_VALUE.test(bracketed)) return null;
  try {
    const name = new URL(`http://${bracketed}/`).hostname;
    return name.endsWith('.') ? name.slice(0, -1) : name;
  } catch {
    return null;
  }
}

/** Whether a normalized host name is this machine's loopback: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Which host names requests may name, for a server bound to `bindHost`
 * with SVT_ALLOWED_HOSTS `listed`: null when any (bound elsewhere, nothing
 * listed), else a test that accepts the loopback names and the listed ones.
 */
export function hostAllowList(
  bindHost: string,
  listed: readonly string[] | null,
): ((name: string) => boolean) | null {
  const bound = normalizeHost(bindHost);
  if (listed === null && (bound === null || !isLoopbackName(bound))) return null;
  const names = new Set(listed ?? []);
  return (name) => isLoopbackName(name) || names.has(name);
}

/** Every host name the request names: `Host`, and with SVT_TRUST_PROXY each `X-Forwarded-Host` entry. */
function namedHosts(ctx: Context, trustProxy: boolean): string[] {
  const hosts = [ctx.get('host')];
  // With a proxy trusted, the origin of writes is taken from X-Forwarded-Host
  // (origin.ts), and a rebinding page may set that header on its own
  // requests: every name it gives is checked too.
  const forwarded = trustProxy ? ctx.get('x-forwarded-host') : '';
  if (forwarded !== '') hosts.push(...forwarded.split(','));
  return hosts;
}

/** How many accepted `Host` values the check remembers (a handful in practice). */
const ACCEPTED_LIMIT = 64;

/**
 * The Host check as middleware (none when `allowed` is null): a 400 problem
 * for a request without `Host`, or naming a host that is not allowed. The
 * answer never echoes the name.
 */
export function hostCheck(
  allowed: ((name: string) => boolean) | null,
  trustProxy: boolean,
): Middleware | null {
  if (allowed === null) return null;
  // The `Host` values already accepted, as sent: every request of a client
  // names the same one, and a known value is not parsed again. Refused
  // values are never kept; bounded, so that ever new accepted spellings
  // (any port, any 127.x.y.z) cannot grow it.
  const accepted = new Set<string>();
  const isAllowed = (value: string): boolean => {
    if (accepted.has(value)) return true;
    const name = normalizeHost(value);
    if (name === null || !allowed(name)) return false;
    if (accepted.size >= ACCEPTED_LIMIT) accepted.clear();
    accepted.add(value);
    return true;
  };
  return async (ctx, next) => {
    for (const value of namedHosts(ctx, trustProxy)) {
      if (!isAllowed(value)) {
        throw badRequest(
          'host-not-allowed',
          'the Host header must name this server: a loopback name (localhost, 127.0.0.1, [::1]) ' +
            'or one listed in SVT_ALLOWED_HOSTS on the server',
        );
      }
    }
    await next();
  };
}

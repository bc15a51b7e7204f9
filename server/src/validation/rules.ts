/**
 * The naming rules of DESIGN.md's data model, in one place for every route.
 * Each pattern comes with the sentence that explains it to a caller.
 */

export const ENV_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ENV_RULE =
  'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

// 1-128 code points, no control character, no space at either end.
export const APP_PATTERN = /^(?=[^\s])[^\p{Cc}]{1,128}(?<=[^\s])$/u;
export const APP_RULE =
  'must be 1-128 characters, without control characters or leading or trailing spaces';

// Printable: no whitespace, no control, format, private-use or unassigned code point.
export const VERSION_PATTERN = /^[^\s\p{C}]{1,128}$/u;
export const VERSION_RULE = 'must be 1-128 printable characters without whitespace';

/** The seed's pattern, kept for its routes (`/create`) unless SVT_VERSION_PATTERN is set. */
export const LEGACY_VERSION_PATTERN = /^[0-9]+\.[0-9]+\.[0-9]+[+0-9A-Za-z-]*$/;

export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const ATTRIBUTE_KEY_RULE =
  'must be 1-64 letters, digits, "_" or "-", starting with a letter';
export const MAX_ATTRIBUTES = 20;
export const MAX_ATTRIBUTE_STRING = 1024;

/** Keys refused anywhere in a body: they mean something to JavaScript or MongoDB. */
export function isReservedKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' || key.startsWith('$');
}

/** Deployments may be dated at most this far ahead of the server's clock. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

export const INSTANT_RULE =
  'must be an ISO 8601 instant with a zone, such as 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00';
export const QUERY_INSTANT_RULE = `${INSTANT_RULE}, or a date such as 2026-11-28 (00:00 UTC)`;

export { parseInstant } from './instants.js';

/** http and https only: a `javascript:` or `data:` link must never be stored. */
export function isHttpUrl(text: string): boolean {
  if (text.length > 2048) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The naming rules of DESIGN.md's data model, in one place for every route,
 * every schema and the OpenAPI document derived from them: each pattern
 * comes with the sentence that explains it to a caller, and each rule with
 * the joi schema that applies it.
 */
import type { DeploymentStatus } from '@svt/client';
import type Joi from 'joi';
import { repositoryPage } from '../forges.js';
import { type InstantSchema, J, quote, wellFormed } from './joi.js';

export { parseInstant } from './instants.js';

export const ENV_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ENV_RULE =
  'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

// 1-128 code points, no control character, no space at either end, and none
// of the invisible or direction-changing characters that make one name look
// like another on a page (zero-width spaces and joiners' kin, bidi
// embeddings, overrides, isolates and marks, the BOM). U+200D, which joins
// emoji, stays allowed.
export const APP_PATTERN =
  /^(?=[^\s])[^\p{Cc}\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]{1,128}(?<=[^\s])$/u;
export const APP_RULE =
  'must be 1-128 characters, without control characters, invisible or direction-changing characters, or leading or trailing spaces';

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

export const STATUSES: readonly DeploymentStatus[] = [
  'success',
  'failure',
  'started',
  'rolled_back',
];
const STATUS_RULE = `must be one of ${STATUSES.join(', ')}`;

/** Keys refused anywhere in a body: they mean something to JavaScript or MongoDB. */
export function isReservedKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype' || key.startsWith('$');
}
export const RESERVED_KEY_RULE = 'is a reserved key and is refused';

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

// The rules as joi schemas. Strings are checked for well-formed Unicode
// first: a lone surrogate is not printable either, and that would hide
// what is wrong with it.

const str = () => J.string().custom(wellFormed, 'well-formed Unicode');
const named = (pattern: RegExp, rule: string, description: string) =>
  str()
    .pattern(pattern)
    .meta({ messages: { 'string.pattern.base': rule } })
    .description(description);

/** An environment name. */
export const envName = () => named(ENV_PATTERN, ENV_RULE, 'environment: dev, k8s, prod-eu');
/** An application name. */
export const appName = () => named(APP_PATTERN, APP_RULE, 'application; spaces inside are fine');
/** A version: printable, no whitespace. */
export const versionName = () => named(VERSION_PATTERN, VERSION_RULE, '1.4.2, v2.4.0, a git SHA');
/** A deployment status. */
export const statusName = () =>
  J.string()
    .valid(...STATUSES)
    .meta({ messages: { 'any.only': STATUS_RULE } });
/** A commit id: a SHA, or whatever the forge calls it, printable. */
export const commitId = () =>
  named(VERSION_PATTERN, 'must be 1-128 printable characters without whitespace', 'commit id');
/** Free text without control characters, at most `max` characters. */
export const text = (max: number) =>
  str()
    .max(max)
    .pattern(/^[^\p{Cc}]*$/u)
    .meta({ messages: { 'string.pattern.base': 'must not contain control characters' } });
/** An http or https URL: never `javascript:` or `data:`. */
export const httpUrl = () =>
  str()
    .max(2048)
    .custom(
      (v: string, helpers) =>
        isHttpUrl(v) ? v : helpers.error('string.uri', { got: quote(withoutCredentials(v)) }),
      'http URL',
    )
    .meta({ messages: { 'string.uri': 'must be an http or https URL; got {#got}' } })
    .description('http or https');

/**
 * A URL as an error message may echo it: what stands before an `@` in its
 * authority (`user:token@`) masked, so that a refused clone URL does not
 * put its token in a CI log.
 */
export function withoutCredentials(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
}

/**
 * A repository's web page, http or https, stored as forges.ts
 * `repositoryPage` gives it: credentials, `.git`, a trailing slash, a query
 * and a fragment removed, so that no token in a clone URL is ever kept.
 */
export const repositoryUrl = () =>
  str()
    .max(2048)
    .custom(
      (v: string, helpers) =>
        repositoryPage(v) ??
        helpers.error('string.repository', { got: quote(withoutCredentials(v)) }),
      'repository',
    )
    .meta({
      messages: {
        'string.repository':
          "must be the http or https URL of a repository's web page, such as https://github.com/acme/api; got {#got}",
      },
    })
    .description("http or https, the repository's web page");

/** An attribute value: a string (<= 1024 characters), a finite number or a boolean. */
const attributeValue = () =>
  J.alternatives(str().max(MAX_ATTRIBUTE_STRING).allow(''), J.number(), J.boolean());

/** `attributes`: at most 20 keys, each like `team` or `build-id`, to scalar values. */
export const attributes = () =>
  J.object()
    .pattern(ATTRIBUTE_KEY_PATTERN, attributeValue())
    .max(MAX_ATTRIBUTES)
    .meta({
      // A value's message too: keys under .pattern() have no schema of their own to look up.
      messages: {
        'object.base': 'must be an object',
        'object.unknown': `key ${ATTRIBUTE_KEY_RULE}`,
        'alternatives.types': 'must be a string, a number or a boolean',
      },
    })
    .description('other keys: at most 20, to a string, a number or a boolean');

/**
 * An instant of a body as written (ISO 8601 with a zone), read into epoch
 * ms. `plausible()`, `notFuture()` and `notAfter()` add the rules of when.
 */
export const bodyInstant = (): InstantSchema => J.instant();

/** An instant of a query string: also a date (00:00 UTC); a `+` that decoded to a space is put back. */
export const queryInstant = (description: string): InstantSchema =>
  J.instant().query().description(`${description}: an ISO 8601 instant with a zone, or a date`);

/** The keys of an object schema, for schemas that share fields. */
export type Keys = Record<string, Joi.Schema>;

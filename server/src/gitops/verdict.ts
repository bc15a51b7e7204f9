/**
 * What a GitOps adapter (flux.ts, argocd.ts) makes of the body its tool
 * sends: a deployment to record, as a `POST /api/v1/deployments` body that
 * goes through the same validation, or an event acknowledged and not
 * recorded, with the reason. Also the helpers both adapters share.
 */
import type { AttributeValue } from '@svt/client';
import { createHash } from 'node:crypto';
import semver from 'semver';
import { J } from '../validation/joi.js';
import type { RouteParams } from '../validation/queries.js';
import {
  ATTRIBUTE_KEY_PATTERN,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_STRING,
  envName,
  isReservedKey,
} from '../validation/rules.js';

/** A deployment found in a foreign body. */
export interface DeploymentVerdict {
  kind: 'deployment';
  /** A `POST /api/v1/deployments` body, validated as one (validation/deployment.ts). */
  body: Record<string, unknown>;
  /**
   * Where each field of `body` came from in the foreign body (`version`:
   * `metadata.revision`), so that a refused value is named as the sender
   * knows it.
   */
  from: Record<string, string>;
  /**
   * The fields that tell this event apart from every other one, and are the
   * same in each resend of it: its idempotency key is derived from them
   * (idempotencyKeyOf), never from the whole body.
   */
  identity: Record<string, string>;
}

/** An event that is not a deployment, acknowledged (202) and not recorded. */
export interface IgnoredVerdict {
  kind: 'ignored';
  /** Why, in a sentence, for the answer and the log. */
  reason: string;
}

export type Verdict = DeploymentVerdict | IgnoredVerdict;

/** The query string of a hook's address: `?env=prod`, and optionally `&appKey=...`. */
export interface HookQuery {
  env: string;
  /** Flux: the metadata key holding the app name (default `app`); Argo CD: a label key (default: none, the name). */
  appKey?: string;
}

/** The parameters of a hook's address, checked like any query (a typo is a 400, not ignored). */
export const hookParams: RouteParams<object, HookQuery> = {
  path: J.object({}),
  query: J.object<HookQuery>({
    env: envName()
      .required()
      .meta({
        messages: {
          'any.required':
            'is required: the environment to record in, on the address the tool posts to (`?env=prod`)',
        },
      }),
    appKey: J.string()
      .empty('')
      .pattern(/^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?$/)
      .meta({
        messages: {
          'string.pattern.base':
            'must be a metadata or label key, such as app or app.kubernetes.io/name',
        },
      })
      .description(
        'Flux: the event metadata key naming the app (default `app`); Argo CD: the Application label naming it (default: none, its name)',
      ),
  }).meta({ messages: { 'object.unknown': 'is not a known parameter' } }),
};

export const ignored = (reason: string): IgnoredVerdict => ({ kind: 'ignored', reason });

/**
 * The idempotency key of an event: `<tool>:` and the SHA-256 of its
 * identity (sorted keys), so that a resend records once while another
 * event, or the same event sent to another environment, records anew. The
 * fingerprint the store compares is made from the same identity
 * (routes/hooks.ts), so that two resends of one event are never a 422
 * whatever else in their bodies differs.
 */
export function idempotencyKeyOf(tool: string, identity: Record<string, string>): string {
  const sorted = Object.keys(identity)
    .sort()
    .map((k) => [k, identity[k]]);
  return `${tool}:${createHash('sha256').update(JSON.stringify(sorted)).digest('hex')}`;
}

/**
 * The version of a deployment from a git commit: the ref when it is a
 * SemVer tag (`v1.4.2`, `1.4.2`: a GitRepository or Application pinned to a
 * tag), else the commit's first 12 hex digits, as the pages show commits.
 */
export function gitVersion(ref: string | null, commit: string): string {
  if (ref !== null && semver.valid(ref) !== null) return ref;
  return commit.slice(0, 12);
}

/** `text` cut to at most `max` UTF-16 units, with an ellipsis when cut, never half a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
}

/**
 * Attributes from name-value pairs, in order: empty values skipped,
 * strings cut to 1,024 characters, keys SVT refuses (pattern, reserved)
 * skipped, at most 20. Foreign metadata goes through here, so that an odd
 * key from the sender never turns a valid event into a 400.
 */
export function attributesOf(
  pairs: Iterable<readonly [string, AttributeValue | null | undefined]>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  let count = 0;
  for (const [key, value] of pairs) {
    if (count >= MAX_ATTRIBUTES) break;
    if (value === null || value === undefined || value === '') continue;
    if (!ATTRIBUTE_KEY_PATTERN.test(key) || isReservedKey(key) || Object.hasOwn(out, key)) continue;
    out[key] = typeof value === 'string' ? cutText(value, MAX_ATTRIBUTE_STRING) : value;
    count++;
  }
  return out;
}

/** A string field of a foreign object, or null when absent, empty or not a string. */
export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

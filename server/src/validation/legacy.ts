/**
 * The seed's `/create` rules, kept for its callers, as a joi schema: `env`,
 * `name`, `version` required, non-empty strings; the seed's version pattern
 * (or the operator's SVT_VERSION_PATTERN); no `$` or `.` in keys; no `<` or
 * `>` in values. `url` goes to the well-known field, other keys become
 * attributes. The seed's body has no instants: deployedAt is the time of
 * receipt, and `date`, its own name for it, is refused.
 */
import type { AttributeValue } from '@svt/client';
import type Joi from 'joi';
import { badRequest } from '../errors.js';
import { parseJson } from '../http/body.js';
import type { NewDeployment } from '../store/types.js';
import { check, contextValue, J, quote, takeReservedKeys, wellFormed } from './joi.js';
import {
  APP_PATTERN,
  APP_RULE,
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_KEY_RULE,
  ENV_PATTERN,
  ENV_RULE,
  LEGACY_VERSION_PATTERN,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_STRING,
  VERSION_PATTERN,
  RESERVED_KEY_RULE,
  VERSION_RULE,
  isHttpUrl,
  withoutCredentials,
  isReservedKey,
} from './rules.js';

/**
 * A JSON object whatever the Content-Type says (the seed's callers use
 * `curl -d '{...}'`, which sends a form type), else a form-encoded body.
 */
export function parseLegacyBody(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    const body = parseJson(trimmed);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('invalid-body', 'the body must be a JSON object or a form');
    }
    return Object.fromEntries(Object.entries(body));
  }
  const form: [string, unknown][] = [];
  const seen = new Map<string, number>();
  for (const [key, value] of new URLSearchParams(text)) {
    // A repeated field is kept as a list, which the string rule then refuses.
    const at = seen.get(key);
    const kept = at === undefined ? undefined : form[at];
    if (kept === undefined) {
      seen.set(key, form.length);
      form.push([key, value]);
    } else {
      kept[1] = [kept[1], value].flat();
    }
  }
  return Object.fromEntries(form);
}

const KNOWN = new Set(['env', 'name', 'version', 'url']);

/** The seed's own key rule: MongoDB would read `$` and `.` in a key as operators and paths. */
const seedKeyRule = (key: string) => key.includes('$') || key.includes('.');

/** A value of the seed's body: a string, well-formed, without `<` or `>`. */
const value = () =>
  J.string()
    .custom(wellFormed, 'well-formed Unicode')
    .custom((v: string, helpers) => (/[<>]/.test(v) ? helpers.error('legacy.angles') : v), 'no <>')
    .meta({ messages: { 'legacy.angles': 'must not contain "<" or ">"' } });
const named = (pattern: RegExp, rule: string) =>
  value()
    .pattern(pattern)
    .meta({ messages: { 'string.pattern.base': rule } })
    .required();

interface LegacyFields {
  env: string;
  name: string;
  version: string;
  url?: string;
  [attribute: string]: string | undefined;
}

/** The body of `POST /create`, JSON or form. */
export const legacyBody: Joi.ObjectSchema<LegacyFields> = J.object<LegacyFields>({
  env: named(ENV_PATTERN, ENV_RULE),
  name: named(APP_PATTERN, APP_RULE),
  version: value()
    .custom((v: string, helpers) => {
      const custom: unknown = contextValue('versionPattern');
      const pattern = custom instanceof RegExp ? custom : LEGACY_VERSION_PATTERN;
      if (pattern.test(v)) return v;
      return helpers.error(custom instanceof RegExp ? 'legacy.custom' : 'legacy.seed');
    }, 'the seed version pattern')
    .pattern(VERSION_PATTERN)
    .meta({
      messages: {
        'legacy.seed':
          'must look like 1.2.3 (the pattern ^[0-9]+\\.[0-9]+\\.[0-9]+[+0-9A-Za-z-]*$)',
        'legacy.custom': 'must match the pattern set in SVT_VERSION_PATTERN',
        'string.pattern.base': VERSION_RULE,
      },
    })
    .required()
    .description('like 1.2.3, or the SVT_VERSION_PATTERN'),
  url: value()
    .empty('')
    .custom(
      (v: string, helpers) =>
        isHttpUrl(v) ? v : helpers.error('string.uri', { got: quote(withoutCredentials(v)) }),
      'http URL',
    )
    .meta({ messages: { 'string.uri': 'must be an http or https URL; got {#got}' } }),
  date: J.any()
    .forbidden()
    .meta({ messages: { 'any.unknown': 'is set by the server and cannot be sent' } }),
})
  .pattern(ATTRIBUTE_KEY_PATTERN, value().allow('').max(MAX_ATTRIBUTE_STRING))
  .custom((body: Record<string, unknown>, helpers) => {
    const extra = Object.keys(body).filter((k) => !KNOWN.has(k)).length;
    return extra > MAX_ATTRIBUTES ? helpers.error('legacy.attributes') : body;
  }, 'at most 20 attributes')
  .meta({
    messages: {
      'object.unknown': `extra keys become attributes; a key ${ATTRIBUTE_KEY_RULE}`,
      'legacy.attributes': `at most ${MAX_ATTRIBUTES} extra keys are kept as attributes`,
    },
  })
  .description("The original SVT's body; keys other than these become attributes");

export interface LegacyOptions {
  versionPattern: RegExp | null;
  now: number;
  recordedBy: string | null;
}

/**
 * Validates a `/create` body into a NewDeployment (deployedAt: `now`);
 * throws a 400 HttpProblem listing every bad key: `__proto__`,
 * `constructor`, `prototype` and `$`-prefixed keys as reserved, at any
 * depth, JSON or form; other keys with `$` or `.` by the seed's rule.
 */
export function parseLegacyDeployment(
  body: Record<string, unknown>,
  options: LegacyOptions,
): NewDeployment {
  // Reserved keys first, named as the v1 route names them, form bodies
  // included (`__proto__=x` is refused, never dropped); then the seed's rule.
  const errors = [
    ...takeReservedKeys(body, isReservedKey, RESERVED_KEY_RULE),
    ...takeReservedKeys(body, seedKeyRule, 'keys must not contain "$" or "."'),
  ];
  const fields = check(legacyBody, body, {
    context: { versionPattern: options.versionPattern },
    errors,
  });
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(fields)) {
    if (!KNOWN.has(key) && v !== undefined) attributes[key] = v;
  }
  return {
    env: fields.env,
    app: fields.name,
    version: fields.version,
    status: 'success',
    deployedAt: options.now,
    commit: null,
    committedAt: null,
    ref: null,
    repository: null,
    url: fields.url ?? null,
    pipelineUrl: null,
    actor: null,
    source: 'legacy',
    attributes,
    recordedBy: options.recordedBy,
  };
}

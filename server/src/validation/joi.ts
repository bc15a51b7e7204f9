/**
 * joi, as SVT uses it: one root extended with an `instant` type (ISO 8601
 * text in, epoch milliseconds out), the messages every schema shares, and
 * `check()`, which runs a schema over a request's values and turns joi's
 * error details into the FieldError list of a 400 problem, one entry per
 * offending field.
 */
import Joi from 'joi';
import { ECHO_LIMITS, type FieldError, validationProblem } from '../errors.js';
import { MAX_SKEW_MS, PLAUSIBLE_FLOOR, parseInstant, repairPastedOffset } from './instants.js';

/** An instant: a string parsed into epoch ms. */
export interface InstantSchema extends Joi.AnySchema<number> {
  /** Read as a query parameter: a plain date is allowed, and a `+` decoded to a space is put back. */
  query(): this;
  /** Not before 2000-01-01T00:00:00Z (PLAUSIBLE_FLOOR). */
  plausible(): this;
  /** At most MAX_SKEW_MS after the server's clock, `now` in the validation context. */
  notFuture(): this;
  /** At most MAX_SKEW_MS after the sibling instant `key`, or after `now` when that one is absent. */
  notAfter(key: string): this;
}

export interface SvtJoi extends Joi.Root {
  instant(): InstantSchema;
}

/** An extension rule, typed for what these rules use. */
interface Rule {
  method(this: Joi.SchemaInternals, ...args: never[]): Joi.Schema;
  args?: (Joi.RuleArgs | string)[];
  validate(value: unknown, helpers: Joi.CustomHelpers, args: Record<string, unknown>): unknown;
}
/** joi's typings do not declare the `jsonSchema` hook yet, which joi 18 calls. */
interface InstantExtension extends Joi.Extension {
  rules: Record<string, Rule>;
  jsonSchema(schema: Joi.Schema, res: Record<string, unknown>): Record<string, unknown>;
}

/** A value quoted for a message: JSON string syntax (control characters escaped), cut at 80 characters. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The values the rules read during one `verdict()`: set around its single
 * synchronous `validate()` call, rather than passed as joi's `context`
 * option, because joi recompiles every schema's messages and clones its
 * preferences on each call that passes any option (it caches them only for
 * option-less calls): that was two thirds of the write route's CPU.
 */
let active: Record<string, unknown> = {};

/** A value of the running validation's context (see `active`). */
export function contextValue(key: string): unknown {
  return active[key];
}

function contextNow(): number {
  const now = contextValue('now');
  if (typeof now !== 'number') throw new Error('validation context has no `now`');
  return now;
}

const INSTANT_EXAMPLES = 'such as 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00';

const instantExtension: InstantExtension = {
  type: 'instant',
  messages: {
    'instant.base': 'must be a string',
    'instant.format': `must be an ISO 8601 instant with a zone, ${INSTANT_EXAMPLES}; got {#got}`,
    // Not the offset example: an unencoded "+" is what makes a pasted one fail here.
    'instant.query':
      'must be an ISO 8601 instant with a zone, such as 2026-11-28T09:30:00Z (an offset\'s "+" is written %2B in a URL), or a date such as 2026-11-28 (00:00 UTC); got {#got}',
    'instant.floor': 'must not be before 2000-01-01T00:00:00Z; got {#got}',
    'instant.future': `must be at most ${MAX_SKEW_MS / 60_000} minutes in the future`,
    'instant.afterDeploy': `must be at most ${MAX_SKEW_MS / 60_000} minutes after {#after}: a commit cannot be made after it was deployed; got {#got}`,
  },
  validate(value, helpers) {
    if (typeof value !== 'string') return { value, errors: [helpers.error('instant.base')] };
    const query = helpers.schema.$_getRule('query') !== undefined;
    const ms =
      value.length > 64 ? null : parseInstant(query ? repairPastedOffset(value) : value, query);
    if (ms === null) {
      return {
        value,
        errors: [helpers.error(query ? 'instant.query' : 'instant.format', { got: quote(value) })],
      };
    }
    return { value: ms };
  },
  rules: {
    // A marker the type's own validation reads; nothing to check once the text is parsed.
    query: {
      method() {
        return this.$_addRule({ name: 'query' });
      },
      validate: (value) => value,
    },
    plausible: {
      method() {
        return this.$_addRule({ name: 'plausible' });
      },
      validate(value, helpers) {
        if (typeof value !== 'number' || value >= PLAUSIBLE_FLOOR) return value;
        return helpers.error('instant.floor', { got: quote(helpers.original) });
      },
    },
    notFuture: {
      method() {
        return this.$_addRule({ name: 'notFuture' });
      },
      validate(value, helpers) {
        if (typeof value !== 'number' || value <= contextNow() + MAX_SKEW_MS) return value;
        return helpers.error('instant.future');
      },
    },
    notAfter: {
      method(key: string) {
        return this.$_addRule({ name: 'notAfter', args: { key, limit: Joi.ref(key) } });
      },
      // The sibling as validated: epoch ms, absent, or (when it was refused) its raw text.
      args: ['key', { name: 'limit', ref: true, assert: () => true, message: 'any value' }],
      validate(value, helpers, { key, limit }) {
        if (typeof value !== 'number') return value;
        const sent = typeof limit === 'number';
        if (!sent && limit !== undefined && limit !== null) return value;
        // The sibling as it takes effect: one dated ahead of the server's
        // clock takes effect at receipt (routes/record.ts), and so must its commit.
        const now = contextNow();
        const base = sent ? Math.min(limit, now) : now;
        if (value <= base + MAX_SKEW_MS) return value;
        const after = !sent
          ? `the time of receipt (${iso(base)}; ${String(key)} was not sent)`
          : limit > now
            ? `${String(key)} as it takes effect, at receipt (${iso(base)})`
            : `${String(key)} (${iso(base)})`;
        return helpers.error('instant.afterDeploy', { after, got: quote(helpers.original) });
      },
    },
  },
  jsonSchema(schema, res) {
    res.type = 'string';
    if (schema.$_getRule('query') === undefined) res.format = 'date-time';
    else res.anyOf = [{ format: 'date-time' }, { format: 'date' }];
    return res;
  },
};

/** joi with the `instant` type: the only joi root SVT's schemas use. */
export const J: SvtJoi = Joi.extend(instantExtension);

/** Messages shared by every schema, without joi's label: the path is reported beside them. */
const MESSAGES: Joi.LanguageMessages = {
  'any.required': 'is required',
  'any.unknown': 'is not allowed',
  'any.invalid': 'is not allowed',
  'any.only': 'must be one of {#valids}',
  'string.base': 'must be a string',
  'string.empty': 'must not be empty',
  'string.max': 'must be at most {#limit} characters',
  'string.unicode': 'is not valid Unicode',
  'number.base': 'must be a number',
  'number.infinity': 'must be a finite number',
  'number.unsafe': 'must be a safe integer or a decimal number',
  'object.base': 'must be an object',
  'object.max': 'must have at most {#limit} keys',
  'object.unknown': 'is not a known field',
};

/** A string that is well-formed UTF-16: a lone surrogate cannot be stored as UTF-8. */
export function wellFormed(value: string, helpers: Joi.CustomHelpers): string | Joi.ErrorReport {
  return value.isWellFormed() ? value : helpers.error('string.unicode');
}

// The most telling of several errors on one field: absent or of the wrong type first.
const FIRST = new Set([
  'any.required',
  'string.base',
  'string.empty',
  'string.unicode',
  'instant.base',
]);

/**
 * joi's error details as FieldErrors: one per path (its most telling), in
 * the order met. A field's own message (ownMessage, about a millisecond
 * each) is looked up for the first ECHO_LIMITS.errors only, the ones an
 * answer lists: 6,000 bad keys in a 64 KB body took 4.5 s of CPU otherwise.
 */
export function toFieldErrors(
  details: Joi.ValidationErrorItem[],
  schema?: Joi.Schema,
): FieldError[] {
  const byPath = new Map<string, Joi.ValidationErrorItem>();
  for (const d of details) {
    const path = d.path.join('.');
    const seen = byPath.get(path);
    if (seen === undefined || (FIRST.has(d.type) && !FIRST.has(seen.type))) byPath.set(path, d);
  }
  return [...byPath].map(([path, d], i) => ({
    path,
    message:
      (schema !== undefined && i < ECHO_LIMITS.errors ? ownMessage(schema, d) : undefined) ??
      d.message,
  }));
}

/**
 * A field's own message for an error, from `.meta({ messages })` on its
 * schema or the nearest enclosing one that has one for that code. SVT keeps
 * per-field messages in metadata rather than in joi's `.messages()`: joi
 * merges a schema's own preferences, and compiles their messages, on every
 * validation of it, which tripled the cost of a valid body. Looked up only
 * when there is an error. `{#key}` is filled from the error's context.
 */
function ownMessage(schema: Joi.Schema, d: Joi.ValidationErrorItem): string | undefined {
  for (let n = d.path.length; n >= 0; n--) {
    let at: Joi.Schema;
    try {
      at = n === 0 ? schema : schema.extract(d.path.slice(0, n).map(String));
    } catch {
      continue; // a key under .pattern(): its enclosing object speaks for it
    }
    for (const meta of at.describe().metas ?? []) {
      const messages: unknown = (meta as { messages?: unknown }).messages;
      if (typeof messages !== 'object' || messages === null) continue;
      const message: unknown = (messages as Record<string, unknown>)[d.type];
      if (typeof message === 'string') {
        return message.replace(/\{#(\w+)\}/g, (_, key: string) => String(d.context?.[key] ?? ''));
      }
    }
  }
  return undefined;
}

export interface CheckOptions {
  /** Values the rules read: `now` (epoch ms), `versionPattern` (RegExp or null). */
  context?: Record<string, unknown>;
  /** joi's type conversion: on for query strings (`limit=20` is a number), off for JSON bodies. */
  convert?: boolean;
  /** Errors found before the schema ran (repeated parameters, reserved keys), listed first. */
  errors?: FieldError[];
}

/** A schema's verdict: the validated value, or every offending field. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Each schema with SVT's preferences baked in, once per schema and
 * `convert`, so that `validate()` runs without options and joi reuses its
 * merged preferences (see `active`).
 */
const prepared = new WeakMap<Joi.Schema, Map<boolean, Joi.Schema>>();

function withPrefs<T>(schema: Joi.ObjectSchema<T>, convert: boolean): Joi.ObjectSchema<T> {
  let byConvert = prepared.get(schema);
  if (byConvert === undefined) {
    byConvert = new Map();
    prepared.set(schema, byConvert);
  }
  let ready = byConvert.get(convert);
  if (ready === undefined) {
    ready = schema.prefs({
      abortEarly: false,
      convert,
      messages: MESSAGES,
      errors: { wrap: { label: false } },
    });
    byConvert.set(convert, ready);
  }
  return ready as Joi.ObjectSchema<T>;
}

/** Runs `schema` over `value` (every error, not just the first); never throws a validation error. */
export function verdict<T>(
  schema: Joi.ObjectSchema<T>,
  value: unknown,
  options: CheckOptions = {},
): Verdict<T> {
  const ready = withPrefs(schema, options.convert ?? false);
  active = options.context ?? {};
  let result: Joi.ValidationResult<T>;
  try {
    result = ready.validate(value);
  } finally {
    active = {};
  }
  const errors = [...(options.errors ?? []), ...toFieldErrors(result.error?.details ?? [], schema)];
  if (result.error !== undefined || errors.length > 0) return { ok: false, errors };
  return { ok: true, value: result.value };
}

/**
 * Validates `value` against `schema` and returns joi's result (instants as
 * epoch ms); throws a 400 HttpProblem listing every offending field, those
 * of `options.errors` first.
 */
export function check<T>(
  schema: Joi.ObjectSchema<T>,
  value: unknown,
  options: CheckOptions = {},
): T {
  const v = verdict(schema, value, options);
  if (!v.ok) throw validationProblem(v.errors);
  return v.value;
}

/**
 * Removes the keys that `reserved` refuses from `body`, at any depth, and
 * returns one error for each (path, `message`). The keys go before joi sees
 * the body: joi copies objects key by key, and a `__proto__` key would
 * become the copy's prototype instead of an error.
 */
export function takeReservedKeys(
  body: unknown,
  reserved: (key: string) => boolean,
  message: string,
): FieldError[] {
  const errors: FieldError[] = [];
  // Breadth first with a queue, not recursion: 64 KB of "[[[[" nest 32,000 deep.
  const queue: [unknown, string][] = [[body, '']];
  for (let i = 0; i < queue.length; i++) {
    const [value, path] = queue[i] ?? [null, ''];
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (reserved(key)) {
        errors.push({ path: at, message });
        Reflect.deleteProperty(value, key);
      } else {
        queue.push([child, at]);
      }
    }
  }
  return errors;
}

/**
 * Validation of `POST /api/v1/deployments` bodies into a NewDeployment.
 * Joi checks shapes and types; the naming rules come from rules.ts so that
 * the legacy route applies the very same ones.
 */
import Joi from 'joi';
import type { AttributeValue, DeploymentStatus, RecordDeploymentRequest } from '@svt/client';
import { type FieldError, validationProblem } from '../errors.js';
import type { NewDeployment } from '../store/types.js';
import {
  APP_PATTERN,
  APP_RULE,
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_KEY_RULE,
  ENV_PATTERN,
  ENV_RULE,
  INSTANT_RULE,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_STRING,
  MAX_FUTURE_MS,
  VERSION_PATTERN,
  VERSION_RULE,
  isHttpUrl,
  isReservedKey,
  parseInstant,
} from './rules.js';

export const STATUSES: readonly DeploymentStatus[] = [
  'success',
  'failure',
  'started',
  'rolled_back',
];

// Free text of well-known metadata: no control characters.
const TEXT = /^[^\p{Cc}]*$/u;

const messages = {
  'any.required': 'is required',
  'any.only': 'must be one of {{#valids}}',
  'string.base': 'must be a string',
  'string.empty': 'must not be empty',
  'string.max': 'must be at most {{#limit}} characters',
  'string.pattern.base': 'must not contain control characters',
  'object.base': 'must be an object',
  'object.unknown': 'is not a known field (extra data goes under "attributes")',
  'object.max': `must have at most ${MAX_ATTRIBUTES} keys`,
  'alternatives.types': 'must be a string, a number or a boolean',
  'number.infinity': 'must be a finite number',
  'number.unsafe': 'must be a safe integer or a decimal number',
};

const text = (max: number) => Joi.string().min(1).max(max).pattern(TEXT).allow(null);
const instant = () =>
  Joi.string()
    .max(64)
    .custom((value: string, helpers) =>
      parseInstant(value) === null ? helpers.message({ custom: INSTANT_RULE }) : value,
    )
    .allow(null);
const httpUrl = () =>
  Joi.string()
    .custom((value: string, helpers) =>
      isHttpUrl(value) ? value : helpers.message({ custom: 'must be an http or https URL' }),
    )
    .allow(null);

const schema = Joi.object({
  env: Joi.string().required().pattern(ENV_PATTERN).messages({ 'string.pattern.base': ENV_RULE }),
  app: Joi.string().required().pattern(APP_PATTERN).messages({ 'string.pattern.base': APP_RULE }),
  version: Joi.string()
    .required()
    .pattern(VERSION_PATTERN)
    .messages({ 'string.pattern.base': VERSION_RULE }),
  status: Joi.string()
    .valid(...STATUSES)
    .allow(null),
  deployedAt: instant(),
  commit: Joi.string()
    .pattern(/^[^\s\p{C}]{1,128}$/u)
    .allow(null)
    .messages({ 'string.pattern.base': 'must be 1-128 printable characters without whitespace' }),
  committedAt: instant(),
  ref: text(256),
  url: httpUrl(),
  pipelineUrl: httpUrl(),
  actor: text(128),
  source: text(64),
  attributes: Joi.object()
    .pattern(
      Joi.string(),
      Joi.alternatives().try(
        Joi.string().max(MAX_ATTRIBUTE_STRING).allow(''),
        Joi.number(),
        Joi.boolean(),
      ),
    )
    .max(MAX_ATTRIBUTES)
    .allow(null),
})
  .messages(messages)
  .prefs({ abortEarly: false, convert: false, errors: { wrap: { label: false } } });

/** Keys that must never reach an object merge or a MongoDB query, anywhere in the body. */
function reservedKeyErrors(value: unknown, path: string[], errors: FieldError[]): void {
  if (typeof value !== 'object' || value === null || path.length > 3) return;
  for (const key of Object.keys(value)) {
    const here = [...path, key];
    if (isReservedKey(key)) {
      errors.push({ path: here.join('.'), message: 'is a reserved key and is refused' });
    } else {
      reservedKeyErrors((value as Record<string, unknown>)[key], here, errors);
    }
  }
}

function attributeErrors(attributes: unknown): FieldError[] {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return [];
  return Object.keys(attributes)
    .filter((key) => !isReservedKey(key) && !ATTRIBUTE_KEY_PATTERN.test(key))
    .map((key) => ({ path: `attributes.${key}`, message: `key ${ATTRIBUTE_KEY_RULE}` }));
}

/** Joi accepts lone UTF-16 surrogates, which SQLite and MongoDB would silently mangle. */
function malformedStringErrors(value: unknown, path: string[], errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed())
      errors.push({ path: path.join('.'), message: 'is not valid Unicode' });
  } else if (typeof value === 'object' && value !== null && path.length < 3) {
    for (const [key, v] of Object.entries(value)) malformedStringErrors(v, [...path, key], errors);
  }
}

export interface ValidateOptions {
  /** The operator's SVT_VERSION_PATTERN, applied on top of the general rule. */
  versionPattern: RegExp | null;
  /** The server's clock, in epoch ms. */
  now: number;
  recordedBy: string | null;
}

/** Validates a parsed JSON body; throws a 400 HttpProblem listing every bad field. */
export function parseDeployment(body: unknown, options: ValidateOptions): NewDeployment {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationProblem([{ path: '', message: 'the body must be a JSON object' }]);
  }
  const errors: FieldError[] = [];
  reservedKeyErrors(body, [], errors);
  malformedStringErrors(body, [], errors);
  if (errors.length > 0) throw validationProblem(errors);

  const { error, value } = schema.validate(body);
  errors.push(
    ...(error?.details ?? []).map((d) => ({ path: d.path.join('.'), message: d.message })),
  );
  const request = value as RecordDeploymentRequest;
  errors.push(...attributeErrors(request.attributes));
  if (
    options.versionPattern !== null &&
    typeof request.version === 'string' &&
    !options.versionPattern.test(request.version)
  ) {
    errors.push({ path: 'version', message: 'must match the pattern set in SVT_VERSION_PATTERN' });
  }
  const deployedAt =
    typeof request.deployedAt === 'string' ? parseInstant(request.deployedAt) : null;
  if (deployedAt !== null && deployedAt > options.now + MAX_FUTURE_MS) {
    errors.push({ path: 'deployedAt', message: 'must be at most 5 minutes in the future' });
  }
  if (errors.length > 0) throw validationProblem(errors);

  return {
    env: request.env,
    app: request.app,
    version: request.version,
    status: request.status ?? 'success',
    deployedAt: deployedAt ?? options.now,
    commit: request.commit ?? null,
    committedAt: request.committedAt == null ? null : parseInstant(request.committedAt),
    ref: request.ref ?? null,
    url: request.url ?? null,
    pipelineUrl: request.pipelineUrl ?? null,
    actor: request.actor ?? null,
    source: request.source ?? null,
    attributes: { ...(request.attributes ?? {}) } satisfies Record<string, AttributeValue>,
    recordedBy: options.recordedBy,
  };
}

/**
 * The seed's `/create` rules, kept for its callers: `env`, `name`, `version`
 * required, non-empty strings; the seed's version pattern (or the operator's
 * SVT_VERSION_PATTERN); no `$` or `.` in keys; no `<` or `>` in values. `url`
 * goes to the well-known field, other keys become attributes.
 */
import type { AttributeValue } from '@svt/client';
import { type FieldError, badRequest, validationProblem } from '../errors.js';
import { parseJson } from '../http/body.js';
import type { NewDeployment } from '../store/types.js';
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
  VERSION_RULE,
  isHttpUrl,
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
    return body as Record<string, unknown>;
  }
  const form: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    // A repeated field is kept as a list, which the string rule then refuses.
    form[key] = seen.has(key) ? [form[key], value] : value;
    seen.add(key);
  }
  return form;
}

const KNOWN = new Set(['env', 'name', 'version', 'url']);
// Keys that the seed's `/list` answer itself uses; as attributes they would be hidden.
const RESERVED = new Set(['date']);

export interface LegacyOptions {
  versionPattern: RegExp | null;
  now: number;
  recordedBy: string | null;
}

export function parseLegacyDeployment(
  body: Record<string, unknown>,
  options: LegacyOptions,
): NewDeployment {
  const errors: FieldError[] = [];
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.includes('$') || key.includes('.') || isReservedKey(key)) {
      errors.push({ path: key, message: 'keys must not contain "$" or "." nor be reserved words' });
    } else if (typeof value !== 'string') {
      errors.push({ path: key, message: 'must be a string' });
    } else if (value.includes('<') || value.includes('>')) {
      errors.push({ path: key, message: 'must not contain "<" or ">"' });
    } else if (!value.isWellFormed()) {
      errors.push({ path: key, message: 'is not valid Unicode' });
    } else {
      strings[key] = value;
    }
  }
  const required = (key: string, pattern: RegExp, rule: string): string => {
    const value = strings[key];
    if (body[key] === undefined) errors.push({ path: key, message: 'is required' });
    else if (value === '') errors.push({ path: key, message: 'must not be empty' });
    else if (value !== undefined && !pattern.test(value)) errors.push({ path: key, message: rule });
    return value ?? '';
  };
  const env = required('env', ENV_PATTERN, ENV_RULE);
  const name = required('name', APP_PATTERN, APP_RULE);
  const version = required(
    'version',
    options.versionPattern ?? LEGACY_VERSION_PATTERN,
    options.versionPattern === null
      ? 'must look like 1.2.3 (the pattern ^[0-9]+\\.[0-9]+\\.[0-9]+[+0-9A-Za-z-]*$)'
      : 'must match the pattern set in SVT_VERSION_PATTERN',
  );
  if (version !== '' && !VERSION_PATTERN.test(version)) {
    errors.push({ path: 'version', message: VERSION_RULE });
  }
  const url = strings.url === '' ? undefined : strings.url;
  if (url !== undefined && !isHttpUrl(url)) {
    errors.push({ path: 'url', message: 'must be an http or https URL' });
  }

  const attributes: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(strings)) {
    if (KNOWN.has(key)) continue;
    if (RESERVED.has(key)) {
      errors.push({ path: key, message: 'is set by the server and cannot be sent' });
    } else if (!ATTRIBUTE_KEY_PATTERN.test(key)) {
      errors.push({
        path: key,
        message: `extra keys become attributes; a key ${ATTRIBUTE_KEY_RULE}`,
      });
    } else if (value.length > MAX_ATTRIBUTE_STRING) {
      errors.push({ path: key, message: `must be at most ${MAX_ATTRIBUTE_STRING} characters` });
    } else {
      attributes[key] = value;
    }
  }
  if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
    errors.push({
      path: '',
      message: `at most ${MAX_ATTRIBUTES} extra keys are kept as attributes`,
    });
  }
  if (errors.length > 0) throw validationProblem(errors);

  return {
    env,
    app: name,
    version,
    status: 'success',
    deployedAt: options.now,
    commit: null,
    committedAt: null,
    ref: null,
    url: url ?? null,
    pipelineUrl: null,
    actor: null,
    source: 'legacy',
    attributes,
    recordedBy: options.recordedBy,
  };
}

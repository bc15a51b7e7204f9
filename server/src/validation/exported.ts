/**
 * One line of `svt-server export`: a deployment as the API returns it,
 * checked with the same field rules as a write before `import` stores it as
 * it was (its id, its instants). History is taken as it was stored: no 2000
 * floor and no commit-before-deployment rule (an older release kept both),
 * years read as written; deployedAt still at most 5 minutes after its own
 * receipt. Fields the line has beyond these (answers gain fields) are left.
 */
import { HttpProblem } from '../errors.js';
import type { ImportItem } from '../store/types.js';
import { type DeploymentFields, deploymentKeys, toNewDeployment } from './deployment.js';
import { check, J, takeReservedKeys } from './joi.js';
import { RESERVED_KEY_RULE, bodyInstant, isReservedKey, text } from './rules.js';

interface ExportedFields extends DeploymentFields {
  id: string;
  recordedAt: number;
  recordedBy?: string | null;
  idempotencyKey?: string | null;
}

/** An exported line: a stored Deployment. */
export const exportedLine = J.object<ExportedFields>({
  ...deploymentKeys(false),
  id: J.string()
    .pattern(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    .required()
    .meta({ messages: { 'string.pattern.base': 'must be a ULID' } }),
  recordedAt: bodyInstant().required(),
  // Well-formed text like every other field: a lone surrogate (`"\ud800"`
  // in the line) would otherwise be stored and come back as U+FFFD.
  recordedBy: text(128)
    .allow(null)
    .meta({ messages: { 'string.base': 'must be a string or null' } }),
  idempotencyKey: text(255)
    .allow(null)
    .meta({ messages: { 'string.base': 'must be a string or null' } }),
})
  .unknown(true)
  .meta({ messages: { 'object.base': 'not a JSON object' } });

/** The item to import, or an Error saying what is wrong with the line (`path: message; ...`). */
export function parseExported(line: string): ImportItem {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('not JSON');
  }
  try {
    const errors = takeReservedKeys(value, isReservedKey, RESERVED_KEY_RULE);
    // deployedAt at most 5 minutes after its own receipt: recordedAt is that line's "now".
    const recordedAt = typeof value === 'object' && value !== null ? recordedAtOf(value) : null;
    const d = check(exportedLine, value, { context: { now: recordedAt ?? Infinity }, errors });
    return {
      input: toNewDeployment(d, d.recordedAt, d.recordedBy ?? null),
      id: d.id,
      recordedAt: d.recordedAt,
      idempotencyKey: d.idempotencyKey ?? null,
    };
  } catch (err) {
    if (err instanceof HttpProblem) {
      throw new Error(err.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? err.message, {
        cause: err,
      });
    }
    throw err;
  }
}

function recordedAtOf(line: object): number | null {
  const raw: unknown = 'recordedAt' in line ? line.recordedAt : undefined;
  const { value, error } = bodyInstant().validate(raw, { convert: false });
  return error === undefined && typeof value === 'number' ? value : null;
}

/**
 * One line of `svt-server export`: a deployment as the API returns it,
 * checked with the same rules as a write before `import` stores it as it
 * was (its id, its instants).
 */
import { HttpProblem } from '../errors.js';
import type { ImportItem } from '../store/types.js';
import { parseDeployment } from './deployment.js';
import { parseInstant } from './rules.js';

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/; // a ULID
const WRITE_FIELDS = [
  'env',
  'app',
  'version',
  'status',
  'deployedAt',
  'commit',
  'committedAt',
  'ref',
  'url',
  'pipelineUrl',
  'actor',
  'source',
  'attributes',
] as const;

/** The item to import, or an Error saying what is wrong with the line. */
export function parseExported(line: string): ImportItem {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  const d = value as Record<string, unknown>;
  if (typeof d.id !== 'string' || !ID.test(d.id)) throw new Error('id: must be a ULID');
  const recordedAt = typeof d.recordedAt === 'string' ? parseInstant(d.recordedAt, false) : null;
  if (recordedAt === null) throw new Error('recordedAt: must be an ISO 8601 instant');
  for (const name of ['recordedBy', 'idempotencyKey'] as const) {
    if (d[name] !== null && d[name] !== undefined && typeof d[name] !== 'string') {
      throw new Error(`${name}: must be a string or null`);
    }
  }
  const body: Record<string, unknown> = {};
  for (const name of WRITE_FIELDS)
    if (d[name] !== null && d[name] !== undefined) body[name] = d[name];
  try {
    const input = parseDeployment(body, {
      versionPattern: null, // history is imported as it was recorded
      now: recordedAt, // deployedAt at most 5 minutes after its own receipt
      recordedBy: typeof d.recordedBy === 'string' ? d.recordedBy : null,
    });
    return {
      input,
      id: d.id,
      recordedAt,
      idempotencyKey: typeof d.idempotencyKey === 'string' ? d.idempotencyKey : null,
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

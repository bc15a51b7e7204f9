/**
 * How far an index serves a query, worked out from the index's key pattern
 * and the query's filter and sort, as MongoDB's planner bounds a scan:
 * equality on a run of leading index fields, then one range; the sort is
 * given by the index when it follows the key pattern (or its reverse) once
 * the fields fixed by equality are taken out. What the index does not
 * bound is "residual": checked document by document along the scan.
 */
import type { DeclaredIndex } from '../../server/src/store/mongo-schema.js';

export interface Coverage {
  /** Filter fields that bound the index scan, in key order. */
  bounded: string[];
  /** Filter fields (and `$or`/`$and`) checked along the scan, in filter order. */
  residual: string[];
  /** Whether the index gives the rows in the sort's order (no blocking sort). */
  sortServed: boolean;
}

type Kind = 'point' | 'range' | 'other';

const RANGE = new Set(['$lt', '$lte', '$gt', '$gte']);

/** How a filter value constrains its field. */
function kindOf(value: unknown): Kind {
  if (typeof value !== 'object' || value === null || value instanceof Date) return 'point';
  const ops = Object.keys(value);
  if (ops.includes('$eq') || ops.includes('$in')) {
    // `$exists: true` beside an equality adds nothing the equality does not imply.
    const rest = ops.filter((op) => op !== '$eq' && op !== '$in' && op !== '$exists');
    return rest.length === 0 ? 'point' : 'other';
  }
  if (ops.length > 0 && ops.every((op) => RANGE.has(op))) return 'range';
  return 'other';
}

/** The coverage of `filter` and `sort` by `index`. */
export function coverage(
  index: DeclaredIndex,
  filter: Record<string, unknown>,
  sort?: Readonly<Record<string, 1 | -1>>,
): Coverage {
  const kinds = new Map<string, Kind>();
  for (const [field, value] of Object.entries(filter)) {
    kinds.set(field, field.startsWith('$') ? 'other' : kindOf(value));
  }
  const keyFields = Object.entries(index.key);
  const bounded: string[] = [];
  for (const [field] of keyFields) {
    const kind = kinds.get(field);
    if (kind === 'point') {
      bounded.push(field);
      continue;
    }
    if (kind === 'range') bounded.push(field);
    break;
  }
  const residual = [...kinds.keys()].filter((field) => !bounded.includes(field));
  let sortServed = true;
  if (sort !== undefined) {
    const order = keyFields.filter(([field]) => kinds.get(field) !== 'point');
    const wanted = Object.entries(sort);
    const same = wanted.every(([f, d], i) => order[i]?.[0] === f && order[i]?.[1] === d);
    const reversed = wanted.every(([f, d], i) => order[i]?.[0] === f && order[i]?.[1] === -d);
    sortServed = same || reversed;
  }
  return { bounded, residual, sortServed };
}

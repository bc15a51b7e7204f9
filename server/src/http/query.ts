/**
 * Reading a request's path parameters and query string with the route's
 * schemas (validation/queries.ts), and the opaque history cursor.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { type DoraWindow, parseWindow } from '../dora.js';
import { type FieldError, badRequest, validationProblem } from '../errors.js';
import type { HistoryPosition, HistoryQuery } from '../store/types.js';
import { EARLIEST_INSTANT } from '../validation/instants.js';
import { verdict } from '../validation/joi.js';
import {
  type HistoryParams,
  type RouteParams,
  changesParams,
  doraParams,
  historyParams,
} from '../validation/queries.js';

/**
 * The query string's values, one each: a repeated parameter is refused
 * rather than silently picking one, and so is one named `__proto__`, which
 * no route knows and which a copy of the object would turn into a prototype.
 */
function queryValues(ctx: Context, errors: FieldError[]): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) errors.push({ path: name, message: 'must be given once' });
    else if (name === '__proto__') errors.push({ path: name, message: 'is not a known parameter' });
    else if (value !== undefined) entries.push([name, value]);
  }
  return Object.fromEntries(entries);
}

/**
 * Validates the path parameters and the query string of a request with its
 * route's schemas; throws one 400 HttpProblem listing every offending
 * parameter of both. Instants come back as epoch ms, defaults filled in.
 */
export function readParams<P, Q>(ctx: Context, route: RouteParams<P, Q>): { path: P; query: Q } {
  const errors: FieldError[] = [];
  const path = verdict(route.path, { ...ctx.params });
  const values = queryValues(ctx, errors);
  const query = verdict(route.query, values, { convert: true, errors });
  if (!path.ok || !query.ok) {
    throw validationProblem([...(path.ok ? [] : path.errors), ...(query.ok ? [] : query.errors)]);
  }
  return { path: path.value, query: query.value };
}

interface CursorBody {
  v: 1;
  t: number;
  i: string;
  f: string;
}

const CURSOR_ID = /^[0-9A-Za-z]{1,64}$/;

/** Ties a cursor to the filters it was issued for, so it cannot be replayed on another query. */
function filterTag(q: Omit<HistoryQuery, 'after' | 'limit'>): string {
  const key = JSON.stringify([q.env, q.app, q.status, q.since, q.until]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

export function encodeCursor(position: HistoryPosition, q: HistoryQuery): string {
  const body: CursorBody = { v: 1, t: position.deployedAt, i: position.id, f: filterTag(q) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(
  raw: string,
  q: Omit<HistoryQuery, 'after' | 'limit'>,
): HistoryPosition {
  const invalid = badRequest(
    'invalid-cursor',
    'cursor is not one this server issued for this query; start again without it',
  );
  let body: Partial<CursorBody>;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(raw)) throw invalid;
    body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw invalid;
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    body.v !== 1 ||
    typeof body.t !== 'number' ||
    !Number.isSafeInteger(body.t) ||
    body.t < EARLIEST_INSTANT ||
    typeof body.i !== 'string' ||
    !CURSOR_ID.test(body.i) ||
    body.f !== filterTag(q)
  ) {
    throw invalid;
  }
  return { deployedAt: body.t, id: body.i };
}

/**
 * 400 unless the window `since` (inclusive) .. `until` (exclusive) holds
 * something: an empty or inverted window is a caller's mistake, not a quiet
 * empty answer.
 */
export function checkWindow(since: number | undefined, until: number | undefined): void {
  if (since === undefined || until === undefined || since < until) return;
  const iso = (ms: number) => new Date(ms).toISOString();
  throw validationProblem([
    {
      path: 'until',
      message: `must be after since (${iso(since)}), the window's start; got ${iso(until)}`,
    },
  ]);
}

/** A history query from valid parameters, its cursor decoded. */
function historyQuery(p: HistoryParams): HistoryQuery {
  checkWindow(p.since, p.until);
  const filters = { env: p.env, app: p.app, status: p.status, since: p.since, until: p.until };
  return {
    ...filters,
    limit: p.limit,
    ...(p.cursor === undefined ? {} : { after: decodeCursor(p.cursor, filters) }),
  };
}

/** Parses `GET /api/v1/deployments` parameters; 400 listing every bad one. */
export function parseHistoryQuery(ctx: Context): { query: HistoryQuery; format: 'json' | 'csv' } {
  const { query } = readParams(ctx, historyParams);
  return { query: historyQuery(query), format: query.format };
}

/** Parses `GET /api/v1/changes` parameters: history's, with env and since required. */
export function parseChangesQuery(ctx: Context): {
  query: HistoryQuery & { env: string; since: number };
  format: 'json' | 'csv';
} {
  const { query } = readParams(ctx, changesParams);
  return {
    query: { ...historyQuery(query), env: query.env, since: query.since },
    format: query.format,
  };
}

/**
 * Parses `GET /api/v1/dora` parameters (and the DORA page's): env, app,
 * window (30d), until (default `now`, epoch ms); `untilGiven` tells a past
 * window from the one ending now.
 */
export function parseDoraQuery(
  ctx: Context,
  now: number,
): { window: DoraWindow; untilGiven: boolean } {
  const { query } = readParams(ctx, doraParams);
  const until = query.until ?? now;
  const span = parseWindow(query.window) ?? 0; // the schema refused any other window
  return {
    window: {
      env: query.env ?? null,
      app: query.app ?? null,
      window: query.window,
      // No earlier than year 0000, which an ISO 8601 instant can still write.
      since: Math.max(EARLIEST_INSTANT, until - span),
      until,
    },
    untilGiven: query.until !== undefined,
  };
}

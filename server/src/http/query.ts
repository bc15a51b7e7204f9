/**
 * Reading a request's path parameters and query string with the route's
 * schemas (validation/queries.ts), history cursors checked (cursor.ts).
 */
import type { Context } from 'koa';
import { type DoraWindow, parseWindow } from '../dora.js';
import { type FieldError, validationProblem } from '../errors.js';
import type { HistoryQuery } from '../store/types.js';
import type { HistoryCursors } from './cursor.js';
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
 * rather than silently picking one, unless the route takes it as a list
 * (`lists`: its values joined with commas); and so is one named
 * `__proto__`, which no route knows and which a copy of the object would
 * turn into a prototype.
 */
function queryValues(
  ctx: Context,
  errors: FieldError[],
  lists: readonly string[],
): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value) && lists.includes(name)) entries.push([name, value.join(',')]);
    else if (Array.isArray(value)) errors.push({ path: name, message: 'must be given once' });
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
  const values = queryValues(ctx, errors, route.lists ?? []);
  const query = verdict(route.query, values, { convert: true, errors });
  if (!path.ok || !query.ok) {
    throw validationProblem([...(path.ok ? [] : path.errors), ...(query.ok ? [] : query.errors)]);
  }
  return { path: path.value, query: query.value };
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

/** A history query from valid parameters, its cursor checked and decoded. */
async function historyQuery(p: HistoryParams, cursors: HistoryCursors): Promise<HistoryQuery> {
  checkWindow(p.since, p.until);
  const filters = { env: p.env, app: p.app, status: p.status, since: p.since, until: p.until };
  return {
    ...filters,
    limit: p.limit,
    ...(p.cursor === undefined ? {} : { after: await cursors.decode(p.cursor, filters) }),
  };
}

/** Parses `GET /api/v1/deployments` parameters; 400 listing every bad one, or naming a bad cursor. */
export async function parseHistoryQuery(
  ctx: Context,
  cursors: HistoryCursors,
): Promise<{ query: HistoryQuery; format: 'json' | 'csv' }> {
  const { query } = readParams(ctx, historyParams);
  return { query: await historyQuery(query, cursors), format: query.format };
}

/** Parses `GET /api/v1/changes` parameters: history's, with env and since required. */
export async function parseChangesQuery(
  ctx: Context,
  cursors: HistoryCursors,
): Promise<{
  query: HistoryQuery & { env: string; since: number };
  format: 'json' | 'csv';
}> {
  const { query } = readParams(ctx, changesParams);
  return {
    query: { ...(await historyQuery(query, cursors)), env: query.env, since: query.since },
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

/**
 * Query-string parameters of the read routes: one value each, validated with
 * the same rules as writes, and the opaque history cursor.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { DeploymentStatus } from '@svt/client';
import { type DoraWindow, MAX_WINDOW_DAYS, parseWindow } from '../dora.js';
import { type FieldError, badRequest, validationProblem } from '../errors.js';
import type { HistoryPosition, HistoryQuery } from '../store/types.js';
import {
  APP_PATTERN,
  APP_RULE,
  ENV_PATTERN,
  ENV_RULE,
  INSTANT_RULE,
  STATUSES,
  parseInstant,
} from '../validation/rules.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** One query parameter; a repeated one is refused rather than silently picking one. */
export function single(ctx: Context, name: string, errors: FieldError[]): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) {
    errors.push({ path: name, message: 'must be given once' });
    return undefined;
  }
  return value === undefined || value === '' ? undefined : value;
}

/** Refuses query parameters a route does not know, so that a typo is not silently ignored. */
export function onlyParams(ctx: Context, known: string[], errors: FieldError[]): void {
  for (const name of Object.keys(ctx.query)) {
    if (!known.includes(name)) errors.push({ path: name, message: 'is not a known parameter' });
  }
}

/** `format`: `json` (the default) or `csv`, for a spreadsheet. */
export function formatParam(ctx: Context, errors: FieldError[]): 'json' | 'csv' {
  const raw = single(ctx, 'format', errors);
  if (raw === undefined || raw === 'json') return 'json';
  if (raw === 'csv') return 'csv';
  errors.push({ path: 'format', message: 'must be json or csv' });
  return 'json';
}

export function checkEnv(env: string, path = 'env'): FieldError[] {
  return ENV_PATTERN.test(env) ? [] : [{ path, message: ENV_RULE }];
}

export function checkApp(app: string, path = 'app'): FieldError[] {
  return APP_PATTERN.test(app) ? [] : [{ path, message: APP_RULE }];
}

export function instantParam(ctx: Context, name: string, errors: FieldError[]): number | undefined {
  const raw = single(ctx, name, errors);
  if (raw === undefined) return undefined;
  const ms = parseInstant(raw, true);
  if (ms === null) {
    errors.push({
      path: name,
      message: `${INSTANT_RULE}, or a date such as 2026-11-28 (00:00 UTC)`,
    });
  }
  return ms ?? undefined;
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
    body.t < 0 ||
    typeof body.i !== 'string' ||
    !CURSOR_ID.test(body.i) ||
    body.f !== filterTag(q)
  ) {
    throw invalid;
  }
  return { deployedAt: body.t, id: body.i };
}

/** Parses `GET /api/v1/deployments` parameters; 400 listing every bad one. */
export function parseHistoryQuery(ctx: Context): HistoryQuery {
  const errors: FieldError[] = [];
  const env = single(ctx, 'env', errors);
  const app = single(ctx, 'app', errors);
  const status = single(ctx, 'status', errors);
  const since = instantParam(ctx, 'since', errors);
  const until = instantParam(ctx, 'until', errors);
  const limitRaw = single(ctx, 'limit', errors);
  const cursor = single(ctx, 'cursor', errors);
  if (env !== undefined) errors.push(...checkEnv(env));
  if (app !== undefined) errors.push(...checkApp(app));
  if (status !== undefined && !STATUSES.some((s) => s === status)) {
    errors.push({ path: 'status', message: `must be one of ${STATUSES.join(', ')}` });
  }
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== undefined) {
    limit = /^\d{1,3}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      errors.push({ path: 'limit', message: `must be an integer 1-${MAX_LIMIT}` });
    }
  }
  formatParam(ctx, errors);
  onlyParams(ctx, ['env', 'app', 'status', 'since', 'until', 'limit', 'cursor', 'format'], errors);
  if (errors.length > 0) throw validationProblem(errors);
  const filters = {
    env,
    app,
    status: status as DeploymentStatus | undefined,
    since,
    until,
  };
  return {
    ...filters,
    limit,
    ...(cursor === undefined ? {} : { after: decodeCursor(cursor, filters) }),
  };
}

/** Parses `GET /api/v1/dora` parameters (and the DORA page's): env, app, window (30d), until (now). */
export function parseDoraQuery(ctx: Context, now: number): DoraWindow {
  const errors: FieldError[] = [];
  const env = single(ctx, 'env', errors);
  const app = single(ctx, 'app', errors);
  const window = single(ctx, 'window', errors) ?? '30d';
  const until = instantParam(ctx, 'until', errors) ?? now;
  if (env !== undefined) errors.push(...checkEnv(env));
  if (app !== undefined) errors.push(...checkApp(app));
  const span = parseWindow(window);
  if (span === null) {
    errors.push({
      path: 'window',
      message: `must be a number of hours, days or weeks such as 24h, 30d or 12w, at most ${MAX_WINDOW_DAYS} days`,
    });
  }
  onlyParams(ctx, ['env', 'app', 'window', 'until'], errors);
  if (errors.length > 0 || span === null) throw validationProblem(errors);
  return { env: env ?? null, app: app ?? null, window, since: Math.max(0, until - span), until };
}

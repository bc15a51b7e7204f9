/**
 * Reading request bodies ourselves rather than through a body-parser
 * middleware: each route decides how to interpret the bytes (the legacy route
 * takes JSON whatever the Content-Type says), and every failure becomes a
 * clear 4xx instead of a parser's default answer.
 */
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { HttpProblem, badRequest } from '../errors.js';

/** Bodies above this many bytes get a 413. */
export const BODY_LIMIT = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

interface RawBodyError {
  type?: string;
  status?: number;
}

/** The request body as text: at most BODY_LIMIT bytes of valid UTF-8. */
export async function readText(ctx: Context): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, {
      limit: BODY_LIMIT,
      length: ctx.get('content-length') || undefined,
    });
  } catch (err) {
    const { type, status } = err as RawBodyError;
    if (type === 'entity.too.large') {
      throw new HttpProblem(413, {
        code: 'body-too-large',
        title: 'Request body too large',
        detail: `the body must be at most ${BODY_LIMIT} bytes`,
      });
    }
    if (status !== undefined && status >= 400 && status < 500) {
      throw badRequest('body-unreadable', 'the request body could not be read completely');
    }
    throw err;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('invalid-utf8', 'the request body is not valid UTF-8');
  }
}

/** Parses JSON text; a syntax error becomes a 400 that never echoes the body. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid-json', 'the request body is not valid JSON');
  }
}

/** A JSON body, for API routes: the Content-Type must say JSON. */
export async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json', '+json')) {
    throw new HttpProblem(415, {
      code: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail:
        'send the body as JSON with "Content-Type: application/json" (curl: --json, or -H "Content-Type: application/json")',
    });
  }
  return parseJson(await readText(ctx));
}

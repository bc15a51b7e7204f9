/**
 * Request bodies, read by @koa/bodyparser: the 64 KB limit, Content-Encoding
 * (gzip, deflate, br) and aborted requests are its part. It hands the body
 * over as text of one character per byte (latin1), and the UTF-8 check and
 * JSON.parse are done here: its decoder would turn invalid UTF-8 into U+FFFD
 * and a corrupted name would be stored without a word. Every failure is a
 * clear 4xx problem that never echoes the body.
 */
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { HttpProblem, badRequest } from '../errors.js';

/** Bodies above this many bytes get a 413. */
export const BODY_LIMIT = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const JSON_TYPES = ['application/json', '+json'];

/** The reader's errors (raw-body, inflation, zlib) as problems; nothing of the body in them. */
function readError(err: Error): Error {
  const type = 'type' in err ? err.type : undefined;
  const status = 'status' in err ? err.status : undefined;
  const code = 'code' in err ? err.code : undefined;
  if (type === 'entity.too.large') {
    return new HttpProblem(413, {
      code: 'body-too-large',
      title: 'Request body too large',
      detail: `the body must be at most ${BODY_LIMIT} bytes`,
    });
  }
  if (status === 415) {
    return new HttpProblem(415, {
      code: 'unsupported-content-encoding',
      title: 'Unsupported media type',
      detail: 'the Content-Encoding must be gzip, deflate, br or identity',
    });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return badRequest('body-unreadable', 'the request body could not be decompressed');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return badRequest('body-unreadable', 'the request body could not be read completely');
  }
  return err;
}

/** A reader of the body as latin1 text (one character per byte) for these media types. */
function reader(types: string[]): Middleware {
  return bodyParser({
    enableTypes: ['text'],
    extendTypes: { text: types },
    textLimit: BODY_LIMIT,
    encoding: 'latin1',
    onError: (err) => {
      throw readError(err);
    },
  });
}

const jsonReader = reader(JSON_TYPES);
const readAnyBytes = reader(['*/*']);

/** The body's bytes, as the reader left them (latin1 text, one character per byte). */
async function bytesWith(ctx: Context, read: Middleware): Promise<Buffer> {
  await read(ctx, async () => {});
  const bytes: unknown = ctx.request.body;
  if (typeof bytes !== 'string') {
    throw badRequest('body-unreadable', 'the request body could not be read completely');
  }
  return Buffer.from(bytes, 'latin1');
}

/** Bytes decoded as UTF-8; a 400 when they are not. */
function decode(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('invalid-utf8', 'the request body is not valid UTF-8');
  }
}

/** The bytes the reader left as latin1 text, decoded as UTF-8; a 400 when they are not. */
async function readWith(ctx: Context, read: Middleware): Promise<string> {
  return decode(await bytesWith(ctx, read));
}

/**
 * The request body as text, whatever its Content-Type (the legacy route's
 * and the login form's): at most BODY_LIMIT bytes of valid UTF-8; '' for
 * none. Throws 413 over the limit, 400 for invalid UTF-8.
 */
export async function readText(ctx: Context): Promise<string> {
  // The seed read a body whatever its Content-Type said, even none (Jenkins'
  // httpRequest sends none by default), where the parser reads typed bodies only.
  if (!ctx.request.is('*/*')) ctx.req.headers['content-type'] = 'application/octet-stream';
  return readWith(ctx, readAnyBytes);
}

/** Parses JSON text; a syntax error becomes a 400 that never echoes the body. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid-json', 'the request body is not valid JSON');
  }
}

/**
 * A JSON body, for API routes: the Content-Type must say JSON (415
 * otherwise); at most BODY_LIMIT bytes (413) of valid UTF-8 and JSON (400).
 * Any JSON value comes back, an object or not: the route's schema decides.
 */
export async function readJson(ctx: Context): Promise<unknown> {
  requireJsonType(ctx);
  return parseJson(await readWith(ctx, jsonReader));
}

/**
 * A JSON body as `readJson` reads it (same 415, 413 and 400), in two steps:
 * first its exact bytes (after Content-Encoding), for a signature computed
 * over them (a Flux `generic-hmac` provider signs the body it sends), then
 * `parse()` for its value. Nothing is parsed before the caller asks.
 */
export async function readJsonBytes(
  ctx: Context,
): Promise<{ bytes: Buffer; parse: () => unknown }> {
  requireJsonType(ctx);
  const bytes = await bytesWith(ctx, jsonReader);
  return { bytes, parse: () => parseJson(decode(bytes)) };
}

/** 415 unless the Content-Type says JSON. */
function requireJsonType(ctx: Context): void {
  if (!ctx.is(...JSON_TYPES)) {
    throw new HttpProblem(415, {
      code: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail:
        'send the body as JSON with "Content-Type: application/json" (curl: --json, or -H "Content-Type: application/json")',
    });
  }
}

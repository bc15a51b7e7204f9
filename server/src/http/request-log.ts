/**
 * Request ids and one log line per request. Logged: method, path, status,
 * duration, request id. Never a body, a query string or a header value, so
 * that tokens and request data stay out of logs.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';

const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const start = performance.now();
    const callerId = ctx.get('x-request-id');
    const reqId = CALLER_ID.test(callerId) ? callerId : randomUUID();
    ctx.state.reqId = reqId;
    ctx.set('X-Request-Id', reqId);
    try {
      await next();
    } finally {
      logger.info(
        {
          reqId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round((performance.now() - start) * 10) / 10,
        },
        'request',
      );
    }
  };
}

/**
 * The Koa application, with its dependencies passed in. Listening lives in
 * server.ts; tests drive `app.callback()`.
 */
import Koa from 'koa';
import compress from 'koa-compress';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { badRequest } from './errors.js';
import { HistoryCursors } from './http/cursor.js';
import { HeavyReads } from './http/heavy-reads.js';
import { problemMiddleware } from './http/problem.js';
import { hostAllowList, hostCheck } from './http/hosts.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { InFlight } from './idempotency.js';
import { Metrics } from './metrics.js';
import { Webhooks } from './webhooks.js';
import { apiV1Routes } from './routes/api-v1.js';
import { badgeRoutes } from './routes/badge.js';
import { cliDownloadRoutes } from './routes/cli-download.js';
import type { Lifecycle, RouteDeps } from './routes/context.js';
import { hookRoutes } from './routes/hooks.js';
import { legacyRoutes } from './routes/legacy.js';
import { linkRoutes } from './routes/links.js';
import { accessGuards, TokenUsage } from './auth/policy.js';
import { Limits } from './auth/rate-limits.js';
import { loginRoutes } from './routes/login.js';
import { opsRoutes } from './routes/ops.js';
import { pageRoutes } from './routes/pages.js';
import { webhookAdminRoutes } from './routes/webhooks-admin.js';
import { RouteTable } from './routes/table.js';
import type { Store } from './store/types.js';

export interface AppOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** Shared with the process so that readiness turns 503 on shutdown. Default: a fresh one. */
  lifecycle?: Lifecycle;
}

export function createApp({ store: bare, config, logger, lifecycle }: AppOptions): Koa {
  const app = new Koa();
  const metrics = new Metrics();
  const store = metrics.instrument(bare);
  const deps: RouteDeps = {
    store,
    metrics,
    config,
    logger,
    lifecycle: lifecycle ?? { shuttingDown: false },
    inFlight: new InFlight(),
    webhooks: new Webhooks(
      store,
      config.webhooks,
      { giveUpMs: config.webhookGiveUpMs, publicUrl: config.publicUrl },
      logger,
      metrics,
    ),
    cursors: new HistoryCursors(store),
    heavyReads: new HeavyReads(metrics),
  };

  // Client addresses (rate limits, the loopback rule) come from the socket,
  // or behind a proxy from the last X-Forwarded-For entry, the one the
  // proxy itself appended: earlier entries are the client's to forge.
  app.proxy = config.trustProxy;
  app.maxIpsCount = 1;
  const limits = new Limits(config.rateLimit, config.authFailLimit);
  const usage = new TokenUsage();
  const flush = setInterval(() => {
    usage.flush(store).catch((err: unknown) => logger.warn({ err }, 'cannot record token use'));
  }, 60_000);
  flush.unref();
  deps.lifecycle.beforeClose?.push(async () => {
    clearInterval(flush);
    await usage.flush(store);
  });
  // Deliveries go from the outbox, never on a request's path; on shutdown
  // the ones in flight are handed back to it before the store closes. An
  // app without a process around it (tests) stops delivering when its
  // store closes.
  deps.webhooks.start();
  deps.lifecycle.beforeClose?.push(() => deps.webhooks.stop());

  app.use(requestLog(logger));
  app.use(metrics.middleware());
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      // Once shutdown begins, close each connection after its answer: an idle
      // keep-alive socket would otherwise hold the exit back until it times out.
      if (deps.lifecycle.shuttingDown) ctx.set('Connection', 'close');
    }
  });
  // gzip or brotli as the client accepts (koa-compress): pages, JSON, CSV
  // streams and problems over 1 KB, never twice (it leaves a body that has a
  // Content-Encoding alone). Answers carry no secret next to reflected
  // input (sessions live in a cookie, a header), so compression cannot leak
  // one (BREACH). koa-compress runs brotli at quality 4 (zlib's default is
  // 11): about gzip's size for a fraction of the CPU.
  app.use(compress({ threshold: 1024 }));
  // The CSP follows what is answered (a page, or data), error answers included.
  app.use(securityHeaders());
  app.use(problemMiddleware(logger));
  // Against DNS rebinding, before anything else answers (http/hosts.ts).
  const hosts = hostCheck(hostAllowList(config.host, config.allowedHosts), config.trustProxy);
  if (hosts !== null) app.use(hosts);
  app.use(async (ctx, next) => {
    // The router decodes path parameters leniently; a malformed escape is the caller's error.
    try {
      decodeURIComponent(ctx.path);
    } catch {
      throw badRequest('invalid-path', 'the path has a malformed percent-encoding');
    }
    await next();
  });
  // One router for every route (each router is a middleware layer of its
  // own), each route behind the guard of the access it declares.
  const routes = new RouteTable(accessGuards({ store, config, logger, limits, usage }));
  opsRoutes(routes, deps);
  apiV1Routes(routes, deps);
  hookRoutes(routes, deps);
  webhookAdminRoutes(routes, deps);
  legacyRoutes(routes, deps);
  cliDownloadRoutes(routes);
  badgeRoutes(routes, deps);
  pageRoutes(routes, deps);
  linkRoutes(routes, deps);
  loginRoutes(routes, deps, limits);
  routes.verify();
  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods());
  // Errors are all answered by the problem middleware; what reaches here is a socket error.
  app.on('error', (err: unknown) => logger.debug({ err }, 'connection error'));
  return app;
}

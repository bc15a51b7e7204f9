/** Probes for orchestrators: liveness without the database, readiness with it. */
import type Router from '@koa/router';
import type { RouteDeps } from './context.js';

export function opsRoutes(router: Router, { store, lifecycle, logger }: RouteDeps): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    if (lifecycle.shuttingDown) {
      ctx.status = 503;
      ctx.body = { status: 'shutting-down' };
      return;
    }
    try {
      await store.ping();
      ctx.body = { status: 'ready', store: store.kind };
    } catch (err) {
      logger.warn({ err }, 'readiness check: store unreachable');
      ctx.status = 503;
      ctx.body = { status: 'store-unreachable', store: store.kind };
    }
  });
}

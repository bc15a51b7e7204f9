/** Probes for orchestrators (liveness without the database, readiness with it), Prometheus metrics and the OpenAPI description. */
import type { Routes } from './table.js';
import { openApiDocument } from '../openapi.js';
import { packageVersion } from '../version.js';
import type { RouteDeps } from './context.js';

export function opsRoutes(routes: Routes, { store, lifecycle, logger, metrics }: RouteDeps): void {
  routes.get('/healthz', 'public', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  routes.get('/readyz', 'public', async (ctx) => {
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

  // Read access like any read (a token with SVT_READ_AUTH=token): Prometheus sends one as a bearer token.
  routes.get('/metrics', 'read', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  // Serialized once: the description does not change while the process runs.
  const openapi = JSON.stringify(openApiDocument(packageVersion()));
  routes.get('/openapi.json', 'read', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openapi;
  });
}

/**
 * The webhook deliveries API, for admins (an `admin` token): the
 * deliveries given up (or still waiting) in the outbox, and a redelivery
 * of one, which sends it again with the same event id. A delivery never
 * shows its hook's URL, which often holds the hook's secret: only the
 * hook's index in SVT_WEBHOOKS and its host.
 */
import { HttpProblem, notFound } from '../errors.js';
import { readParams } from '../http/query.js';
import type { DeliveryRecord } from '../store/types.js';
import type { Recorded } from '../webhook-formats.js';
import { deliveriesParams, deliveryParams } from '../validation/queries.js';
import type { Webhooks } from '../webhooks.js';
import type { RouteDeps } from './context.js';
import type { Routes } from './table.js';

const BASE = '/api/v1/webhooks/deliveries';
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A delivery as the API answers it (the `Delivery` schema of openapi-webhooks.ts). */
function deliveryView(d: DeliveryRecord, webhooks: Webhooks) {
  const name = webhooks.nameOf(d.hook);
  const { deployment } = JSON.parse(d.event) as Recorded;
  return {
    id: d.id,
    hook: name === null ? null : { index: name.hook, host: name.host },
    state: d.state,
    attempts: d.attempts,
    createdAt: iso(d.createdAt),
    waitingSince: iso(d.since),
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAt) : null,
    failedAt: iso(d.failedAt),
    lastError: d.lastError,
    lastStatus: d.lastStatus,
    deployment: {
      id: deployment.id,
      env: deployment.env,
      app: deployment.app,
      version: deployment.version,
      status: deployment.status,
      deployedAt: deployment.deployedAt,
    },
  };
}

export function webhookAdminRoutes(routes: Routes, { store, webhooks }: RouteDeps): void {
  routes.get(BASE, 'admin', async (ctx) => {
    const { query } = readParams(ctx, deliveriesParams);
    const items = await store.deliveries(query.state, query.limit);
    ctx.body = { items: items.map((d) => deliveryView(d, webhooks)) };
  });

  routes.post(`${BASE}/:delivery/redeliver`, 'admin', async (ctx) => {
    const { delivery: id } = readParams(ctx, deliveryParams).path;
    // The id ends with its hook's key: no configured hook, no one to send it to.
    const key = id.slice(id.lastIndexOf('-') + 1);
    if (webhooks.nameOf(key) === null) {
      throw new HttpProblem(409, {
        code: 'hook-not-configured',
        title: 'Conflict',
        detail:
          'the hook of this delivery is not in SVT_WEBHOOKS any more (its url or format changed, or it was removed): it would never be sent',
      });
    }
    const delivery = await store.redeliver(id, Date.now());
    if (delivery === null) {
      throw notFound(
        `no delivery ${id} is in the outbox (a delivered one is not kept; failed ones are kept up to the latest 1,000)`,
      );
    }
    webhooks.resume(key);
    ctx.status = 202;
    ctx.body = { delivery: deliveryView(delivery, webhooks) };
  });
}

/**
 * The seed's routes, kept working for its callers: `POST /create`,
 * `GET /list/{env}` and `GET /list?env=`. Names match exactly; nothing a
 * caller sends is ever used as a pattern.
 */
import type { Routes } from './table.js';
import type { Context } from 'koa';
import type { Deployment, LegacyListItem } from '@svt/client';
import { readText } from '../http/body.js';
import { readParams } from '../http/query.js';
import { parseLegacyBody, parseLegacyDeployment } from '../validation/legacy.js';
import { legacyListParams, legacyListPathParams } from '../validation/queries.js';
import type { RouteDeps } from './context.js';
import { recordWrite } from './record.js';

const LIST_KEYS = new Set(['name', 'version', 'date', 'url']);

/** The seed's document shape: name, version, date, url and the extra keys at the top level. */
function toListItem(d: Deployment): LegacyListItem {
  const item: LegacyListItem = { name: d.app, version: d.version, date: d.deployedAt };
  if (d.url !== null) item.url = d.url;
  for (const [key, value] of Object.entries(d.attributes)) {
    if (!LIST_KEYS.has(key)) item[key] = value;
  }
  return item;
}

export function legacyRoutes(routes: Routes, deps: RouteDeps): void {
  const { store, config } = deps;
  routes.post('/create', 'legacy-write', async (ctx) => {
    const receivedAt = Date.now();
    const body = parseLegacyBody(await readText(ctx));
    const parsed = parseLegacyDeployment(body, {
      versionPattern: config.versionPattern,
      now: receivedAt,
      recordedBy: null,
    });
    const result = await recordWrite(ctx, deps, parsed, receivedAt, 'legacy', body);
    ctx.body = {
      message: result.firstInEnv ? 'Creation successful' : 'Update successful',
      deployment: result.deployment,
    };
  });

  const list = async (ctx: Context, env: string) => {
    const current = await store.current(env);
    ctx.body = (current ?? []).map(toListItem);
  };

  routes.get('/list/:env', 'read', async (ctx) =>
    list(ctx, readParams(ctx, legacyListPathParams).path.env),
  );
  routes.get('/list', 'read', async (ctx) =>
    list(ctx, readParams(ctx, legacyListParams).query.env),
  );
}

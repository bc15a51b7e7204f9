/**
 * The web pages: server-rendered HTML that works without JavaScript, and
 * their assets (served from server/assets, no CDN: SVT must work
 * air-gapped). Every page answers with a Content-Security-Policy that allows
 * no inline script or style.
 */
import type { Routes } from './table.js';
import type { Context, Next } from 'koa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareEnvironments } from '../compare.js';
import { HttpProblem, notFound } from '../errors.js';
import { checkWindow, parseDoraQuery, readParams } from '../http/query.js';
import { applicationPage } from '../pages/application.js';
import { changesPage } from '../pages/changes-page.js';
import { doraPage } from '../pages/dora-page.js';
import { comparePage } from '../pages/compare-page.js';
import { recordHint } from '../pages/empty-state.js';
import { environmentPage } from '../pages/environment.js';
import { html } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import { overviewPage } from '../pages/overview.js';
import {
  appPageParams,
  changesPageParams,
  comparePageParams,
  envPageParams,
  envSelectParams,
} from '../validation/queries.js';
import type { RouteDeps } from './context.js';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** This server as the reader reached it, for the copy-paste lines of the empty states. */
function originOf(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}

/** The pages' CSP, in place of the one every answer gets (app.ts), which loads nothing. */
function secure(ctx: Context): void {
  ctx.set('Content-Security-Policy', CSP);
}

/** Page errors as pages: a person gets a readable 400 or 404, with a way on. */
async function asPage(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof HttpProblem) || err.status >= 500) throw err;
    const details =
      err.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? err.detail ?? '';
    ctx.status = err.status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = layout({
      title: err.title,
      nav: 'none',
      body: html`<h1>${err.title}</h1>
        <p class="lead">${details}</p>
        ${ctx.state.hint ?? ''}
        <p><a href="/">Back to the overview</a></p>`,
    });
  }
  secure(ctx);
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const dir = new URL('../../assets/', import.meta.url);
  const assets = new Map<string, Asset>();
  // uPlot, for the DORA page's chart, from its package: served by us, never a CDN.
  const uplot = pathToFileURL(dirname(createRequire(import.meta.url).resolve('uplot')) + '/');
  for (const [name, type, from] of [
    ['app.css', 'text/css; charset=utf-8', new URL('app.css', dir)],
    ['app.js', 'text/javascript; charset=utf-8', new URL('app.js', dir)],
    ['dora.js', 'text/javascript; charset=utf-8', new URL('dora.js', dir)],
    ['favicon.svg', 'image/svg+xml', new URL('favicon.svg', dir)],
    ['uplot.js', 'text/javascript; charset=utf-8', new URL('uPlot.iife.min.js', uplot)],
    ['uplot.css', 'text/css; charset=utf-8', new URL('uPlot.min.css', uplot)],
  ] as const) {
    const body = readFileSync(from);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(name, { body, type, etag });
  }
  return assets;
}

export function pageRoutes(
  routes: Routes,
  { store, config, cursors, heavyReads }: RouteDeps,
): void {
  const assets = loadAssets();

  /** Environments in display order: SVT_ENV_ORDER's first, then the rest as first seen. */
  async function orderedEnvs(): Promise<string[]> {
    const names = (await store.environments()).map((r) => r.name);
    const listed = config.envOrder.filter((n) => names.includes(n));
    return [...listed, ...names.filter((n) => !config.envOrder.includes(n))];
  }

  const page = (ctx: Context, text: string) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = text;
  };

  routes.get('/assets/:name', 'public', (ctx) => {
    const asset = assets.get(ctx.params.name ?? '');
    if (asset === undefined) throw notFound(`no asset ${JSON.stringify(ctx.params.name)}`);
    secure(ctx);
    ctx.set('ETag', asset.etag);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = asset.type;
    ctx.status = 200;
    if (ctx.fresh) ctx.status = 304;
    else ctx.body = asset.body;
  });

  routes.get('/', 'page', asPage, async (ctx) => {
    const envs = await orderedEnvs();
    const states = new Map(
      await Promise.all(envs.map(async (env) => [env, (await store.current(env)) ?? []] as const)),
    );
    page(ctx, overviewPage({ envs, states, origin: originOf(ctx) }));
  });

  // The selector's form without JavaScript: /env?name=prod -> /env/prod.
  routes.get('/env', 'page', asPage, (ctx) => {
    const { name } = readParams(ctx, envSelectParams).query;
    ctx.redirect(`/env/${encodeURIComponent(name)}`);
  });

  routes.get('/env/:env', 'page', asPage, async (ctx) => {
    const {
      path: { env },
      query: { at },
    } = readParams(ctx, envPageParams);
    const [envs, current, latest] = await Promise.all([
      orderedEnvs(),
      store.current(env, at),
      store.latest(env, at),
    ]);
    if (current === null || latest === null) {
      ctx.state.hint = recordHint(originOf(ctx), env);
      throw notFound(`no deployment was ever recorded in environment "${env}"`);
    }
    page(
      ctx,
      environmentPage({
        env,
        envs,
        at: at === undefined ? null : new Date(at).toISOString(),
        current,
        latest,
        origin: originOf(ctx),
      }),
    );
  });

  routes.get('/env/:env/changes', 'page', asPage, async (ctx) => {
    const { path, query: q } = readParams(ctx, changesPageParams);
    const env = path.env;
    // Default window: the seven days before its end (now, or until).
    const { until, cursor } = q;
    const since = q.since ?? (until ?? Date.now()) - 7 * 24 * 3600 * 1000;
    checkWindow(since, until);
    const filters = { env, since, until };
    const query = {
      ...filters,
      limit: 100,
      ...(cursor === undefined ? {} : { after: await cursors.decode(cursor, filters) }),
    };
    const result = await store.history(query);
    let nextQuery: string | null = null;
    if (result.next !== null) {
      const params = new URLSearchParams({ since: new Date(since).toISOString() });
      if (until !== undefined) params.set('until', new Date(until).toISOString());
      params.set('cursor', await cursors.encode(result.next, query));
      nextQuery = params.toString();
    }
    page(
      ctx,
      changesPage({
        env,
        since: new Date(since).toISOString(),
        until: until === undefined ? null : new Date(until).toISOString(),
        items: result.items,
        nextQuery,
      }),
    );
  });

  routes.get('/app/:app', 'page', asPage, async (ctx) => {
    const {
      path: { app },
      query: { env, status, cursor },
    } = readParams(ctx, appPageParams);
    const environments = await store.app(app);
    if (environments === null) {
      ctx.state.hint = recordHint(originOf(ctx), 'prod', app);
      throw notFound(`no deployment of app "${app}" was ever recorded`);
    }
    const filters = { app, env, status };
    const query = {
      ...filters,
      limit: 50,
      ...(cursor === undefined ? {} : { after: await cursors.decode(cursor, filters) }),
    };
    const result = await store.history(query);
    let nextQuery: string | null = null;
    if (result.next !== null) {
      const params = new URLSearchParams();
      if (env !== undefined) params.set('env', env);
      if (status !== undefined) params.set('status', status);
      params.set('cursor', await cursors.encode(result.next, query));
      nextQuery = params.toString();
    }
    const order = await orderedEnvs();
    const rank = (e: string) => order.indexOf(e);
    page(
      ctx,
      applicationPage({
        app,
        environments: [...environments].sort((a, b) => rank(a.env) - rank(b.env)),
        history: result.items,
        nextQuery,
        filters: { env: env ?? null, status: status ?? null },
      }),
    );
  });

  routes.get('/compare', 'page', asPage, async (ctx) => {
    const query = readParams(ctx, comparePageParams).query;
    let from = query.from ?? null;
    let to = query.to ?? null;
    const at = query.at;
    const envs = await orderedEnvs();
    if (from === null && to === null && envs.length >= 2) {
      // The last promotion step by default: e.g. staging -> prod.
      from = envs.at(-2) ?? null;
      to = envs.at(-1) ?? null;
    }
    if (from === null || to === null) {
      page(ctx, comparePage({ envs, comparison: null, from, to }));
      return;
    }
    const [a, b] = await Promise.all([store.current(from, at), store.current(to, at)]);
    if (a === null) throw notFound(`no deployment was ever recorded in environment "${from}"`);
    if (b === null) throw notFound(`no deployment was ever recorded in environment "${to}"`);
    page(
      ctx,
      comparePage({
        envs,
        from,
        to,
        comparison: {
          from,
          to,
          at: at === undefined ? null : new Date(at).toISOString(),
          items: compareEnvironments(a, b),
        },
      }),
    );
  });

  routes.get('/dora', 'page', asPage, async (ctx) => {
    const { window, untilGiven } = parseDoraQuery(ctx, Date.now());
    const [envs, report] = await Promise.all([
      orderedEnvs(),
      heavyReads.run('dora', () => store.dora(window)),
    ]);
    page(ctx, doraPage({ envs, report, pastWindow: untilGiven }));
  });
}

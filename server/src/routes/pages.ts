/**
 * The web pages: server-rendered HTML that works without JavaScript, and
 * their assets (served from server/assets, no CDN: SVT must work
 * air-gapped). Their Content-Security-Policy (no inline script or style)
 * comes with every HTML answer (http/security-headers.ts), and their
 * errors are answered as pages (http/problem.ts).
 */
import type { Routes } from './table.js';
import type { Context } from 'koa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareEnvironments } from '../compare.js';
import { notFound } from '../errors.js';
import { checkWindow, parseDoraQuery, readParams } from '../http/query.js';
import { applicationPage } from '../pages/application.js';
import { changesPage } from '../pages/changes-page.js';
import { doraPage } from '../pages/dora-page.js';
import { comparePage } from '../pages/compare-page.js';
import { recordHint, type WriteHint } from '../pages/empty-state.js';
import { environmentPage } from '../pages/environment.js';
import { overviewPage } from '../pages/overview.js';
import {
  appPageParams,
  changesPageParams,
  comparePageParams,
  envPageParams,
  envSelectParams,
  overviewPageParams,
} from '../validation/queries.js';
import { chooseEnvironments } from '../pages/overview-view.js';
import { defaultComparison, orderEnvironments } from '../stages.js';
import { readState } from '../store/shared.js';
import { clientAddress, isLoopback, signedIn } from '../auth/policy.js';
import type { RouteDeps } from './context.js';

const MINUTE = 60_000;

/** `read` of each environment of `envs`, at once, by name. */
async function perEnv<T>(
  envs: readonly string[],
  read: (env: string) => Promise<T>,
): Promise<Map<string, T>> {
  return new Map(await Promise.all(envs.map(async (env) => [env, await read(env)] as const)));
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
    ['noscript.css', 'text/css; charset=utf-8', new URL('noscript.css', dir)],
    ['overview.css', 'text/css; charset=utf-8', new URL('overview.css', dir)],
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

  /** Environments in display order: SVT_ENV_ORDER's first, then by promotion stage (stages.ts). */
  async function orderedEnvs(): Promise<string[]> {
    const names = (await store.environments()).map((r) => r.name);
    return orderEnvironments(names, config.envOrder);
  }

  /**
   * Where the reader records from, for the copy-paste lines of the empty
   * states and 404s: this server as they reached it, and whether a write
   * from there needs a token, as the write guard decides (policy.ts).
   */
  async function writeHint(ctx: Context): Promise<WriteHint> {
    const tokenNeeded =
      config.auth && ((await store.everHadTokens()) || !isLoopback(clientAddress(ctx)));
    return { origin: `${ctx.protocol}://${ctx.host}`, tokenNeeded };
  }

  const page = (ctx: Context, text: string) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = text;
  };

  routes.get('/assets/:name', 'public', (ctx) => {
    const asset = assets.get(ctx.params.name ?? '');
    if (asset === undefined) throw notFound(`no asset ${JSON.stringify(ctx.params.name)}`);
    ctx.set('ETag', asset.etag);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = asset.type;
    ctx.status = 200;
    if (ctx.fresh) ctx.status = 304;
    else ctx.body = asset.body;
  });

  routes.get('/', 'page', async (ctx) => {
    const { q, stage = [], env = [], diff, at } = readParams(ctx, overviewPageParams).query;
    const all = await orderedEnvs();
    // Only the chosen environments are read: a view of prod is a fraction of the work.
    const { shown, unknown } = chooseEnvironments(all, stage, env);
    // Each environment's state and attempts from one snapshot (Store.snapshot). What was
    // tried where nothing succeeded: an app's first deployment in progress is a row too.
    const snapshots = await perEnv(shown, (name) => readState(store, name, at));
    const states = new Map([...snapshots].map(([name, s]) => [name, s?.current ?? []]));
    const attempts = new Map([...snapshots].map(([name, s]) => [name, s?.attempts ?? []]));
    const choices = {
      q: q ?? '',
      stages: stage,
      envs: env,
      diff,
      at: at === undefined ? null : new Date(at).toISOString(),
    };
    page(
      ctx,
      overviewPage({
        all,
        envs: shown,
        unknown,
        states,
        attempts,
        choices,
        hint: all.length === 0 ? await writeHint(ctx) : null,
        signedIn: signedIn(ctx),
      }),
    );
  });

  // The selector's form without JavaScript: /env?name=prod -> /env/prod.
  routes.get('/env', 'page', (ctx) => {
    const { name } = readParams(ctx, envSelectParams).query;
    ctx.redirect(`/env/${encodeURIComponent(name)}`);
  });

  routes.get('/env/:env', 'page', async (ctx) => {
    const {
      path: { env },
      query: { at },
    } = readParams(ctx, envPageParams);
    const [envs, state] = await Promise.all([orderedEnvs(), readState(store, env, at)]);
    if (state === null) {
      ctx.state.hint = recordHint(await writeHint(ctx), env);
      throw notFound(`no deployment was ever recorded in environment "${env}"`);
    }
    const { current } = state;
    // Each app's latest attempt: its open attempt, else the deployment that runs.
    const open = new Set(state.attempts.map((d) => d.app));
    const latest = [...state.attempts, ...current.filter((d) => !open.has(d.app))];
    page(
      ctx,
      environmentPage({
        signedIn: signedIn(ctx),
        env,
        envs,
        at: at === undefined ? null : new Date(at).toISOString(),
        current,
        latest,
        // The empty state, now: nothing current and nothing attempted.
        hint:
          at === undefined && current.length === 0 && latest.length === 0
            ? await writeHint(ctx)
            : null,
        forges: config.forges,
      }),
    );
  });

  routes.get('/env/:env/changes', 'page', async (ctx) => {
    const { path, query: q } = readParams(ctx, changesPageParams);
    const env = path.env;
    // Default window: the seven days before its end (now, or until), from
    // the minute, so that its form shows what a person would write.
    const { until, cursor } = q;
    const since =
      q.since ?? Math.floor(((until ?? Date.now()) - 7 * 24 * 60 * MINUTE) / MINUTE) * MINUTE;
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
        signedIn: signedIn(ctx),
        env,
        since: new Date(since).toISOString(),
        until: until === undefined ? null : new Date(until).toISOString(),
        items: result.items,
        nextQuery,
        forges: config.forges,
      }),
    );
  });

  routes.get('/app/:app', 'page', async (ctx) => {
    const {
      path: { app },
      query: { env, status, cursor },
    } = readParams(ctx, appPageParams);
    const environments = await store.app(app);
    if (environments === null) {
      ctx.state.hint = recordHint(await writeHint(ctx), 'prod', app);
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
        signedIn: signedIn(ctx),
        app,
        environments: [...environments].sort((a, b) => rank(a.env) - rank(b.env)),
        history: result.items,
        nextQuery,
        filters: { env: env ?? null, status: status ?? null },
        forges: config.forges,
      }),
    );
  });

  routes.get('/compare', 'page', async (ctx) => {
    const query = readParams(ctx, comparePageParams).query;
    let from = query.from ?? null;
    let to = query.to ?? null;
    const at = query.at;
    const choices = { q: query.q ?? '', diff: query.diff };
    const envs = await orderedEnvs();
    const step = defaultComparison(envs, config.envOrder);
    if (from === null && to === null && step !== null) {
      // The last promotion step by default: e.g. staging -> prod.
      ({ from, to } = step);
    }
    if (from === null || to === null) {
      page(
        ctx,
        comparePage({
          envs,
          comparison: null,
          from,
          to,
          forges: config.forges,
          choices,
          signedIn: signedIn(ctx),
        }),
      );
      return;
    }
    const [fromState, toState] = await Promise.all([
      readState(store, from, at),
      readState(store, to, at),
    ]);
    if (fromState === null) {
      throw notFound(`no deployment was ever recorded in environment "${from}"`);
    }
    if (toState === null) throw notFound(`no deployment was ever recorded in environment "${to}"`);
    const [a, b] = [fromState.current, toState.current];
    const [fromAttempts, toAttempts] = [fromState.attempts, toState.attempts];
    page(
      ctx,
      comparePage({
        signedIn: signedIn(ctx),
        envs,
        from,
        to,
        forges: config.forges,
        choices,
        attempts: { from: fromAttempts, to: toAttempts },
        comparison: {
          from,
          to,
          at: at === undefined ? null : new Date(at).toISOString(),
          items: compareEnvironments(a, b),
        },
      }),
    );
  });

  routes.get('/dora', 'page', async (ctx) => {
    const { window, untilGiven } = parseDoraQuery(ctx, Date.now());
    const [envs, report] = await Promise.all([
      orderedEnvs(),
      heavyReads.run('dora', () => store.dora(window)),
    ]);
    page(ctx, doraPage({ envs, report, pastWindow: untilGiven, signedIn: signedIn(ctx) }));
  });
}

/** The versioned JSON API, `/api/v1`. */
import type { Routes } from './table.js';
import type {
  AppList,
  AppState,
  ChangesPage,
  DeploymentDetail,
  Comparison,
  DoraReport,
  EnvironmentList,
  EnvironmentState,
  HistoryPage,
} from '@svt/client';
import type { Context } from 'koa';
import { finished, Readable } from 'node:stream';
import { CSV_HEADER, csvRow } from '../csv.js';
import { compareEnvironments } from '../compare.js';
import { notFound } from '../errors.js';
import { deploymentLinks } from '../forges.js';
import { readJson } from '../http/body.js';
import { parseChangesQuery, parseDoraQuery, parseHistoryQuery, readParams } from '../http/query.js';
import type { HistoryQuery } from '../store/types.js';
import { parseDeployment } from '../validation/deployment.js';
import {
  appParams,
  compareParams,
  deploymentParams,
  environmentParams,
  noParams,
} from '../validation/queries.js';
import { previousSuccess } from '../previous.js';
import { orderEnvironments } from '../stages.js';
import type { RouteDeps } from './context.js';
import { answerRecorded, recordWrite } from './record.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const V1 = '/api/v1';
/** Rows a CSV download reads at a time. */
const CSV_PAGE = 1000;

export function apiV1Routes(routes: Routes, deps: RouteDeps): void {
  const { store, config, cursors, heavyReads } = deps;
  /**
   * Current-state answers (attempts included), keyed by the deployments
   * bytes the store gave: a store that caches current state hands back the
   * same Buffer until a write commits (store/sqlite.ts, by data_version), and
   * the answer is then sent again without reading attempts or assembling
   * (and allocating) hundreds of kilobytes. Assembling it per request drove
   * a mark-compact every ~20 requests and the p99 to 12 ms at 2.6 million
   * deployments; an environment with a failed latest attempt (most of them,
   * in practice) used to miss this cache. Attempts read on a miss come from
   * the same data version or a later one; a later one has already retired
   * the key, which no read is handed again. An entry goes when its key does.
   */
  const currentBodies = new WeakMap<Buffer, Buffer>();

  /**
   * The pages' one order of environments (stages.ts orderEnvironments:
   * SVT_ENV_ORDER, then by stage, then first seen), as a comparison, for
   * the lists of environments the API answers: they follow the pages.
   * `firstSeen`: every environment, as Store.environments lists them.
   */
  function envOrder(firstSeen: readonly string[]): (a: string, b: string) => number {
    const ranks = new Map(orderEnvironments(firstSeen, config.envOrder).map((n, i) => [n, i]));
    return (a, b) => (ranks.get(a) ?? ranks.size) - (ranks.get(b) ?? ranks.size);
  }
  const storeEnvOrder = async () => envOrder((await store.environments()).map((r) => r.name));
  /**
   * Answers one page of history: `head`'s fields, then `items` and `next`,
   * the cursor of the page after it (also in `Link: rel="next"`). The
   * deployments go out as the store's JSON text when it has one (SQLite),
   * not parsed and serialized again.
   */
  async function answerHistoryPage(ctx: Context, query: HistoryQuery, head: object) {
    const page = await store.history(query);
    const next = page.next === null ? null : await cursors.encode(page.next, query);
    if (next !== null) {
      const params = new URLSearchParams(ctx.querystring);
      params.set('cursor', next);
      ctx.set('Link', `<${ctx.path}?${params.toString()}>; rel="next"`);
    }
    const open = JSON.stringify(head).slice(0, -1);
    const items = page.itemsJson ?? JSON.stringify(page.items);
    ctx.type = 'application/json';
    ctx.body = `${open}${open === '{' ? '' : ','}"items":${items},"next":${JSON.stringify(next)}}`;
  }

  routes.post(`${V1}/deployments`, 'write', async (ctx) => {
    const receivedAt = Date.now();
    const body = await readJson(ctx);
    const parsed = parseDeployment(body, {
      versionPattern: config.versionPattern,
      now: receivedAt,
      recordedBy: null,
    });
    const result = await recordWrite(ctx, deps, parsed, receivedAt, 'v1', body);
    answerRecorded(ctx, deps, parsed, result);
  });

  /** Every deployment the query matches (from its cursor on, all pages), streamed as CSV. */
  function sendCsv(ctx: Context, query: HistoryQuery, filename: string): void {
    // A slot for as long as the download lasts: Koa destroys the stream when
    // the answer ends or the client goes, and either way it closes.
    const release = heavyReads.enter('csv');
    const body = Readable.from(store.historyCsv({ ...query, limit: CSV_PAGE }));
    body.once('close', release);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
    ctx.body = body;
  }

  routes.get(`${V1}/deployments`, 'read', async (ctx) => {
    const { query, format } = await parseHistoryQuery(ctx, cursors);
    if (format === 'csv') {
      sendCsv(ctx, query, 'svt-history.csv');
      return;
    }
    await answerHistoryPage(ctx, query, {} satisfies Omit<HistoryPage, 'items' | 'next'>);
  });

  routes.get(`${V1}/deployments/:id`, 'read', async (ctx) => {
    const { id } = readParams(ctx, deploymentParams).path;
    const deployment = await store.deployment(id);
    if (deployment === null) throw notFound(`no deployment has the id ${id}`);
    const previous = await previousSuccess(store, deployment);
    ctx.body = {
      deployment,
      previous,
      links: deploymentLinks(deployment, previous, config.forges),
    } satisfies DeploymentDetail;
  });

  // What changed in an environment over a window: the list an incident
  // review asks for first. History with the environment and the start required.
  routes.get(`${V1}/changes`, 'read', async (ctx) => {
    const { query, format } = await parseChangesQuery(ctx, cursors);
    if (format === 'csv') {
      sendCsv(ctx, query, `svt-${query.env}-changes.csv`);
      return;
    }
    await answerHistoryPage(ctx, query, {
      env: query.env,
      since: iso(query.since),
      until: query.until === undefined ? null : iso(query.until),
    } satisfies Omit<ChangesPage, 'items' | 'next'>);
  });

  routes.get(`${V1}/environments`, 'read', async (ctx) => {
    readParams(ctx, noParams);
    const rows = await store.environments();
    const order = envOrder(rows.map((r) => r.name));
    ctx.body = {
      items: [...rows]
        .sort((a, b) => order(a.name, b.name))
        .map((r) => ({
          name: r.name,
          apps: r.apps,
          lastDeployedAt: iso(r.lastDeployedAt),
        })),
    } satisfies EnvironmentList;
  });

  routes.get(`${V1}/environments/:env`, 'read', async (ctx) => {
    const {
      path: { env },
      query: { at, format },
    } = readParams(ctx, environmentParams);
    if (format === 'csv') {
      const deployments = await store.current(env, at);
      if (deployments === null) {
        throw notFound(`no deployment was ever recorded in environment "${env}"`);
      }
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="svt-${env}.csv"`);
      ctx.body = CSV_HEADER + deployments.map(csvRow).join('');
      return;
    }
    // Now: the cached answer unless a write committed since. At an instant,
    // nothing is cached and the state is read in a reader thread.
    const state = await store.snapshot(env, at);
    if (state === null) {
      throw notFound(`no deployment was ever recorded in environment "${env}"`);
    }
    const deployments = state.currentJson;
    ctx.type = 'application/json';
    // An EnvironmentState ({env, at, attempts, deployments}), assembled
    // around the stored JSON of the deployments.
    const first = { env, at: at === undefined ? null : iso(at) } satisfies Pick<
      EnvironmentState,
      'env' | 'at'
    >;
    const envAt = JSON.stringify(first).slice(0, -1);
    const { release, attemptsJson } = state;
    if (release !== undefined && attemptsJson !== undefined) {
      // A state at an instant, its bytes on loan (Store.snapshot): sent as
      // they are and given back once the response is done, when nothing
      // reads them any more, or at once when its client has gone already
      // (finished() calls back for a response closed before it was asked).
      // Its attempts too are passed on as text: this answer allocates
      // little more than its head (sqlite-shared-bytes.ts).
      finished(ctx.res, () => release());
      const parts = [`${envAt},"attempts":`, attemptsJson, ',"deployments":', deployments, '}'];
      ctx.body = Readable.from(parts);
      ctx.length = parts.reduce((sum: number, part) => sum + Buffer.byteLength(part), 0);
      return;
    }
    let body = at === undefined ? currentBodies.get(deployments) : undefined;
    if (body === undefined) {
      const attempts = JSON.stringify(state.attempts);
      body = Buffer.concat([
        Buffer.from(`${envAt},"attempts":${attempts},"deployments":`),
        deployments,
        Buffer.from('}'),
      ]);
      if (at === undefined) currentBodies.set(deployments, body);
    }
    ctx.body = body;
  });

  routes.get(`${V1}/apps`, 'read', async (ctx) => {
    readParams(ctx, noParams);
    const [rows, order] = await Promise.all([store.apps(), storeEnvOrder()]);
    ctx.body = {
      items: rows.map((r) => ({
        ...r,
        environments: [...r.environments].sort(order),
        lastDeployedAt: iso(r.lastDeployedAt),
      })),
    } satisfies AppList;
  });

  routes.get(`${V1}/apps/:app`, 'read', async (ctx) => {
    const { app } = readParams(ctx, appParams).path;
    const [environments, order] = await Promise.all([store.app(app), storeEnvOrder()]);
    if (environments === null) throw notFound(`no deployment of app "${app}" was ever recorded`);
    ctx.body = {
      app,
      environments: [...environments].sort((a, b) => order(a.env, b.env)),
    } satisfies AppState;
  });

  routes.get(`${V1}/compare`, 'read', async (ctx) => {
    const { from, to, at } = readParams(ctx, compareParams).query;
    const [fromState, toState] = await Promise.all([
      store.current(from, at),
      store.current(to, at),
    ]);
    for (const [name, state] of [
      [from, fromState],
      [to, toState],
    ] as const) {
      if (state === null)
        throw notFound(`no deployment was ever recorded in environment "${name}"`);
    }
    ctx.body = {
      from,
      to,
      at: at === undefined ? null : iso(at),
      items: compareEnvironments(fromState ?? [], toState ?? []),
    } satisfies Comparison;
  });

  // DORA figures of an environment, an app, or both, over a window ending now or at `until`.
  routes.get(`${V1}/dora`, 'read', async (ctx) => {
    const { window } = parseDoraQuery(ctx, Date.now());
    ctx.body = (await heavyReads.run('dora', () => store.dora(window))) satisfies DoraReport;
  });
}

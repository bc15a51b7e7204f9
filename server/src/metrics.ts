/**
 * Prometheus metrics (prom-client), served at `/metrics`: HTTP requests and
 * their latency by route, deployments recorded by environment, source and
 * status, store operation latency, webhook deliveries and the outbox's
 * backlog, and the process's own metrics. One
 * registry per app, so that several apps in one process (tests) keep
 * separate counts.
 *
 * Labels come from bounded sets only: the route's template, never its path
 * (`/env/{env}`, not `/env/prod`); environment and source names as given,
 * up to LABEL_LIMIT distinct values each, then `other`, so that a caller
 * cannot grow the registry without bound; webhooks by their index in
 * SVT_WEBHOOKS and host, never their URL (which holds secrets).
 */
import type { Context, Middleware } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deployment } from '@svt/client';
import type { Store } from './store/types.js';
import type { HookLabel, OutboxGauge } from './webhooks.js';
import type { Outcome } from './webhook-worker.js';

export const LABEL_LIMIT = 100;

/** The store methods timed, by name: every method that reads or writes. */
const STORE_OPERATIONS = [
  'record',
  'current',
  'currentJson',
  'snapshot',
  'latest',
  'history',
  'deployment',
  'dora',
  'environments',
  'apps',
  'app',
  'prune',
  'importMany',
  'createToken',
  'listTokens',
  'revokeToken',
  'tokenByHash',
  'everHadTokens',
  'touchTokens',
  'createSession',
  'tokenBySession',
  'deleteSession',
  'purgeSessions',
  'serverKey',
  'ping',
  'claimDeliveries',
  'finishDelivery',
  'redeliver',
  'deliveries',
  'outboxStats',
] as const satisfies readonly (keyof Store)[];

/** Up to `limit` distinct values pass as they are; later ones become `other`. */
class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  of(value: string | null): string {
    if (value === null) return '';
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(value);
    return value;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route'>;
  private readonly deployments: Counter<'env' | 'source' | 'status'>;
  private readonly storeSeconds: Histogram<'operation' | 'outcome'>;
  private readonly webhookDeliveries: Counter<'hook' | 'host' | 'outcome'>;
  /** Reads the outbox for a scrape (webhooks.ts), set by watchOutbox. */
  private outboxRead: (() => Promise<OutboxGauge[]>) | null = null;
  /** One read serves the three gauges of a scrape; forgotten right after it. */
  private outboxSnapshot: Promise<OutboxGauge[] | null> | null = null;
  private readonly heavyRunning: Gauge<'kind'>;
  private readonly heavyRefused: Counter<'kind'>;
  private readonly envLabel = new BoundedLabel(LABEL_LIMIT);
  private readonly sourceLabel = new BoundedLabel(LABEL_LIMIT);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'svt_' });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'svt_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'svt_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.deployments = new Counter({
      name: 'svt_deployments_recorded_total',
      help: 'Deployments newly recorded (not replays), by environment, source and status',
      labelNames: ['env', 'source', 'status'],
      registers,
    });
    this.storeSeconds = new Histogram({
      name: 'svt_store_operation_duration_seconds',
      help: 'Time of each store operation, by operation and outcome (ok or error)',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'svt_webhook_deliveries_total',
      help: 'Webhook deliveries by this process, by hook index in SVT_WEBHOOKS, host and outcome: delivered, retried (an attempt failed; tried again later) or given_up',
      labelNames: ['hook', 'host', 'outcome'],
      registers,
    });
    const outboxGauge = (name: string, help: string, pick: (g: OutboxGauge) => number) => {
      const read = () => this.readOutbox();
      return new Gauge({
        name,
        help,
        labelNames: ['hook', 'host'],
        registers,
        async collect() {
          const state = await read();
          if (state === null) return; // unreadable now: the last values stay
          this.reset();
          for (const g of state) this.set({ hook: g.hook, host: g.host }, pick(g));
        },
      });
    };
    outboxGauge(
      'svt_webhook_outbox_pending',
      'Webhook deliveries waiting in the outbox (the store, so every instance says the same), by hook; `removed` for hooks no longer configured',
      (g) => g.pending,
    );
    outboxGauge(
      'svt_webhook_outbox_oldest_seconds',
      'Age of the oldest webhook delivery waiting in the outbox, by hook (0 with none)',
      (g) => g.oldestSeconds,
    );
    outboxGauge(
      'svt_webhook_outbox_failed',
      'Webhook deliveries given up and kept for the admin API (the latest 1,000), by hook',
      (g) => g.failed,
    );
    this.heavyRunning = new Gauge({
      name: 'svt_heavy_reads_in_progress',
      help: 'Heavy reads (DORA reports, CSV downloads) running, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.heavyRefused = new Counter({
      name: 'svt_heavy_reads_refused_total',
      help: 'Heavy reads answered 503 because the process ran its limit of them already, by kind',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of ['dora', 'csv']) {
      this.heavyRunning.set({ kind }, 0);
      this.heavyRefused.inc({ kind }, 0);
    }
  }

  /** A heavy read (http/heavy-reads.ts) started, ended, or was refused. */
  heavyRead(kind: 'dora' | 'csv', event: 'started' | 'ended' | 'refused'): void {
    if (event === 'started') this.heavyRunning.inc({ kind });
    else if (event === 'ended') this.heavyRunning.dec({ kind });
    else this.heavyRefused.inc({ kind });
  }

  /** Counts and times every request; the route label is the matched template, or `unmatched`. */
  middleware(): Middleware {
    return async (ctx: Context, next) => {
      const end = process.hrtime.bigint();
      try {
        await next();
      } finally {
        const route = routeOf(ctx);
        const seconds = Number(process.hrtime.bigint() - end) / 1e9;
        this.requestSeconds.observe({ method: ctx.method, route }, seconds);
        this.requests.inc({ method: ctx.method, route, status: String(ctx.status) });
      }
    };
  }

  /** A newly recorded deployment (a replay is not counted again). */
  recorded(d: Pick<Deployment, 'env' | 'source' | 'status'>): void {
    this.deployments.inc({
      env: this.envLabel.of(d.env),
      source: this.sourceLabel.of(d.source),
      status: d.status,
    });
  }

  /**
   * Webhook deliveries that ended so (webhooks.ts); 0 still creates the
   * series, so that it exists before the first delivery. Labels: the hook's
   * index and host (or `removed`), never its URL (which holds secrets).
   */
  webhookDelivery(label: HookLabel, outcome: Outcome, n: number): void {
    this.webhookDeliveries.inc({ ...label, outcome }, n);
  }

  /** Where the outbox gauges read from at each scrape (webhooks.ts); without it they stay empty. */
  watchOutbox(read: () => Promise<OutboxGauge[]>): void {
    this.outboxRead = read;
  }

  /** The outbox state for this scrape (one read for its three gauges); null when unreadable. */
  private readOutbox(): Promise<OutboxGauge[] | null> {
    const read = this.outboxRead;
    if (read === null) return Promise.resolve([]);
    if (this.outboxSnapshot === null) {
      const state = read().catch(() => null);
      this.outboxSnapshot = state;
      // The scrape's other gauges read it in the microtasks that follow; the next scrape reads anew.
      void state.then(() => setImmediate(() => (this.outboxSnapshot = null)));
    }
    return this.outboxSnapshot;
  }

  /** The store with each operation timed; everything else passes through. */
  instrument(store: Store): Store {
    const timed: Partial<Record<keyof Store, unknown>> = {};
    for (const operation of STORE_OPERATIONS) {
      const method = (store[operation] as (...args: unknown[]) => Promise<unknown>).bind(store);
      timed[operation] = async (...args: unknown[]) => {
        const start = process.hrtime.bigint();
        let outcome = 'error';
        try {
          const result = await method(...args);
          outcome = 'ok';
          return result;
        } finally {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          this.storeSeconds.observe({ operation, outcome }, seconds);
        }
      };
    }
    return new Proxy(store, {
      get: (target, key, receiver) =>
        key in timed ? timed[key as keyof Store] : (Reflect.get(target, key, receiver) as unknown),
    });
  }
}

/** The route template the router matched (`/api/v1/environments/:env`), else `unmatched`. */
function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

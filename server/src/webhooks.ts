/**
 * Outgoing webhooks (SVT_WEBHOOKS), delivered from the store's outbox
 * (store/outbox-types.ts) at least once, even across restarts:
 * - the write puts one delivery per configured hook in the outbox in the
 *   deployment's own transaction (routes/record.ts passes the hook keys),
 *   so an acknowledged deployment is never lost to its hooks;
 * - this loop, on the server process, never on a request's path, runs one
 *   worker per hook (webhook-worker.ts): it claims due deliveries with a
 *   lease (so that several instances over one MongoDB share them, and a
 *   dead instance's are taken over when its leases run out), posts them
 *   (webhook-formats.ts), and deletes each delivered one; a failed one is
 *   retried with backoff until `SVT_WEBHOOK_GIVE_UP` (24 h) has passed
 *   since it was recorded, then kept as failed (the latest KEEP_FAILED) for
 *   the admin API to list and redeliver;
 * - every request carries `X-SVT-Event-Id`, the same on every attempt, for
 *   the receiver to drop a repeat: a delivery sent but not yet marked when
 *   the process died is sent again after the restart;
 * - memory holds one small batch per hook, whatever the backlog.
 *
 * Deliveries recorded for a hook that is no longer configured (its URL or
 * format changed, or it was removed) wait in the outbox, are given up at
 * the give-up time like any other, and can then be listed; a hook put back
 * as it was before then picks its backlog up again. A deployment recorded
 * while a hook was not configured is never delivered to it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { StoreClosed } from './store/shared.js';
import type { Store } from './store/types.js';
import { type HookName, type WebhookConfig, hookName } from './webhook-config.js';
import { HookWorker, type Outcome, type WorkerSettings } from './webhook-worker.js';

/** Given-up deliveries kept for the admin API; older ones are deleted. */
export const KEEP_FAILED = 1000;

/** Settings of the loop; defaults are the documented ones. Tests shorten them. */
export interface WebhookOptions {
  /** This instance's name on its leases; default host, process id and a random part. */
  owner?: string;
  /** How long a claim holds a delivery: past it, another instance may take it over. Default 2 min. */
  leaseMs?: number;
  /** Deliveries a worker claims at a time. Default 10. */
  batch?: number;
  /** How often a worker with nothing due looks again (another instance may have recorded). Default 2 s. */
  pollMs?: number;
  /** Time for one attempt. Default 10 s. */
  timeoutMs?: number;
  /** First backoff of a delivery and of a failing hook. Default 1 s. */
  retryBaseMs?: number;
  /** Longest backoff of a delivery. Default 10 min. */
  retryMaxMs?: number;
  /** Longest pause of a failing hook. Default 1 min. */
  pauseMaxMs?: number;
  /** How often deliveries out of time are given up and the failed ones trimmed. Default 1 min. */
  sweepMs?: number;
  /**
   * Whether start() first ends every lease in the outbox, those of a killed
   * process: right for SQLite, which one process serves (the default
   * there); never with several instances (MongoDB), whose leases are live.
   */
  takeOverAtStart?: boolean;
  now?: () => number;
  random?: () => number;
}

/** What the loop needs from the server's settings (config.ts). */
export interface WebhookSettings {
  /** SVT_WEBHOOK_GIVE_UP, in ms. */
  giveUpMs: number;
  /** SVT_PUBLIC_URL, for links back to SVT. */
  publicUrl: string | null;
}

/** `90m`, `24h`, `7d`: the give-up time as people set it. */
function duration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

export class Webhooks {
  /** The keys of the configured hooks: what each new deployment is recorded with. */
  readonly keys: readonly string[];
  private readonly workers: HookWorker[];
  private readonly byKey: Map<string, HookName>;
  private readonly settings: WorkerSettings;
  private readonly sweepMs: number;
  private readonly takeOverAtStart: boolean;
  private sweeper: NodeJS.Timeout | null = null;
  private started: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    hooks: readonly WebhookConfig[],
    { giveUpMs, publicUrl }: WebhookSettings,
    private readonly logger: Logger,
    private readonly metrics: Metrics | null = null,
    options: WebhookOptions = {},
  ) {
    this.keys = hooks.map((h) => h.key);
    this.byKey = new Map(hooks.map((h, i) => [h.key, hookName(hooks, i)]));
    this.settings = {
      owner: options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      leaseMs: options.leaseMs ?? 120_000,
      batch: options.batch ?? 10,
      pollMs: options.pollMs ?? 2000,
      timeoutMs: options.timeoutMs ?? 10_000,
      retryBaseMs: options.retryBaseMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 600_000,
      pauseMaxMs: options.pauseMaxMs ?? 60_000,
      giveUpMs,
      publicUrl,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.sweepMs = options.sweepMs ?? 60_000;
    this.takeOverAtStart = options.takeOverAtStart ?? store.kind === 'sqlite';
    this.workers = hooks.map((hook, i) => {
      const name = hookName(hooks, i);
      return new HookWorker(hook, name, store, this.settings, logger, (outcome) =>
        this.count(this.labelOf(hook.key), outcome),
      );
    });
    for (const key of this.keys) {
      for (const outcome of ['delivered', 'retried', 'given_up'] as const) {
        metrics?.webhookDelivery(this.labelOf(key), outcome, 0);
      }
    }
    metrics?.watchOutbox(async () => this.outboxState());
  }

  /** The hook's name in logs and metrics, or null for a key no configured hook has. */
  nameOf(key: string): HookName | null {
    return this.byKey.get(key) ?? null;
  }

  /**
   * Starts delivering, off every request's path. With SQLite, which one
   * process serves, the leases a killed process left are released first,
   * so that its deliveries go at once instead of when the leases end.
   */
  start(): void {
    if (this.workers.length === 0 || this.started !== null) return;
    this.started = (async () => {
      if (this.takeOverAtStart) {
        try {
          await this.store.releaseDeliveries(null);
        } catch (err) {
          if (err instanceof StoreClosed) return;
          this.logger.warn({ err }, 'cannot release the webhook leases of an earlier run');
        }
      }
      if (this.stopped) return;
      for (const worker of this.workers) worker.start();
      void this.sweep();
      this.sweeper = setInterval(() => void this.sweep(), this.sweepMs);
      this.sweeper.unref();
    })();
  }

  /** A deployment was recorded with deliveries: the workers look now. Cheap, synchronous. */
  poke(): void {
    for (const worker of this.workers) worker.poke();
  }

  /** An admin redelivered one of the hook's deliveries: the hook's worker ends any pause and looks now. */
  resume(key: string): void {
    this.workers[this.keys.indexOf(key)]?.resume();
  }

  /** Stops: the deliveries in flight are aborted and handed back to the outbox. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    await this.started;
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** A hook's metric labels: its index and host, or `removed` for a key no configured hook has. */
  private labelOf(key: string): HookLabel {
    const name = this.nameOf(key);
    return name === null
      ? { hook: 'removed', host: '' }
      : { hook: String(name.hook), host: name.host };
  }

  private count(label: HookLabel, outcome: Outcome): void {
    this.metrics?.webhookDelivery(label, outcome, 1);
  }

  /** Gives up what is out of time, whatever its hook, then trims the failed ones kept. */
  private async sweep(): Promise<void> {
    const now = this.settings.now();
    const reason = `not delivered within ${duration(this.settings.giveUpMs)}`;
    try {
      let given: string[];
      let rounds = 0;
      do {
        given = await this.store.expireDeliveries(now - this.settings.giveUpMs, now, 500, reason);
        for (const key of given) this.count(this.labelOf(key), 'given_up');
        if (given.length > 0) {
          this.logger.warn({ count: given.length }, `webhook deliveries given up: ${reason}`);
        }
      } while (given.length === 500 && ++rounds < 20 && !this.stopped);
      await this.store.trimFailedDeliveries(KEEP_FAILED);
    } catch (err) {
      if (!(err instanceof StoreClosed)) {
        this.logger.warn({ err }, 'webhook outbox sweep failed; trying again later');
      }
    }
  }

  /** Each hook's backlog for /metrics: configured hooks always, others as `removed`. */
  private async outboxState(): Promise<OutboxGauge[]> {
    const now = this.settings.now();
    const gauges = new Map<string, OutboxGauge>();
    for (const { hook, host } of this.byKey.values()) {
      gauges.set(String(hook), {
        hook: String(hook),
        host,
        pending: 0,
        oldestSeconds: 0,
        failed: 0,
      });
    }
    for (const stat of await this.store.outboxStats()) {
      const { hook, host } = this.labelOf(stat.hook);
      const gauge = gauges.get(hook) ?? { hook, host, pending: 0, oldestSeconds: 0, failed: 0 };
      gauge.pending += stat.pending;
      gauge.failed += stat.failed;
      if (stat.oldestSince !== null) {
        gauge.oldestSeconds = Math.max(gauge.oldestSeconds, (now - stat.oldestSince) / 1000);
      }
      gauges.set(hook, gauge);
    }
    return [...gauges.values()];
  }
}

/** A hook's labels in /metrics. */
export interface HookLabel {
  hook: string;
  host: string;
}

/** One hook's outbox as /metrics shows it. */
export interface OutboxGauge extends HookLabel {
  pending: number;
  oldestSeconds: number;
  failed: number;
}

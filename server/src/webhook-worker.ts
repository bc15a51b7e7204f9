/**
 * One hook's deliveries (webhooks.ts runs one worker per hook): claim a
 * small batch of its due deliveries from the outbox with a lease, post them
 * one at a time, and tell the store how each ended. A hook whose receiver
 * is down or failing pauses (backoff doubling from 1 s to a minute, with
 * jitter) instead of marching its whole backlog through one failure each;
 * each failed delivery is retried on its own backoff (doubling to 10
 * minutes, with jitter) until it succeeds or its give-up time comes. A
 * hook that hangs holds back only its own worker. Memory: one batch.
 */
import type { Logger } from 'pino';
import type { DeliveryOutcome, OutboxItem, Store } from './store/types.js';
import { StoreClosed } from './store/shared.js';
import { type HookName, type WebhookConfig } from './webhook-config.js';
import { type Recorded, render, signature } from './webhook-formats.js';

/** The loop's settings that a worker reads; webhooks.ts documents the defaults. */
export interface WorkerSettings {
  owner: string;
  leaseMs: number;
  batch: number;
  pollMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pauseMaxMs: number;
  giveUpMs: number;
  publicUrl: string | null;
  now: () => number;
  random: () => number;
}

/** How a delivery ended, for the metrics. */
export type Outcome = 'delivered' | 'retried' | 'given_up';

/** What an attempt got back: nothing wrong, or what went wrong (and whether the receiver was reached). */
type Answer =
  { ok: true } | { ok: false; error: string; status: number | null; receiverTrouble: boolean };

/**
 * One POST. A 2xx answer delivers; anything else fails: network errors,
 * timeouts, 408, 429 and 5xx are the receiver's trouble (its hook pauses);
 * another 4xx refuses this one delivery only.
 */
async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Answer> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    // Nothing of the answer is needed: cancel rather than read a body of any size.
    await res.body?.cancel();
    if (res.ok) return { ok: true };
    const trouble = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, error: `HTTP ${res.status}`, status: res.status, receiverTrouble: trouble };
  } catch (err) {
    const e = err as Error & { cause?: { code?: unknown; message?: unknown } };
    const why =
      e.name === 'TimeoutError'
        ? `timed out after ${timeoutMs / 1000} s`
        : e.name === 'AbortError'
          ? 'stopped'
          : `network error: ${String(e.cause?.code ?? e.cause?.message ?? e.message)}`;
    return { ok: false, error: why, status: null, receiverTrouble: true };
  }
}

export class HookWorker {
  private pausedUntil = 0;
  /** Failures in a row: the pause doubles with each, and the log says when they end. */
  private failures = 0;
  private poked = false;
  /** Ends the current sleep if it is pokeable (or the worker is stopping). */
  private wake: (() => void) | null = null;
  /** Ends the current sleep, whatever it is. */
  private wakeAny: (() => void) | null = null;
  private stopping = false;
  /** Set while claims fail: the log says so once, and again once they work. */
  private storeTrouble = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly hook: WebhookConfig,
    readonly name: HookName,
    private readonly store: Store,
    private readonly s: WorkerSettings,
    private readonly logger: Logger,
    private readonly count: (outcome: Outcome) => void,
  ) {}

  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      this.logger.error({ ...this.name, err }, 'webhook worker stopped on an error');
    });
  }

  /** A new delivery may be waiting: look now rather than at the next poll (unless paused). */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  /** An admin asked for a redelivery: end a pause, and look now. */
  resume(): void {
    this.pausedUntil = 0;
    this.poked = true;
    this.wakeAny?.();
  }

  /** Aborts the delivery in flight and hands back what this worker holds; resolves when it has. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const now = this.s.now();
      if (this.pausedUntil > now) {
        await this.sleep(this.pausedUntil - now, false);
        continue;
      }
      this.poked = false;
      let batch: OutboxItem[];
      try {
        batch = await this.store.claimDeliveries(
          this.hook.key,
          this.s.owner,
          now,
          this.s.leaseMs,
          this.s.batch,
        );
      } catch (err) {
        if (err instanceof StoreClosed) return;
        if (!this.storeTrouble) {
          this.logger.warn({ ...this.name, err }, 'webhook outbox unreachable; trying again');
        }
        this.storeTrouble = true;
        await this.sleep(this.s.pollMs, false);
        continue;
      }
      if (this.storeTrouble) this.logger.info(this.name, 'webhook outbox reachable again');
      this.storeTrouble = false;
      if (batch.length === 0) {
        await this.sleep(this.s.pollMs, true);
        continue;
      }
      for (const [i, item] of batch.entries()) {
        if (this.stopping || this.pausedUntil > this.s.now()) {
          // Not attempted: back to the queue at once, for this worker later or another instance.
          for (const rest of batch.slice(i)) await this.finish(rest, { kind: 'released' });
          break;
        }
        await this.deliver(item);
      }
    }
  }

  /** Waits `ms`, or less: until a poke (when `pokeable`) or stop. The timer never holds the process. */
  private sleep(ms: number, pokeable: boolean): Promise<void> {
    if (this.stopping || (pokeable && this.poked)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.wakeAny = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = pokeable ? done : () => (this.stopping ? done() : undefined);
      this.wakeAny = done;
    });
  }

  private async deliver(item: OutboxItem): Promise<void> {
    let recorded: Recorded;
    try {
      recorded = JSON.parse(item.event) as Recorded;
    } catch {
      // Never written so by SVT; no attempt could ever send it.
      const error = 'the stored event is not JSON';
      if (await this.finish(item, { kind: 'failed', error, status: null })) this.count('given_up');
      return;
    }
    const { body, headers } = render(this.hook, item.id, recorded, this.s.publicUrl);
    if (this.hook.format === 'json' && this.hook.secret !== null) {
      const timestamp = String(Math.floor(this.s.now() / 1000));
      headers['x-svt-timestamp'] = timestamp;
      headers['x-svt-signature'] = signature(this.hook.secret, timestamp, body);
    }
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.s.timeoutMs)]);
    const answer = await post(this.hook.url, body, headers, signal, this.s.timeoutMs);
    const now = this.s.now();
    if (answer.ok) {
      if (this.failures > 0) {
        this.logger.info(
          { ...this.name, failures: this.failures },
          'webhook deliveries recovered: the receiver answers again',
        );
      }
      this.failures = 0;
      if (await this.finish(item, { kind: 'delivered' })) this.count('delivered');
      return;
    }
    if (this.stopping) {
      await this.finish(item, { kind: 'released' });
      return;
    }
    const { error, status } = answer;
    if (answer.receiverTrouble) {
      this.failures += 1;
      if (this.failures === 1) {
        this.logger.warn(
          { ...this.name, error },
          'webhook deliveries failing: retried with backoff until delivered or given up',
        );
      }
      const pause = Math.min(this.s.pauseMaxMs, this.s.retryBaseMs * 2 ** (this.failures - 1));
      this.pausedUntil = now + this.jitter(pause);
    }
    const deadline = item.since + this.s.giveUpMs;
    if (now >= deadline) {
      if (await this.finish(item, { kind: 'failed', error, status })) {
        this.count('given_up');
        this.logger.warn({ ...this.name, id: item.id, error }, 'webhook delivery given up');
      }
      return;
    }
    const backoff = Math.min(this.s.retryMaxMs, this.s.retryBaseMs * 2 ** item.attempts);
    const at = Math.min(now + this.jitter(backoff), deadline);
    if (await this.finish(item, { kind: 'retry', at, error, status })) this.count('retried');
  }

  /** Between half and one and a half times `ms`, so that many retries do not fall together. */
  private jitter(ms: number): number {
    return Math.round(ms * (0.5 + this.s.random()));
  }

  /** Tells the store; false (logged) when the delivery is no longer this owner's. */
  private async finish(item: OutboxItem, outcome: DeliveryOutcome): Promise<boolean> {
    try {
      const mine = await this.store.finishDelivery(item.id, this.s.owner, outcome, this.s.now());
      if (!mine) {
        this.logger.info(
          { ...this.name, id: item.id },
          'webhook delivery lease lost: another instance took it over (it may be sent twice, with the same X-SVT-Event-Id)',
        );
      }
      return mine;
    } catch (err) {
      // Its lease runs out, and the delivery is claimed again.
      if (!(err instanceof StoreClosed)) {
        this.logger.warn({ ...this.name, id: item.id, err }, 'cannot record a webhook delivery');
      }
      return false;
    }
  }
}

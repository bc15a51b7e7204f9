/**
 * Outgoing webhooks (SVT_WEBHOOKS): each recorded deployment is posted to
 * every hook after the write is acknowledged, never on its path: a queue in
 * memory, one delivery at a time per hook, retried with backoff (5
 * attempts, 1 s doubling), 5 s per attempt. A generic hook gets
 * `{event, deployment, previous, current, currentDeployment?}` (the write's
 * answer), signed: `X-SVT-Signature: sha256=<hex
 * HMAC of "<timestamp>.<body>">` with `X-SVT-Timestamp`. A Slack hook gets a
 * `{text}` message, escaped (slackText).
 *
 * Each hook's queue holds at most MAX_QUEUE deliveries and MAX_QUEUE_BYTES
 * of bodies: when a receiver hangs, the oldest deliveries are dropped to
 * make room (counted, logged once per burst), so that memory stays bounded
 * whatever the traffic. Deliveries still queued when the process stops are
 * lost. Logs name a hook by its index and host, never its URL, whose path
 * or query often is the secret (Slack's).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { RecordResult } from './store/types.js';

export interface WebhookConfig {
  url: string;
  format: 'json' | 'slack';
  /** HMAC key of the signature (json hooks); none: unsigned. */
  secret: string | null;
}

/** Deliveries a hook's queue holds at most. */
export const MAX_QUEUE = 10_000;
/** Bytes of bodies (UTF-8) a hook's queue holds at most: 16 MiB. */
export const MAX_QUEUE_BYTES = 16 * 1024 * 1024;
const ATTEMPTS = 5;

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a hook is told of: the write's answer (RecordDeploymentResponse). */
export type Recorded = Pick<
  RecordResult,
  'deployment' | 'previous' | 'current' | 'currentDeployment'
>;

/** One line that says what happened, in the words the CLI uses. */
export function recordedText({
  deployment: d,
  previous,
  current,
  currentDeployment,
}: Recorded): string {
  const runs =
    currentDeployment == null
      ? 'nothing succeeded there yet'
      : `${currentDeployment.version} runs there`;
  if (d.status === 'started')
    return `${d.app} ${d.version} deployment started in ${d.env} (${runs})`;
  if (d.status !== 'success') {
    return `${d.app} ${d.version} ${d.status === 'failure' ? 'failed' : 'rolled back'} in ${d.env} (${runs})`;
  }
  if (!current) {
    return `${d.app} ${d.version} recorded in ${d.env}, but not current: ${runs}, deployed later`;
  }
  const what = d.rollback ? 'rolled back to' : 'deployed to';
  return `${d.app} ${d.version} ${what} ${d.env}${previous === null ? '' : ` (was ${previous.version})`}`;
}

const SLACK_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text as Slack's message formatting reads it literally: `&`, `<` and `>`
 * are its control characters (`<!channel>`, `<https://x|label>`), so each
 * becomes its entity, and only those three, as Slack's "Escaping text"
 * asks: it decodes no other entity. The names in a message are recorded by
 * any pipeline with a write token; unescaped, an app named
 * `<!channel> <https://evil.example|Approve>` would ping the channel with
 * a disguised link.
 */
export function slackText(text: string): string {
  return text.replace(/[&<>]/g, (c) => SLACK_ESCAPES[c] ?? c);
}

/** What a queue holds: the body to post, and its size, counted against MAX_QUEUE_BYTES. */
interface Delivery {
  body: string;
  bytes: number;
}

/** How a hook is named in logs and metrics: its index in SVT_WEBHOOKS and its host, never its URL. */
export interface HookName {
  hook: number;
  host: string;
}

/** A hook's queue as it stands: for `/metrics`, tests and operators. */
export interface QueueState extends HookName {
  items: number;
  bytes: number;
  /** Deliveries dropped since start to make room. */
  dropped: number;
}

class Hook {
  private readonly queue: Delivery[] = [];
  private bytes = 0;
  private dropped = 0;
  /** Set at the first drop of a burst, cleared when the queue next drains: one log line per burst. */
  private dropping = false;
  private busy = false;
  readonly name: HookName;

  constructor(
    private readonly config: WebhookConfig,
    index: number,
    private readonly logger: Logger,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly maxBytes: number,
  ) {
    this.name = { hook: index, host: new URL(config.url).host };
  }

  state(): QueueState {
    return { ...this.name, items: this.queue.length, bytes: this.bytes, dropped: this.dropped };
  }

  /** Queues a delivery; answers how many older ones were dropped to make room. */
  push(recorded: Recorded): number {
    const { deployment, previous, current, currentDeployment } = recorded;
    const body =
      this.config.format === 'slack'
        ? JSON.stringify({ text: slackText(recordedText(recorded)) })
        : JSON.stringify({
            event: 'deployment',
            deployment,
            previous,
            current,
            ...(current ? {} : { currentDeployment }),
          });
    const bytes = Buffer.byteLength(body);
    let dropped = 0;
    while (
      this.queue.length > 0 &&
      (this.queue.length >= MAX_QUEUE || this.bytes + bytes > this.maxBytes)
    ) {
      this.bytes -= this.queue.shift()?.bytes ?? 0;
      dropped += 1;
    }
    if (dropped > 0) {
      this.dropped += dropped;
      if (!this.dropping) {
        this.dropping = true;
        this.logger.warn(
          { ...this.name, maxItems: MAX_QUEUE, maxBytes: this.maxBytes },
          'webhook queue full: dropping the oldest deliveries until it drains (counted in svt_webhook_dropped_total)',
        );
      }
    }
    this.queue.push({ body, bytes });
    this.bytes += bytes;
    if (!this.busy) void this.drain();
    return dropped;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      this.bytes -= item.bytes;
      await this.deliver(item.body);
    }
    this.busy = false;
    this.dropping = false;
  }

  private async deliver(body: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'svt-webhooks',
      };
      if (this.config.format === 'json' && this.config.secret !== null) {
        headers['x-svt-timestamp'] = timestamp;
        headers['x-svt-signature'] = signature(this.config.secret, timestamp, body);
      }
      try {
        const res = await fetch(this.config.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(5000),
        });
        await res.arrayBuffer();
        if (res.ok) return;
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.logger.warn({ ...this.name, status: res.status }, 'webhook refused: not retried');
          return;
        }
      } catch {
        // network error or timeout: retried below
      }
      if (attempt < ATTEMPTS) await this.sleep(1000 * 2 ** (attempt - 1));
    }
    this.logger.warn(this.name, `webhook delivery failed after ${ATTEMPTS} attempts`);
  }
}

/** Settings of the queues; defaults are the documented bounds. */
export interface WebhookOptions {
  /** Waits between attempts; default: a timer that does not hold the process open. */
  sleep?: (ms: number) => Promise<void>;
  /** Bytes of bodies each hook's queue holds at most; default MAX_QUEUE_BYTES. */
  maxQueueBytes?: number;
}

export class Webhooks {
  private readonly hooks: Hook[];

  constructor(configs: readonly WebhookConfig[], logger: Logger, options: WebhookOptions = {}) {
    const sleep =
      options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const maxBytes = options.maxQueueBytes ?? MAX_QUEUE_BYTES;
    this.hooks = configs.map((c, i) => new Hook(c, i, logger, sleep, maxBytes));
  }

  /**
   * Queues the deployment for every hook and returns at once. Answers, for
   * each hook, how many older deliveries were dropped to make room (0 when
   * none), for the caller to count.
   */
  notify(recorded: Recorded): { name: HookName; dropped: number }[] {
    return this.hooks.map((hook) => ({ name: hook.name, dropped: hook.push(recorded) }));
  }

  /** Each hook's queue: deliveries and bytes waiting, drops so far. */
  queues(): QueueState[] {
    return this.hooks.map((hook) => hook.state());
  }
}

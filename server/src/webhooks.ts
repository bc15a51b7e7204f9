/**
 * Outgoing webhooks (SVT_WEBHOOKS): each recorded deployment is posted to
 * every hook after the write is acknowledged, never on its path: a queue in
 * memory, one delivery at a time per hook, retried with backoff (5
 * attempts, 1 s doubling), 5 s per attempt. A generic hook gets
 * `{event, deployment, previous, current, currentDeployment?}` (the write's
 * answer), signed: `X-SVT-Signature: sha256=<hex
 * HMAC of "<timestamp>.<body>">` with `X-SVT-Timestamp`. A Slack hook gets a
 * `{text}` message, escaped (slackText). Deliveries still queued when the
 * process stops are lost.
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

const MAX_QUEUE = 10_000;
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

class Hook {
  private readonly queue: { body: string }[] = [];
  private busy = false;

  constructor(
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  push(recorded: Recorded): void {
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
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.logger.warn(
        { hook: this.config.url },
        'webhook queue full: dropped the oldest delivery',
      );
    }
    this.queue.push({ body });
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      await this.deliver(item.body);
    }
    this.busy = false;
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
          this.logger.warn(
            { hook: this.config.url, status: res.status },
            'webhook refused: not retried',
          );
          return;
        }
      } catch {
        // network error or timeout: retried below
      }
      if (attempt < ATTEMPTS) await this.sleep(1000 * 2 ** (attempt - 1));
    }
    this.logger.warn(
      { hook: this.config.url },
      `webhook delivery failed after ${ATTEMPTS} attempts`,
    );
  }
}

export class Webhooks {
  private readonly hooks: Hook[];

  constructor(
    configs: readonly WebhookConfig[],
    logger: Logger,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms).unref()),
  ) {
    this.hooks = configs.map((c) => new Hook(c, logger, sleep));
  }

  /** Queues the deployment for every hook and returns at once. */
  notify(recorded: Recorded): void {
    for (const hook of this.hooks) hook.push(recorded);
  }
}

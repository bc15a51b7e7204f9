/**
 * `SVT_WEBHOOKS`: the hooks each recorded deployment is delivered to, read
 * once at start (config.ts calls parseWebhooks). Each hook gets a key, a
 * short hash of its format and URL, which names its deliveries in the
 * outbox (store/outbox-types.ts): a hook keeps its backlog across restarts
 * and across a change of its secret or token (so a wrong token can be
 * fixed without losing what waited), and a hook whose URL or format
 * changes is another hook.
 */
import { createHash } from 'node:crypto';
import { isHttpUrl } from './validation/rules.js';

export const WEBHOOK_FORMATS = ['json', 'slack', 'mattermost', 'teams', 'grafana'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookConfig {
  url: string;
  /** What the body looks like (webhook-formats.ts); default json. */
  format: WebhookFormat;
  /** HMAC key of the signature (json hooks); none: unsigned. */
  secret: string | null;
  /** Sent as `Authorization: Bearer` (grafana: required, a service-account token; json: optional). */
  token: string | null;
  /** grafana: the dashboard the annotations belong to; none: organization-wide annotations. */
  dashboardUID: string | null;
  /** Names the hook's deliveries in the outbox: hookKey(format, url). */
  key: string;
}

/** 12 hex digits of SHA-256 over the format and URL: stable, and never the URL (which holds secrets). */
export function hookKey(format: WebhookFormat, url: string): string {
  return createHash('sha256').update(`${format}\n${url}`).digest('hex').slice(0, 12);
}

/** A bad SVT_WEBHOOKS; the message never holds the value, which may hold secrets. */
export class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
}

const KNOWN = 'url, format, secret, token, dashboardUID';

/**
 * Reads SVT_WEBHOOKS: a JSON array of `{"url", "format", "secret", "token",
 * "dashboardUID"}`. Throws a WebhookConfigError naming the hook (by index)
 * and what is wrong, never echoing a value. Other keys are ignored, as
 * earlier releases did.
 */
export function parseWebhooks(raw: string): WebhookConfig[] {
  const refuse = (why: string) =>
    new WebhookConfigError(`SVT_WEBHOOKS must be a JSON array of {${KNOWN}} hooks: ${why}`);
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw refuse('it is not JSON');
  }
  if (!Array.isArray(list)) throw refuse('it is not an array');
  const seen = new Map<string, number>();
  return list.map((item: unknown, i): WebhookConfig => {
    const h = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof h.url !== 'string' || !isHttpUrl(h.url))
      throw refuse(`hook ${i}: url must be an http(s) URL`);
    const format = WEBHOOK_FORMATS.find((f) => f === (h.format ?? 'json'));
    if (format === undefined)
      throw refuse(`hook ${i}: format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
    const text = (name: string, empty = false): string | null => {
      const value = h[name];
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string' || (value === '' && !empty))
        throw refuse(`hook ${i}: ${name} must be a${empty ? '' : ' non-empty'} string`);
      return value;
    };
    // An empty secret signed in earlier releases: it still does.
    const secret = text('secret', true);
    const token = text('token');
    const dashboardUID = text('dashboardUID');
    if (token !== null && format !== 'grafana' && format !== 'json')
      throw refuse(`hook ${i}: token is sent to grafana and json hooks only`);
    if (token !== null && !/^[\x21-\x7e]+$/.test(token))
      throw refuse(`hook ${i}: token must be printable ASCII without spaces`);
    if (format === 'grafana' && token === null)
      throw refuse(`hook ${i}: a grafana hook needs a token (a Grafana service-account token)`);
    if (dashboardUID !== null && format !== 'grafana')
      throw refuse(`hook ${i}: dashboardUID is for grafana hooks only`);
    if (dashboardUID !== null && !/^[A-Za-z0-9_-]{1,40}$/.test(dashboardUID))
      throw refuse(
        `hook ${i}: dashboardUID must be a Grafana dashboard UID (1-40 of A-Z a-z 0-9 _ -)`,
      );
    const key = hookKey(format, h.url);
    const twin = seen.get(key);
    if (twin !== undefined) throw refuse(`hook ${i} has the url and format of hook ${twin}`);
    seen.set(key, i);
    return { url: h.url, format, secret, token, dashboardUID, key };
  });
}

/** How a hook is named in logs and metrics: its index in SVT_WEBHOOKS and its host, never its URL. */
export interface HookName {
  hook: number;
  host: string;
}

export function hookName(hooks: readonly WebhookConfig[], index: number): HookName {
  return { hook: index, host: new URL(hooks[index]?.url ?? 'http://unknown').host };
}

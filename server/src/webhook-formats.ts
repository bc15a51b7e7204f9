/**
 * What each kind of hook is sent for a recorded deployment (the `format`
 * of SVT_WEBHOOKS), with the headers of the request. Names and values come
 * from any pipeline with a write token, and every target reads some
 * characters as markup: each format escapes, or keeps out of markup, what
 * its target would read.
 *
 * | format     | body                                             | escaping                                   |
 * | ---------- | ------------------------------------------------ | ------------------------------------------ |
 * | json       | the write's answer, `event` and `eventId` added  | none needed (JSON)                         |
 * | slack      | `{"text"}`                                       | `& < >` as entities (Slack's own rule)     |
 * | mattermost | `{"text"}` (Markdown)                            | Markdown punctuation `\`-escaped; `& < > @ :` as entities |
 * | teams      | an Adaptive Card message (Teams workflows)       | a TextRun, which reads no Markdown         |
 * | grafana    | an annotation (`POST /api/annotations`)          | HTML-escaped (Grafana renders it as HTML)  |
 *
 * Every request carries `X-SVT-Event-Id`, the same on every attempt, for
 * receivers to drop repeats; json hooks with a secret are signed.
 */
import { createHmac } from 'node:crypto';
import type { Deployment } from '@svt/client';
import { escapeHtml } from './pages/html.js';
import type { RecordResult } from './store/types.js';
import type { WebhookConfig } from './webhook-config.js';

/** What a hook is told of: the write's answer (RecordDeploymentResponse). */
export type Recorded = Pick<
  RecordResult,
  'deployment' | 'previous' | 'current' | 'currentDeployment'
>;

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

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
 * asks: it decodes no other entity. Unescaped, an app named
 * `<!channel> <https://evil.example|Approve>` would ping the channel with
 * a disguised link. (Slack has no escape for its emphasis marks `* _ ~`:
 * they can only make a word bold or italic.)
 */
export function slackText(text: string): string {
  return text.replace(/[&<>]/g, (c) => SLACK_ESCAPES[c] ?? c);
}

const MARKDOWN_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '@': '&#64;',
  ':': '&#58;',
};

/**
 * Text as Mattermost's Markdown reads it literally. The punctuation that
 * Markdown (and Mattermost's GFM) can escape gets a backslash: no emphasis,
 * link, image, heading, list, table or code. `&`, `<` and `>` become
 * entities (raw HTML, autolinks, Slack-style `<!channel>`, which
 * Mattermost expands), and so do `@` and `:`: a mention (`@channel`,
 * `@all`, or a scoped package `@acme/api` that names a user) is found in
 * the raw text, where an entity is no `@`; `:` starts emoji and links.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~&<>@:]/g, (c) => MARKDOWN_ENTITIES[c] ?? `\\${c}`);
}

/**
 * An Adaptive Card text as Teams shows it: a TextRun reads no Markdown;
 * only `{{DATE(...)}}` and `{{TIME(...)}}` are still replaced in it, so
 * `{{` gets a zero-width space between its braces.
 */
export function cardText(text: string): string {
  return text.replaceAll('{{', '{\u200b{');
}

/**
 * A path segment encoded for any format's links: encodeURIComponent, and
 * `! ' ( ) *` too (Markdown and Slack links end at some of them); a name of
 * dots only is a dot segment to URL parsers, so its dots are encoded too.
 */
function linkSegment(name: string): string {
  const encoded = encodeURIComponent(name).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return /^\.+$/.test(name) ? encoded.replace(/\./g, '%2E') : encoded;
}

/** The app's page on this server, or null without SVT_PUBLIC_URL. */
export function appLink(publicUrl: string | null, d: Deployment): string | null {
  return publicUrl === null ? null : `${publicUrl}/app/${linkSegment(d.app)}`;
}

/** Grafana keeps a tag's value in 100 characters: longer ones are cut (by code point). */
function tagValue(value: string): string {
  return [...value].slice(0, 100).join('');
}

/** A request to send, but for the per-attempt signature headers (webhooks.ts adds them). */
export interface Rendered {
  body: string;
  headers: Record<string, string>;
}

/**
 * The body and headers of event `eventId` for `hook`. `publicUrl` (no
 * trailing slash) adds a link back to the app's page, where the format has
 * a place for one.
 */
export function render(
  hook: WebhookConfig,
  eventId: string,
  recorded: Recorded,
  publicUrl: string | null,
): Rendered {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'svt-webhooks',
    'x-svt-event-id': eventId,
  };
  if (hook.token !== null) headers.authorization = `Bearer ${hook.token}`;
  const d = recorded.deployment;
  const line = recordedText(recorded);
  const link = appLink(publicUrl, d);
  let body: unknown;
  switch (hook.format) {
    case 'json': {
      const { previous, current, currentDeployment } = recorded;
      body = {
        event: 'deployment',
        eventId,
        deployment: d,
        previous,
        current,
        ...(current ? {} : { currentDeployment }),
      };
      break;
    }
    case 'slack':
      body = { text: slackText(line) + (link === null ? '' : ` <${link}|open in SVT>`) };
      break;
    case 'mattermost':
      body = { text: markdownText(line) + (link === null ? '' : ` [open in SVT](${link})`) };
      break;
    case 'teams':
      body = teamsMessage(line, link);
      break;
    case 'grafana':
      body = {
        ...(hook.dashboardUID === null ? {} : { dashboardUID: hook.dashboardUID }),
        time: Date.parse(d.deployedAt),
        tags: ['svt', `env:${d.env}`, `app:${tagValue(d.app)}`, `status:${d.status}`],
        text:
          escapeHtml(line) +
          (link === null ? '' : ` <a href="${escapeHtml(link)}">open in SVT</a>`),
      };
      break;
  }
  return { body: JSON.stringify(body), headers };
}

/**
 * The message a Teams workflow ("When a Teams webhook request is
 * received", then "Post card in a chat or channel") posts: one Adaptive
 * Card, its text in a TextRun, a button to SVT when there is a link.
 */
function teamsMessage(line: string, link: string | null): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: cardText(line) }] }],
          ...(link === null
            ? {}
            : { actions: [{ type: 'Action.OpenUrl', title: 'Open in SVT', url: link }] }),
        },
      },
    ],
  };
}

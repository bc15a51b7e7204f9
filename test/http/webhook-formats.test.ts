/**
 * Each chat and dashboard format, delivered to a local receiver standing
 * in for the target's documented API, which checks what that API checks:
 * Grafana's `POST /api/annotations` (a service-account token as a bearer
 * token, `time` in epoch ms, `tags`, `text`), a Teams workflow's "When a
 * Teams webhook request is received" trigger (its `sig` query, an Adaptive
 * Card message), Slack's and Mattermost's incoming webhooks (`{"text"}`).
 * One hostile deployment goes to all four: every expected body is written
 * out by hand, each escaping what its target reads as markup.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { type Received, type Receiver, receiver, until } from '../helpers/receiver.js';
import { removeTempDirs } from '../helpers/tmp.js';

const TOKEN = 'glsa_0123456789abcdef_deadbeef';
const TEAMS_PATH = '/workflows/4a1b/triggers/manual/paths/invoke?api-version=1&sig=Zm9vYmFy';

/** What Grafana's annotations API refuses, as it would: else 200 and the new id. */
function grafana(req: Received, res: ServerResponse, n: number): void {
  const answer = (status: number, body: object) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.path !== '/api/annotations')
    return answer(404, { message: 'Not found' });
  if (req.headers.authorization !== `Bearer ${TOKEN}`)
    return answer(401, { message: 'Unauthorized' });
  if (req.headers['content-type'] !== 'application/json')
    return answer(400, { message: 'bad request data' });
  const a = JSON.parse(req.body) as Record<string, unknown>;
  const known = ['dashboardUID', 'panelId', 'time', 'timeEnd', 'tags', 'text'];
  const ok =
    Object.keys(a).every((k) => known.includes(k)) &&
    Number.isInteger(a.time) &&
    Array.isArray(a.tags) &&
    a.tags.every((t) => typeof t === 'string' && t.length <= 104) &&
    typeof a.text === 'string';
  if (!ok) return answer(400, { message: 'bad request data' });
  answer(200, { message: 'Annotation added', id: n });
}

/** What a Teams workflow's webhook trigger refuses: else 202 Accepted, no body. */
function teams(req: Received, res: ServerResponse): void {
  const url = new URL(req.path, 'http://x');
  const m = JSON.parse(req.body) as {
    type?: unknown;
    attachments?: { contentType?: unknown; content?: { type?: unknown; body?: unknown } }[];
  };
  const card = m.attachments?.[0];
  const ok =
    req.method === 'POST' &&
    url.pathname.endsWith('/triggers/manual/paths/invoke') &&
    url.searchParams.get('sig') !== null &&
    m.type === 'message' &&
    card?.contentType === 'application/vnd.microsoft.card.adaptive' &&
    card.content?.type === 'AdaptiveCard' &&
    Array.isArray(card.content.body);
  res.statusCode = ok ? 202 : 400;
  res.end();
}

const ok = (_: Received, res: ServerResponse) => res.end('ok');

// Markup of every kind: HTML, Markdown emphasis and links, a mention, an
// Adaptive Card date function, a colon (emoji, links).
const APP =
  '<b>x</b> **y** [pwn](https://evil.example) @channel {{DATE(2017-02-14T06:08:00Z, SHORT)}} a:b';
const VERSION = '1.0.0-<i>&amp;';
// By hand: encodeURIComponent, and ! ' ( ) * too.
const LINK =
  'https://svt.example.test/app/%3Cb%3Ex%3C%2Fb%3E%20%2A%2Ay%2A%2A%20%5Bpwn%5D%28https%3A%2F%2Fevil.example%29%20%40channel%20%7B%7BDATE%282017-02-14T06%3A08%3A00Z%2C%20SHORT%29%7D%7D%20a%3Ab';

describe('webhook formats against stand-ins for their targets', () => {
  let t: TestApp;
  let r: Record<'slack' | 'mattermost' | 'teams' | 'grafana', Receiver>;
  let deployedAt = 0;
  let longDeployedAt = 0;
  const LONG = `${'a'.repeat(99)}é${'b'.repeat(28)}`; // 128 characters

  beforeAll(async () => {
    r = {
      slack: await receiver(ok),
      mattermost: await receiver(ok),
      teams: await receiver(teams),
      grafana: await receiver(grafana),
    };
    t = await testApp({
      SVT_PUBLIC_URL: 'https://svt.example.test/',
      SVT_WEBHOOKS: JSON.stringify([
        { url: r.slack.url('/services/T0/B0/x'), format: 'slack' },
        { url: r.mattermost.url('/hooks/abc'), format: 'mattermost' },
        { url: r.teams.url(TEAMS_PATH), format: 'teams' },
        {
          url: r.grafana.url('/api/annotations'),
          format: 'grafana',
          token: TOKEN,
          dashboardUID: 'svt-deploys',
        },
      ]),
    });
    const first = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app: APP, version: VERSION })
      .expect(201);
    deployedAt = Date.parse(first.body.deployment.deployedAt);
    const long = await request(t.callback)
      .post('/api/v1/deployments')
      .send({ env: 'prod', app: LONG, version: '2', status: 'failure' })
      .expect(201);
    longDeployedAt = Date.parse(long.body.deployment.deployedAt);
    const all = () => Object.values(r).every((x) => x.got.length === 2);
    expect(await until(all, 10_000)).toBe(true);
  });
  afterAll(async () => {
    await t.store.close();
    for (const x of Object.values(r)) await x.close();
    removeTempDirs();
  });

  it('Slack: & < > as entities, a link back to SVT', () => {
    expect(JSON.parse(r.slack.got[0]?.body ?? '')).toEqual({
      text: `&lt;b&gt;x&lt;/b&gt; **y** [pwn](https://evil.example) @channel {{DATE(2017-02-14T06:08:00Z, SHORT)}} a:b 1.0.0-&lt;i&gt;&amp;amp; deployed to prod <${LINK}|open in SVT>`,
    });
  });

  it('Mattermost: Markdown punctuation escaped, & < > @ : as entities, a Markdown link', () => {
    expect(JSON.parse(r.mattermost.got[0]?.body ?? '')).toEqual({
      text:
        '&lt;b&gt;x&lt;/b&gt; \\*\\*y\\*\\* \\[pwn\\]\\(https&#58;//evil\\.example\\) &#64;channel ' +
        '\\{\\{DATE\\(2017\\-02\\-14T06&#58;08&#58;00Z, SHORT\\)\\}\\} a&#58;b ' +
        `1\\.0\\.0\\-&lt;i&gt;&amp;amp; deployed to prod [open in SVT](${LINK})`,
    });
  });

  it('Teams: an Adaptive Card message the workflow accepts, the text in a TextRun, a button to SVT', () => {
    const [got] = r.teams.got;
    expect(got?.path).toBe(TEAMS_PATH);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got?.body ?? '')).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'RichTextBlock',
                inlines: [
                  {
                    type: 'TextRun',
                    // A TextRun reads no Markdown; {{ gets a zero-width space (no date function).
                    text: `<b>x</b> **y** [pwn](https://evil.example) @channel {\u200b{DATE(2017-02-14T06:08:00Z, SHORT)}} a:b 1.0.0-<i>&amp; deployed to prod`,
                  },
                ],
              },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open in SVT', url: LINK }],
          },
        },
      ],
    });
  });

  it('Grafana: an annotation at the deployment instant, tagged, HTML-escaped text with a link, the token as a bearer token', () => {
    const [got, long] = r.grafana.got;
    expect(got?.method).toBe('POST');
    expect(got?.path).toBe('/api/annotations');
    expect(got?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(got?.body ?? '')).toEqual({
      dashboardUID: 'svt-deploys',
      time: deployedAt,
      tags: ['svt', 'env:prod', `app:${APP}`, 'status:success'],
      text:
        '&lt;b&gt;x&lt;/b&gt; **y** [pwn](https://evil.example) @channel {{DATE(2017-02-14T06:08:00Z, SHORT)}} a:b ' +
        `1.0.0-&lt;i&gt;&amp;amp; deployed to prod <a href="${LINK}">open in SVT</a>`,
    });
    // A tag's value is cut to Grafana's 100 characters.
    expect(JSON.parse(long?.body ?? '')).toMatchObject({
      time: longDeployedAt,
      tags: ['svt', 'env:prod', `app:${'a'.repeat(99)}é`, 'status:failure'],
      text: `${LONG} 2 failed in prod (nothing succeeded there yet) <a href="https://svt.example.test/app/${'a'.repeat(99)}%C3%A9${'b'.repeat(28)}">open in SVT</a>`,
    });
  });

  it('the stand-ins refuse what their targets refuse (so their checks are not vacuous)', async () => {
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then((res) => res.status);
    const annotation = { time: 1, tags: ['svt'], text: 'x' };
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const grafanaUrl = r.grafana.url('/api/annotations');
    expect(await post(grafanaUrl, annotation)).toBe(401);
    expect(await post(grafanaUrl, { ...annotation, time: '1' }, bearer)).toBe(400);
    expect(await post(grafanaUrl, { ...annotation, when: 1 }, bearer)).toBe(400);
    expect(await post(r.grafana.url('/api/annotation'), annotation, bearer)).toBe(404);
    expect(await post(grafanaUrl, annotation, bearer)).toBe(200);
    const card = JSON.parse(r.teams.got[0]?.body ?? '') as object;
    expect(await post(r.teams.url(TEAMS_PATH.replace(/&sig=.*/, '')), card)).toBe(400);
    expect(await post(r.teams.url(TEAMS_PATH), { text: 'x' })).toBe(400);
    expect(await post(r.teams.url(TEAMS_PATH), card)).toBe(202);
  });

  it('every target accepted every delivery: none is left in the outbox', async () => {
    expect(await t.store.outboxStats()).toEqual([]);
    const metrics = (await request(t.callback).get('/metrics').expect(200)).text;
    for (const hook of ['0', '1', '2', '3']) {
      expect(metrics).toMatch(
        new RegExp(
          `svt_webhook_deliveries_total\\{hook="${hook}",host="[^"]+",outcome="delivered"\\} 2`,
        ),
      );
    }
  });
});

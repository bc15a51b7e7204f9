/**
 * Webhooks reach a real receiver on 127.0.0.1 from the outbox: signed json
 * deliveries with a stable event id, Slack messages; a replay posts
 * nothing; a receiver that never answers holds back no write and no other
 * hook; a failing one is retried with the same event id until it answers.
 * And SVT_WEBHOOKS is refused with a clear message when it is wrong.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ConfigError, parseConfig } from '../../server/src/config.js';
import { hookKey } from '../../server/src/webhook-config.js';
import { signature } from '../../server/src/webhook-formats.js';
import { testApp } from '../helpers/app.js';
import { receiver, until } from '../helpers/receiver.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

interface JsonEvent {
  event: string;
  eventId: string;
  deployment: { id: string; version: string };
  previous: { version: string } | null;
  current: boolean;
}

describe('webhooks', () => {
  it('posts each new deployment, signed, with its event id; a replay posts nothing; Slack gets a message', async () => {
    const json = await receiver((_, res) => res.end('ok'));
    const slack = await receiver((_, res) => res.end('ok'));
    const hooks = [
      { url: json.url(), secret: 'shh' },
      { url: slack.url(), format: 'slack' },
    ];
    const t = await testApp({ SVT_WEBHOOKS: JSON.stringify(hooks) });
    try {
      const ids: string[] = [];
      const post = async (path: string, body: object, key?: string) => {
        let req = request(t.callback).post(path);
        if (key !== undefined) req = req.set('Idempotency-Key', key);
        return (await req.send(body)).body as { deployment?: { id: string } };
      };
      ids.push(
        (await post('/api/v1/deployments', { env: 'prod', app: 'api', version: '1.0.0' }))
          .deployment?.id ?? '',
      );
      const second = { env: 'prod', app: 'api', version: '1.1.0' };
      ids.push((await post('/api/v1/deployments', second, 'k')).deployment?.id ?? '');
      await post('/api/v1/deployments', second, 'k'); // a replay
      await request(t.callback)
        .post('/create')
        .send({ env: 'dev', name: 'web', version: '2.0.0' })
        .expect(200);
      await until(() => json.got.length === 3 && slack.got.length === 3);
      await new Promise((r) => setTimeout(r, 200)); // and no fourth
      expect(json.got).toHaveLength(3);
      expect(slack.got).toHaveLength(3);

      const jsonKey = hookKey('json', json.url());
      for (const { method, path, headers, body } of json.got) {
        expect([method, path, headers['content-type']]).toEqual([
          'POST',
          '/hook',
          'application/json',
        ]);
        const ts = String(headers['x-svt-timestamp']);
        expect(headers['x-svt-signature']).toBe(signature('shh', ts, body));
        expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
        const event = JSON.parse(body) as JsonEvent;
        // The event id: the deployment's id and the hook's key, in the header and the body.
        expect(headers['x-svt-event-id']).toBe(`${event.deployment.id}-${jsonKey}`);
        expect(event.eventId).toBe(headers['x-svt-event-id']);
      }
      const events = json.got.map((g) => JSON.parse(g.body) as JsonEvent);
      expect(
        events.map((e) => [e.event, e.deployment.version, e.previous?.version ?? null, e.current]),
      ).toEqual([
        ['deployment', '1.0.0', null, true],
        ['deployment', '1.1.0', '1.0.0', true],
        ['deployment', '2.0.0', null, true],
      ]);
      expect(events.slice(0, 2).map((e) => e.deployment.id)).toEqual(ids);
      expect(slack.got.map((g) => JSON.parse(g.body))).toEqual([
        { text: 'api 1.0.0 deployed to prod' },
        { text: 'api 1.1.0 deployed to prod (was 1.0.0)' },
        { text: 'web 2.0.0 deployed to dev' },
      ]);
      expect(slack.got[0]?.headers['x-svt-signature']).toBeUndefined();
      expect(slack.got[0]?.headers['x-svt-event-id']).toBe(
        `${events[0]?.deployment.id}-${hookKey('slack', slack.url())}`,
      );
    } finally {
      await t.store.close();
      await json.close();
      await slack.close();
    }
  });

  it("escapes Slack's control characters: a name cannot mention a channel or disguise a link", async () => {
    const slack = await receiver((_, res) => res.end('ok'));
    const t = await testApp({
      SVT_WEBHOOKS: JSON.stringify([{ url: slack.url(), format: 'slack' }]),
    });
    try {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'prod', app: '<!channel> <https://evil.example|Approve>', version: 'a&lt;b>' })
        .expect(201);
      await until(() => slack.got.length === 1);
      // By hand: each &, < and > as its entity, nothing else touched (an & already
      // followed by "lt;" included, or Slack would decode it into a "<").
      expect(JSON.parse(slack.got[0]?.body ?? '')).toEqual({
        text: '&lt;!channel&gt; &lt;https://evil.example|Approve&gt; a&amp;lt;b&gt; deployed to prod',
      });
    } finally {
      await t.store.close();
      await slack.close();
    }
  });

  it('a receiver that never answers holds back no write and no other hook; a failing one is retried, same event id, until it answers', async () => {
    const stuck = await receiver(() => undefined); // never answers
    const flaky = await receiver((_, res, n) => {
      res.statusCode = n === 1 ? 503 : 200;
      res.end();
    });
    const t = await testApp({
      SVT_WEBHOOKS: JSON.stringify([{ url: stuck.url() }, { url: flaky.url() }]),
    });
    try {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'prod', app: 'a', version: '1' })
        .expect(201);
      await until(() => stuck.got.length === 1);
      // The stuck hook has a delivery open; writes go on regardless, answered at once.
      for (let i = 0; i < 20; i++) {
        const started = Date.now();
        await request(t.callback)
          .post('/api/v1/deployments')
          .send({ env: 'prod', app: 'a', version: `2.${i}` })
          .expect(201);
        expect(Date.now() - started).toBeLessThan(1000);
      }
      expect(stuck.got).toHaveLength(1);
      // The flaky hook: the first attempt failed (503), the same delivery came again, then the rest.
      expect(await until(() => flaky.got.length >= 22, 15_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 200)); // and no more
      const ids = flaky.got.map((g) => g.headers['x-svt-event-id']);
      // 21 deliveries, the one refused first came again (later: those due earlier went first).
      expect(new Set(ids).size).toBe(21);
      expect(flaky.got).toHaveLength(22);
      const again = flaky.got.findIndex((g, i) => i > 0 && g.headers['x-svt-event-id'] === ids[0]);
      expect(flaky.got[again]?.body).toBe(flaky.got[0]?.body);
    } finally {
      await t.store.close();
      await stuck.close();
      await flaky.close();
    }
  }, 30_000);

  it.each([
    ['not json', 'it is not JSON'],
    ['{"url":"x"}', 'it is not an array'],
    ['[{"url":"ftp://x"}]', 'hook 0: url must be an http(s) URL'],
    [
      '[{"url":"https://x.test","format":"discord"}]',
      'hook 0: format must be one of json, slack, mattermost, teams, grafana',
    ],
    [
      '[{"url":"https://g.test/api/annotations","format":"grafana"}]',
      'hook 0: a grafana hook needs a token (a Grafana service-account token)',
    ],
    [
      '[{"url":"https://x.test","format":"slack","token":"s3cr3t"}]',
      'hook 0: token is sent to grafana and json hooks only',
    ],
    [
      '[{"url":"https://g.test","format":"grafana","token":"s3cr3t x"}]',
      'hook 0: token must be printable ASCII without spaces',
    ],
    [
      '[{"url":"https://g.test","format":"grafana","token":"s3cr3t","dashboardUID":"a/b"}]',
      'hook 0: dashboardUID must be a Grafana dashboard UID',
    ],
    [
      '[{"url":"https://x.test","format":"teams","dashboardUID":"abc"}]',
      'hook 0: dashboardUID is for grafana hooks only',
    ],
    [
      '[{"url":"https://x.test/s3cr3t"},{"url":"https://y.test"},{"url":"https://x.test/s3cr3t","secret":"2"}]',
      'hook 2 has the url and format of hook 0',
    ],
    ['[{"url":"https://x.test","secret":5}]', 'hook 0: secret must be a string'],
  ])('SVT_WEBHOOKS=%j is refused, without echoing secrets', (raw, why) => {
    let caught: unknown;
    try {
      parseConfig({ SVT_WEBHOOKS: raw });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(why);
    expect((caught as Error).message).not.toContain('s3cr3t');
  });
});

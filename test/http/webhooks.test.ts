/**
 * Webhooks reach a real receiver on 127.0.0.1 with a valid signature; a
 * Slack hook gets a message; a receiver that never answers does not hold
 * back any write; a failing receiver is retried.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import request from 'supertest';
import { parseConfig, ConfigError } from '../../server/src/config.js';
import { signature } from '../../server/src/webhooks.js';
import { testApp } from '../helpers/app.js';
import { closeServer, listen } from '../helpers/listen.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function receiver(answer: (n: number, res: ServerResponse) => void) {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      answer(got.length, res);
    });
  });
  const port = await listen(server);
  return { got, url: `http://127.0.0.1:${port}/hook`, close: () => closeServer(server) };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('webhooks', () => {
  it('posts each new deployment, signed; a replay posts nothing; Slack gets a message', async () => {
    const json = await receiver((_, res) => res.end('ok'));
    const slack = await receiver((_, res) => res.end('ok'));
    const hooks = [
      { url: json.url, secret: 'shh' },
      { url: slack.url, format: 'slack' },
    ];
    const t = await testApp({ SVT_WEBHOOKS: JSON.stringify(hooks) });
    try {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'prod', app: 'api', version: '1.0.0' })
        .expect(201);
      const second = { env: 'prod', app: 'api', version: '1.1.0' };
      await request(t.callback)
        .post('/api/v1/deployments')
        .set('Idempotency-Key', 'k')
        .send(second)
        .expect(201);
      await request(t.callback)
        .post('/api/v1/deployments')
        .set('Idempotency-Key', 'k')
        .send(second)
        .expect(201); // a replay
      await request(t.callback)
        .post('/create')
        .send({ env: 'dev', name: 'web', version: '2.0.0' })
        .expect(200);
      await until(() => json.got.length === 3 && slack.got.length === 3);
      await new Promise((r) => setTimeout(r, 100)); // and no fourth
      expect(json.got).toHaveLength(3);

      for (const { headers, body } of json.got) {
        const ts = String(headers['x-svt-timestamp']);
        expect(headers['x-svt-signature']).toBe(signature('shh', ts, body));
        expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      }
      const events = json.got.map(
        (g) =>
          JSON.parse(g.body) as {
            event: string;
            deployment: { version: string };
            previous: { version: string } | null;
            current: boolean;
          },
      );
      expect(
        events.map((e) => [e.event, e.deployment.version, e.previous?.version ?? null, e.current]),
      ).toEqual([
        ['deployment', '1.0.0', null, true],
        ['deployment', '1.1.0', '1.0.0', true],
        ['deployment', '2.0.0', null, true],
      ]);
      expect(slack.got.map((g) => JSON.parse(g.body))).toEqual([
        { text: 'api 1.0.0 deployed to prod' },
        { text: 'api 1.1.0 deployed to prod (was 1.0.0)' },
        { text: 'web 2.0.0 deployed to dev' },
      ]);
      expect(slack.got[0]?.headers['x-svt-signature']).toBeUndefined();
    } finally {
      await t.store.close();
      await json.close();
      await slack.close();
    }
  });

  it("escapes Slack's control characters: a name cannot mention a channel or disguise a link", async () => {
    const slack = await receiver((_, res) => res.end('ok'));
    const t = await testApp({
      SVT_WEBHOOKS: JSON.stringify([{ url: slack.url, format: 'slack' }]),
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

  it('a receiver that never answers holds back no write; a failing one is retried until it answers', async () => {
    const stuck = await receiver(() => undefined); // never answers
    const flaky = await receiver((n, res) => {
      res.statusCode = n === 1 ? 503 : 200;
      res.end();
    });
    const t = await testApp({
      SVT_WEBHOOKS: JSON.stringify([{ url: stuck.url }, { url: flaky.url }]),
    });
    try {
      await request(t.callback)
        .post('/api/v1/deployments')
        .send({ env: 'prod', app: 'a', version: '1' })
        .expect(201);
      await until(() => stuck.got.length === 1);
      // The stuck hook has a delivery open; writes go on regardless.
      for (let i = 0; i < 20; i++) {
        await request(t.callback)
          .post('/api/v1/deployments')
          .send({ env: 'prod', app: 'a', version: `2.${i}` })
          .expect(201);
      }
      expect(stuck.got).toHaveLength(1);
      await until(() => flaky.got.length >= 2, 8000);
      expect(flaky.got.length).toBeGreaterThanOrEqual(2);
      expect(flaky.got[1]?.body).toBe(flaky.got[0]?.body); // the same delivery, retried
    } finally {
      await t.store.close();
      await stuck.close();
      await flaky.close();
    }
  }, 20_000);

  it.each([
    ['not json', 'it is not JSON'],
    ['{"url":"x"}', 'it is not an array'],
    ['[{"url":"ftp://x"}]', 'hook 0: url must be an http(s) URL'],
    ['[{"url":"https://x.test","format":"teams"}]', 'hook 0: format must be json or slack'],
  ])('SVT_WEBHOOKS=%j is refused, without echoing secrets', (raw, why) => {
    expect(() => parseConfig({ SVT_WEBHOOKS: raw })).toThrow(ConfigError);
    expect(() => parseConfig({ SVT_WEBHOOKS: raw })).toThrow(why);
  });
});

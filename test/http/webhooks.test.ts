/**
 * Webhooks reach a real receiver on 127.0.0.1 with a valid signature; a
 * Slack hook gets a message; a receiver that never answers does not hold
 * back any write; a failing receiver is retried.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import request from 'supertest';
import { parseConfig, ConfigError } from '../../server/src/config.js';
import { pino } from 'pino';
import { MAX_QUEUE_BYTES, type Recorded, Webhooks, signature } from '../../server/src/webhooks.js';
import { clientDeployment } from '../helpers/deployments.js';
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

  describe('a queue bounded in bytes', () => {
    // 20 attributes of 1,000 characters, twice (the deployment and the one it
    // replaced): about 42 KB a delivery; 1,000 of them would be 42 MB.
    const attributes = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`a${i}`, 'x'.repeat(1000)]),
    );
    const big = (i: number): Recorded => {
      const deployment = clientDeployment({ version: `1.0.${i}`, attributes });
      const previous = clientDeployment({ version: `1.0.${i - 1}`, attributes });
      return { deployment, previous, current: true, currentDeployment: deployment };
    };
    /** A pino logger whose lines land in `lines`. */
    const capture = () => {
      const lines: { msg: string; [k: string]: unknown }[] = [];
      const logger = pino(
        { level: 'warn' },
        { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
      );
      return { lines, logger };
    };
    const never = () => new Promise<void>(() => undefined);

    it('a receiver that never answers: at most 16 MiB wait, the oldest dropped and counted, one log line', async () => {
      const stuck = await receiver(() => undefined);
      const secretUrl = `${stuck.url}/T000/B000/s3cr3t`;
      const { lines, logger } = capture();
      const hooks = new Webhooks([{ url: secretUrl, format: 'json', secret: null }], logger, {
        sleep: never,
      });
      try {
        let dropped = 0;
        for (let i = 0; i < 1000; i++) {
          for (const n of hooks.notify(big(i))) dropped += n.dropped;
        }
        const [queue] = hooks.queues();
        expect(queue?.bytes).toBeLessThanOrEqual(MAX_QUEUE_BYTES);
        expect(queue?.bytes).toBeGreaterThan(MAX_QUEUE_BYTES - 50_000);
        // 999 waiting at most (one is in flight); what did not fit was dropped, oldest first.
        expect(dropped).toBe(queue?.dropped);
        expect((queue?.items ?? 0) + dropped).toBe(999);
        expect(dropped).toBeGreaterThan(500);
        expect(lines.map((l) => l.msg)).toEqual([
          'webhook queue full: dropping the oldest deliveries until it drains (counted in svt_webhook_dropped_total)',
        ]);
        expect(lines[0]).toMatchObject({ hook: 0, host: new URL(stuck.url).host });
        expect(JSON.stringify(lines)).not.toContain('s3cr3t');
      } finally {
        await stuck.close();
      }
    });

    it('a burst ends when the queue drains: the next one is logged again', async () => {
      const held: ServerResponse[] = [];
      let holding = true;
      const slow = await receiver((_, res) => (holding ? held.push(res) : res.end('ok')));
      const { lines, logger } = capture();
      const hooks = new Webhooks([{ url: slow.url, format: 'json', secret: null }], logger, {
        sleep: never,
        maxQueueBytes: 200_000,
      });
      try {
        for (let i = 0; i < 20; i++) hooks.notify(big(i));
        expect(lines).toHaveLength(1);
        holding = false;
        for (const res of held.splice(0)) res.end('ok');
        await until(() => hooks.queues()[0]?.items === 0 && slow.got.length > 1);
        await new Promise((r) => setTimeout(r, 50));
        holding = true;
        for (let i = 0; i < 20; i++) hooks.notify(big(i));
        expect(lines).toHaveLength(2);
        expect(hooks.queues()[0]?.bytes).toBeLessThanOrEqual(200_000);
      } finally {
        holding = false;
        for (const res of held.splice(0)) res.end('ok');
        await slow.close();
      }
    });

    it('over HTTP: /metrics counts the drops by hook index and host', async () => {
      const stuck = await receiver(() => undefined);
      const t = await testApp({ SVT_WEBHOOKS: JSON.stringify([{ url: `${stuck.url}/s3cr3t` }]) });
      const dropped = async () => {
        const text = (await request(t.callback).get('/metrics').expect(200)).text;
        const host = new URL(stuck.url).host;
        const line = text.split('\n').find((l) => l.startsWith('svt_webhook_dropped_total{'));
        expect(line).toMatch(
          new RegExp(`^svt_webhook_dropped_total\\{hook="0",host="${host}"\\} \\d+$`),
        );
        expect(text).not.toContain('s3cr3t');
        return Number(line?.split(' ')[1]);
      };
      try {
        const post = (i: number) =>
          request(t.callback)
            .post('/api/v1/deployments')
            .send({ env: 'prod', app: 'big', version: `1.0.${i}`, attributes })
            .expect(201);
        await post(0);
        expect(await dropped()).toBe(0);
        for (let i = 1; i < 450; i++) await post(i);
        expect(await dropped()).toBeGreaterThan(0);
      } finally {
        await t.store.close();
        await stuck.close();
      }
    }, 30_000);
  });

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

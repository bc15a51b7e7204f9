/**
 * Cross-site request forgery in real headless Chromium: a page served by
 * another local server (another origin) makes its visitor's browser write
 * to SVT while no token exists, when the loopback rule would accept a
 * write from this machine. The browser does send each request (the test
 * waits for SVT's answer, a 403), and nothing is recorded. A cross-site
 * login leaves no session cookie in the browser, while SVT's own login
 * form, whose Origin is the server's own, still signs in.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { launch } from '../helpers/browser.js';
import { closeServer, listen, listenApp, useListeningApp } from '../helpers/listen.js';
import { issueToken } from '../helpers/tokens.js';

const svt = useListeningApp();
let browser: Browser;
let attacker: Server;
let attackerPort = 0;

/** The attacker's pages, each doing its forgery as soon as it loads. */
function pages(target: string): Record<string, string> {
  const form = (
    action: string,
    fields: Record<string, string>,
    enctype = '',
    head = '',
  ) => `<!doctype html>
${head}
<form method="post" action="${target}${action}" ${enctype}>
${Object.entries(fields)
  .map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`)
  .join('\n')}
</form>
<script>document.forms[0].submit()</script>`;
  return {
    '/legacy-form': form('/create', { env: 'prod', name: 'api', version: '6.6.6' }),
    // No Referer, and an Origin of "null": the page hides where it comes from.
    '/no-referrer-form': form(
      '/create',
      { env: 'prod', name: 'api', version: '6.6.9' },
      '',
      '<meta name="referrer" content="no-referrer">',
    ),
    // The classic JSON CSRF: a text/plain form whose body reads as JSON.
    '/text-form': form(
      '/api/v1/deployments',
      { '{"env":"prod","app":"api","version":"6.6.7","x":"': '"}' },
      'enctype="text/plain"',
    ),
    '/no-cors-fetch': `<!doctype html><script>
fetch(${JSON.stringify(`${target}/api/v1/deployments`)}, {
  method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
  body: JSON.stringify({ env: 'prod', app: 'api', version: '6.6.8' }),
});
</script>`,
  };
}

beforeAll(async () => {
  browser = await launch();
  attacker = createServer((req, res) => {
    const page = pages(svt().url)[req.url ?? ''];
    res.writeHead(page === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page ?? 'not found');
  });
  attackerPort = await listen(attacker);
});

afterAll(async () => {
  await browser.close();
  await closeServer(attacker);
});

/** Opens the attacker's page and waits for the browser's request to SVT; its status. */
async function forge(context: BrowserContext, origin: string, path: string): Promise<number> {
  const page = await context.newPage();
  const answer = page.waitForResponse((res) => res.url().startsWith(svt().url));
  await page.goto(`${origin}${path}`);
  const status = (await answer).status();
  await page.close();
  return status;
}

async function recorded(): Promise<number> {
  return (await svt().store.history({ limit: 100 })).items.length;
}

describe.each([
  ['the same host, another port', () => `http://127.0.0.1:${attackerPort}`],
  ['another site (localhost)', () => `http://localhost:${attackerPort}`],
])('a page on %s', (_, origin) => {
  test.each(['/legacy-form', '/no-referrer-form', '/text-form', '/no-cors-fetch'])(
    '%s: the browser sends it, SVT refuses it, nothing is recorded',
    async (path) => {
      expect(await svt().store.everHadTokens()).toBe(false); // the loopback rule applies
      const context = await browser.newContext();
      expect(await forge(context, origin(), path)).toBe(403);
      await context.close();
      expect(await recorded()).toBe(0);
    },
  );
});

test('a cross-site login stores no session in the browser', async () => {
  const token = await issueToken(svt().store, 'attacker', ['read']);
  attacker.removeAllListeners('request');
  attacker.on('request', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<form method="post" action="${svt().url}/login">
<input type="hidden" name="token" value="${token}"><input type="hidden" name="next" value="/">
</form>
<script>document.forms[0].submit()</script>`);
  });
  const context = await browser.newContext();
  expect(await forge(context, `http://localhost:${attackerPort}`, '/login-form')).toBe(403);
  expect(await context.cookies(svt().url)).toEqual([]);
  await context.close();
});

test("SVT's own login form still signs in: the browser's Origin is the server's own", async () => {
  const closed = await listenApp({ SVT_READ_AUTH: 'token' });
  try {
    const token = await issueToken(closed.store, 'reader', ['read']);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${closed.url}/env/prod`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', token);
    const [answer] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST'),
      page.click('button[type="submit"]'),
    ]);
    expect(answer.status()).toBe(303);
    expect((await context.cookies(closed.url)).map((c) => c.name)).toEqual(['svt_session']);
    await context.close();
  } finally {
    await closed.close();
  }
});

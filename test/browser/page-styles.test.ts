/**
 * Every page a person can reach, in real headless Chromium, looks as
 * designed: its stylesheet loaded and applied, no Content-Security-Policy
 * violation, on the pages, the login form and every error page (400, 401,
 * 404, 429, 500); text inputs wide enough for their placeholder and value;
 * one colour per status on every page; environments in promotion order.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { listenApp, type Listening } from '../helpers/listen.js';
import { DORA_UNTIL, seedLooks } from '../helpers/page-data.js';
import { removeTempDirs } from '../helpers/tmp.js';

let browser: Browser;
let open: Listening;
let locked: Listening;
let broken: Listening;

beforeAll(async () => {
  browser = await launch();
  open = await listenApp();
  await seedLooks(open.store);
  locked = await listenApp({ SVT_READ_AUTH: 'token', SVT_AUTH_FAIL_LIMIT: '1' });
  broken = await listenApp();
  await broken.store.close(); // every read now fails: a 500
});
afterAll(async () => {
  await browser.close();
  await Promise.all([open.close(), locked.close(), broken.close()]);
  removeTempDirs();
});

/** A page that also collects the CSP violations the document reports. */
async function visitor(): Promise<{ page: Page; problems: string[] }> {
  const watched = await watchedPage(browser);
  await watched.page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
  });
  return watched;
}

/** What the page shows of its stylesheet: its rules, and two of its declarations applied. */
function styled(page: Page): Promise<{ rules: number; header: string; margin: string }> {
  return page.locator('html').evaluate((root) => {
    const doc = root.ownerDocument;
    const style = (el: unknown) => doc.defaultView.getComputedStyle(el);
    const sheets: { href: string | null; cssRules: unknown[] }[] = [...doc.styleSheets];
    const sheet = sheets.find((s) => s.href?.endsWith('/assets/app.css') === true);
    const header = doc.querySelector('header.top');
    return {
      rules: sheet?.cssRules.length ?? 0,
      header: header === null ? 'none' : style(header).display,
      margin: style(doc.body).margin,
    };
  });
}

/** Checks that the page now shown is styled, and that nothing but its own status was reported. */
async function expectStyled(page: Page, problems: string[], status: number): Promise<void> {
  const { rules, header, margin } = await styled(page);
  expect(rules).toBeGreaterThan(50);
  expect([header, margin]).toEqual(['flex', '0px']); // app.css's, not the browser's defaults
  // Chromium reports an error status of the page itself; nothing else may be reported.
  const own = `the server responded with a status of ${status} `;
  expect(problems.filter((p) => !p.includes(own))).toEqual([]);
  problems.length = 0;
}

describe('every page loads its stylesheet, without a CSP violation', () => {
  test.each([
    ['/', 200],
    ['/env/prod', 200],
    ['/env/prod?at=2026-01-03', 200],
    ['/env/staging/changes?since=2026-01-01', 200],
    ['/app/api', 200],
    ['/compare', 200],
    [`/dora?env=prod&window=7d&until=${DORA_UNTIL}`, 200],
    ['/dora', 200],
    ['/nowhere', 404],
    ['/env/nope', 404],
    ['/env/prod?at=later', 400],
    ['/dora?window=10y', 400],
  ])('%s (%i)', async (path, status) => {
    const { page, problems } = await visitor();
    const res = await page.goto(open.url + path);
    expect(res?.status()).toBe(status);
    expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expectStyled(page, problems, status);
    await page.close();
  });

  test('the login form, its failure, and its rate limit (401, 429)', async () => {
    const { page, problems } = await visitor();
    // A page asked for without a session leads to the login form.
    await page.goto(locked.url + '/env/prod');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await expectStyled(page, problems, 200);
    const signIn = async (status: number) => {
      await page.fill('#token', 'svt_wrong');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.click('button[type="submit"]'),
      ]);
      expect(res.status()).toBe(status);
      await page.waitForLoadState();
    };
    await signIn(401);
    expect(await page.locator('.banner').textContent()).toContain('That token is not valid');
    await expectStyled(page, problems, 401);
    await signIn(429);
    expect(await page.locator('h1').textContent()).toBe('Too many requests');
    await expectStyled(page, problems, 429);
    await page.close();
  });

  test('a server error (500) names its request id', async () => {
    const { page, problems } = await visitor();
    const res = await page.goto(broken.url + '/');
    expect(res?.status()).toBe(500);
    expect(await page.locator('h1').textContent()).toBe('Internal server error');
    expect(await page.locator('main code').textContent()).toBe(res?.headers()['x-request-id']);
    await expectStyled(page, problems, 500);
    await page.close();
  });
});

describe('text inputs are as wide as their placeholder and their value', () => {
  test.each([
    '/',
    '/env/prod',
    '/env/prod?at=2026-01-03T10:15:30.250Z',
    '/env/prod/changes',
    '/env/prod/changes?since=2026-01-01&until=2026-01-02T09:30:00Z',
    '/compare',
    '/compare?from=staging&to=prod&at=2026-01-02T10:00:00Z',
    '/dora',
    `/dora?app=api&until=${DORA_UNTIL}`,
    '/app/api',
  ])('%s', async (path) => {
    const { page, problems } = await visitor();
    await page.goto(open.url + path);
    const text = 'input:not([type="hidden"]):not([type="checkbox"])';
    const inputs = await page.locator(text).evaluateAll((els) => {
      const doc = els[0]?.ownerDocument;
      const measure = doc?.createElement('canvas').getContext('2d');
      return els.map((input) => {
        const style = doc.defaultView.getComputedStyle(input);
        if (measure !== null) {
          measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        }
        const room =
          input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const width = (text: string): number =>
          Math.ceil(measure?.measureText(text).width ?? Infinity);
        return {
          id: input.id,
          font: measure?.font.includes(style.fontSize) === true,
          fits: width(input.placeholder) <= room && width(input.value) <= room,
          scrolls: input.scrollWidth > input.clientWidth,
          text: `${input.placeholder as string}|${input.value as string}`,
        };
      });
    });
    for (const input of inputs) {
      expect({ ...input, font: true, fits: true, scrolls: false }).toEqual(input);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});

/** Each row's status (the fourth cell) and its colour, in a history table. */
async function statusColours(page: Page, table: string): Promise<Map<string, string>> {
  const pairs = await page
    .locator(`${table} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row): [string, string] => [
        row.cells[3]?.textContent?.trim() ?? '',
        row.ownerDocument.defaultView.getComputedStyle(row.cells[3]).color,
      ]),
    );
  return new Map(pairs);
}

describe('one colour per status, on every page', () => {
  test('rolled back and failure in the warning colour, started in the progress colour', async () => {
    const { page, problems } = await visitor();
    await page.goto(open.url + '/env/staging/changes?since=2026-01-01&until=2026-01-08');
    const byStatus = await statusColours(page, '#changes');
    expect([...byStatus.keys()].sort()).toEqual(['failure', 'rolled back', 'started', 'success']);
    const warn = byStatus.get('failure');
    const colour = (el: {
      ownerDocument: { defaultView: { getComputedStyle(e: unknown): { color: string } } };
    }) => el.ownerDocument.defaultView.getComputedStyle(el).color;
    const body = await page.locator('body').evaluate(colour);
    expect(byStatus.get('rolled back')).toBe(warn);
    expect(byStatus.get('success')).toBe(body);
    expect(byStatus.get('started')).not.toBe(body);
    expect(byStatus.get('started')).not.toBe(warn);
    // The application page's history: the same colours.
    await page.goto(open.url + '/app/api?env=staging');
    const history = await statusColours(page, '#history');
    expect(history.get('rolled back')).toBe(warn);
    expect(history.get('success')).toBe(body);
    // The environment page's notes: a failed latest attempt warns in the same colour.
    await page.goto(open.url + '/env/dev');
    const note = page.locator('#apps .note');
    expect(await note.textContent()).toMatch(/⚠\s*1\.0\.0 failed/);
    expect(await note.evaluate(colour)).toBe(warn);
    await page.goto(open.url + '/env/staging');
    const progress = page.locator('#apps .note');
    expect(await progress.textContent()).toMatch(/◷ 3\.0\.1 deploying since/);
    expect(await progress.evaluate(colour)).toBe(byStatus.get('started'));
    // The overview's cell of an app that never succeeded there: the words, in the same colour.
    await page.goto(open.url + '/');
    const tried = page.locator('#matrix tr[data-search="web"] td.attempt');
    expect(await tried.textContent()).toMatch(/^in progress/);
    expect(await tried.evaluate(colour)).toBe(byStatus.get('started'));
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('environments in promotion order without SVT_ENV_ORDER', () => {
  test('prod, seen first, is the last column; compare defaults to staging → prod', async () => {
    const { page, problems } = await visitor();
    await page.goto(open.url + '/');
    expect(await page.locator('#matrix thead th').allTextContents()).toEqual([
      'Application',
      'dev',
      'staging',
      'prod',
    ]);
    await page.goto(open.url + '/compare');
    expect(await page.locator('h1').textContent()).toBe('staging → prod');
    expect(problems).toEqual([]);
    await page.close();
  });
});

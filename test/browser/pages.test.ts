/**
 * The pages in real headless Chromium against a real server with seeded
 * data: no console error anywhere (a CSP violation is one), filter, sort,
 * selectors, ?at=, inert XSS payloads, empty states.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { listenApp, useListeningApp, type Listening } from '../helpers/listen.js';
import { tempDir } from '../helpers/tmp.js';

const svt = useListeningApp({ SVT_ENV_ORDER: 'dev,staging,prod' });
let browser: Browser;
const shots = tempDir('svt-shots-');
const XSS_APP = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  browser = await launch();
  const rows: [string, string, string, number, Partial<Parameters<typeof newDeployment>[0]>?][] = [
    ['dev', 'api', '1.5.0', 30],
    ['staging', 'api', '1.5.0', 40],
    ['prod', 'api', '1.4.2', 10],
    ['prod', 'api', '1.4.3', 50, { status: 'failure' }],
    ['dev', 'payment-service', '3.0.0', 20],
    ['staging', 'payment-service', '2.9.0', 15],
    [
      'prod',
      'payment-service',
      '2.9.0',
      16,
      { commit: '9fceb02d0ae598e95dc970b74767f19372d61af8', actor: 'alice' },
    ],
    [
      'prod',
      'web',
      '7.0.0',
      5,
      { url: 'https://web.example.com', pipelineUrl: 'https://ci.example.com/p/1' },
    ],
    ['prod', 'web', '7.1.0', 60],
    [
      'prod',
      XSS_APP,
      '"><script>alert(2)</script>',
      25,
      { actor: '<script>alert(3)</script>', commit: 'javascript:alert(4)' },
    ],
  ];
  for (const [env, app, version, minute, extra] of rows) {
    await svt().store.record(
      newDeployment({ env, app, version, deployedAt: T0 + minute * MINUTE, ...extra }),
    );
  }
});
afterAll(async () => {
  await browser.close();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const watched = await watchedPage(browser);
  const res = await watched.page.goto(svt().url + path);
  expect(res?.status()).toBe(200);
  return watched;
}

/** The names of the rows shown (the link in each row's header cell). */
const visibleRows = (page: Page, table: string) =>
  page.locator(`#${table} tbody tr:not([hidden]) th a`).allTextContents();

describe('overview', () => {
  test('a matrix in SVT_ENV_ORDER, cells that differ from the environment to the left marked, fuzzy filter', async () => {
    const { page, problems } = await open('/');
    expect(await page.locator('#matrix thead th').allTextContents()).toEqual([
      'Application',
      'dev',
      'staging',
      'prod',
    ]);
    expect((await visibleRows(page, 'matrix')).map((t) => t.trim())).toEqual([
      XSS_APP,
      'api',
      'payment-service',
      'web',
    ]);
    // payment-service: dev 3.0.0, staging 2.9.0 (differs), prod 2.9.0 (same as staging)
    const payment = page.locator('#matrix tbody tr', { hasText: 'payment-service' });
    expect(await payment.locator('td').nth(1).getAttribute('class')).toContain('differs');
    expect(await payment.locator('td').nth(2).getAttribute('class')).toBeNull();
    // Times are rendered for the reader: the ISO instant stays in the markup.
    const cellTime = payment.locator('td').nth(0).locator('time');
    expect(await cellTime.getAttribute('datetime')).toBe(new Date(T0 + 20 * MINUTE).toISOString());
    expect(await cellTime.textContent()).toMatch(/ago/);

    await page.fill('#filter', 'pay svc');
    expect((await visibleRows(page, 'matrix')).map((t) => t.trim())).toEqual(['payment-service']);
    expect(await page.locator('[data-count="matrix"]').textContent()).toBe('1');
    await page.fill('#filter', '');
    expect(await visibleRows(page, 'matrix')).toHaveLength(4);
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('environment page', () => {
  test('sorts by any column with the keyboard, filters, warns of a failed latest attempt', async () => {
    const { page, problems } = await open('/env/prod');
    expect(await page.locator('h1').textContent()).toBe('prod');
    const apps = async () => (await visibleRows(page, 'apps')).map((t) => t.trim());
    expect(await apps()).toEqual([XSS_APP, 'api', 'payment-service', 'web']);

    await page.locator('button[data-sort="time"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('th:has(button[data-sort="time"])').getAttribute('aria-sort')).toBe(
      'ascending',
    );
    expect(await apps()).toEqual(['api', 'payment-service', XSS_APP, 'web']);
    await page.keyboard.press('Enter');
    expect(await apps()).toEqual(['web', XSS_APP, 'payment-service', 'api']);

    const api = page.locator('#apps tbody tr', { hasText: 'api' }).first();
    expect(await api.locator('.tone-warn').textContent()).toMatch(/⚠\s*1\.4\.3\s+failed/);
    const web = page.locator('#apps tbody tr', { hasText: 'web' });
    expect(await web.locator('a', { hasText: 'pipeline' }).count()).toBe(0); // 7.1.0 has no links
    const payment = page.locator('#apps tbody tr', { hasText: 'payment-service' });
    expect(await payment.locator('code').getAttribute('title')).toBe(
      '9fceb02d0ae598e95dc970b74767f19372d61af8',
    );

    await page.fill('#filter', 'web');
    expect(await apps()).toEqual(['web']);
    expect(await page.locator('[data-count="apps"]').textContent()).toBe('1');
    await page.screenshot({ path: join(shots, 'environment.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('the selector navigates; ?at= shows the past and says so', async () => {
    const { page, problems } = await open('/env/prod');
    await Promise.all([
      page.waitForURL(/\/env\/staging$/),
      page.selectOption('#env-select', 'staging'),
    ]);
    expect(await page.locator('h1').textContent()).toBe('staging');

    const at = new Date(T0 + 12 * MINUTE).toISOString();
    await page.goto(`${svt().url}/env/prod?at=${at}`);
    expect(await page.locator('.banner').textContent()).toMatch(/Showing\s+prod\s+as it was at/);
    expect(await page.locator('.banner time').getAttribute('datetime')).toBe(at);
    expect((await visibleRows(page, 'apps')).map((t) => t.trim())).toEqual(['api', 'web']);
    expect(await page.locator('#apps .version').allTextContents()).toEqual(['1.4.2', '7.0.0']);
    const links = page
      .locator('#apps tbody tr', { hasText: 'web' })
      .locator('a[rel="noopener noreferrer"]');
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      'https://web.example.com/',
      'https://ci.example.com/p/1',
    ]);
    expect(problems).toEqual([]);
  });

  test('payloads in every field stay inert text', async () => {
    const { page, problems } = await open('/env/prod');
    const row = page.locator('#apps tbody tr').first();
    expect((await row.locator('th').textContent())?.trim()).toBe(XSS_APP);
    expect(await row.locator('.version').textContent()).toBe('"><script>alert(2)</script>');
    expect(await row.locator('td').nth(3).textContent()).toBe('<script>alert(3)</script>');
    expect(await page.locator('#apps img').count()).toBe(0);
    // The app's own page too (its name travels in the path).
    await page.locator('#apps tbody tr').first().locator('th a').click();
    await page.waitForURL(/\/app\//);
    expect(await page.locator('h1').textContent()).toBe(XSS_APP);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await page.waitForTimeout(100);
    expect(problems).toEqual([]);
  });
});

describe('application page', () => {
  test('current in every environment, then history filtered by status through the selector', async () => {
    const { page, problems } = await open('/app/api');
    expect(await page.locator('h1').textContent()).toBe('api');
    const now = await page
      .locator('table.compact tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) =>
          r.textContent?.replace(/\s+/g, ' ').trim().split(' ').slice(0, 2).join(' '),
        ),
      );
    expect(now).toEqual(['dev 1.5.0', 'staging 1.5.0', 'prod 1.4.2']);
    expect(await page.locator('#history tbody tr')).toHaveProperty('count');
    expect(await page.locator('#history tbody tr').count()).toBe(4);
    await Promise.all([
      page.waitForURL(/status=failure/),
      page.selectOption('#status-filter', 'failure'),
    ]);
    expect(await page.locator('#history tbody tr').count()).toBe(1);
    expect(await page.locator('#history .version').textContent()).toBe('1.4.3');
    await page.screenshot({ path: join(shots, 'application.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('compare page', () => {
  test('defaults to the last promotion step, differing apps first, and the selectors compare anew', async () => {
    const { page, problems } = await open('/compare');
    expect(await page.locator('h1').textContent()).toBe('staging → prod');
    const rows = await page.locator('#compare tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [
        tr.querySelector('th')?.textContent?.trim(),
        // The state: the cell before the commits' (empty without repositories).
        tr.lastElementChild?.previousElementSibling?.textContent,
      ]),
    );
    expect(rows).toEqual([
      [XSS_APP, 'only in prod'],
      ['api', 'newer in staging'],
      ['web', 'only in prod'],
      ['payment-service', 'same'],
    ]);
    await Promise.all([page.waitForURL(/from=dev/), page.selectOption('#from', 'dev')]);
    expect(await page.locator('h1').textContent()).toBe('dev → prod');
    await page.screenshot({ path: join(shots, 'compare.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('DORA page', () => {
  test('the four figures, a chart drawn locally from the day table, per-app rows, selectors', async () => {
    const until = new Date(T0 + 24 * 60 * MINUTE).toISOString();
    const { page, problems } = await open(`/dora?env=prod&window=1d&until=${until}`);
    const figures = await page
      .locator('.figure')
      .evaluateAll((els) =>
        els.map((el) => [
          el.querySelector('dt')?.textContent,
          el.querySelector('strong')?.textContent,
        ]),
      );
    expect(figures).toEqual([
      ['Deployment frequency', '5 / day'],
      ['Change failure rate', '16.7%'],
      ['Time to restore', '–'],
      ['Lead time for changes', '–'],
    ]);
    // uPlot (served from /assets, no CDN) drew into the chart's box; no
    // deployment carried committedAt, so the lead-time chart says so instead.
    await expect(page.locator('#daily-chart canvas').count()).resolves.toBe(1);
    expect(await page.locator('#daily-chart').getAttribute('role')).toBe('img');
    expect(await page.locator('#lead-chart').count()).toBe(0);
    expect(await page.locator('.chart-empty').textContent()).toMatch(/^\s*No lead time to chart/);
    expect((await visibleRows(page, 'dora-apps')).map((t) => t.trim())).toEqual([
      XSS_APP,
      'api',
      'payment-service',
      'web',
    ]);
    await page.locator('#dora-apps tbody tr', { hasText: 'api' }).locator('a').click();
    await page.waitForURL(/app=api/);
    expect(await page.locator('.figure strong').nth(1).textContent()).toBe('50%');
    await Promise.all([page.waitForURL(/window=7d/), page.selectOption('#window', '7d')]);
    await page.screenshot({ path: join(shots, 'dora.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});

describe('empty states and errors', () => {
  let empty: Listening;
  beforeAll(async () => {
    empty = await listenApp();
  });
  afterAll(async () => {
    await empty.close();
  });

  test('a new server tells how to record a first deployment; unknown names get a readable 404', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(empty.url + '/');
    expect(await page.locator('.hint pre').first().textContent()).toBe(
      `curl --json '{"env":"prod","app":"api","version":"1.0.0"}' ${empty.url}/api/v1/deployments`,
    );
    expect(await page.locator('.hint').textContent()).toContain(`${empty.url}/cli/svt.mjs`);
    const missing = await page.goto(empty.url + '/env/staging');
    expect(missing?.status()).toBe(404);
    expect(await page.locator('.hint pre').first().textContent()).toContain('"env":"staging"');
    await page.goto(empty.url + '/compare');
    expect(await page.locator('.lead').textContent()).toMatch(/needs two environments/);
    // Chromium reports the deliberate 404 page itself; nothing else.
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 404 (Not Found)',
    ]);
  });
});

// Last: its environment would change the other pages' defaults.
describe('environment page, versions', () => {
  test('sorts versions by the version order, and shows a deployment in progress as such', async () => {
    const rows: [string, string, string?][] = [
      ['rc', '1.3.0-rc.1'],
      ['release', '1.3.0'],
      ['ten', 'v1.10.0'],
      ['build', '2026.11.28-3'],
      ['day', '2026.11.28'],
    ];
    for (const [app, version] of rows) {
      await svt().store.record(newDeployment({ env: 'order', app, version, deployedAt: T0 }));
    }
    await svt().store.record(
      newDeployment({ env: 'order', app: 'day', version: '2026.11.29', status: 'started' }),
    );
    const { page, problems } = await open('/env/order');
    await page.locator('button[data-sort="version"]').click();
    // Text order would put 1.3.0 before 1.3.0-rc.1 and 2026.11.28 before 2026.11.28-3's build.
    expect((await visibleRows(page, 'apps')).map((t) => t.trim())).toEqual([
      'rc',
      'release',
      'ten',
      'day',
      'build',
    ]);
    const day = page.locator('#apps tbody tr', { hasText: 'day' });
    expect(await day.locator('.tone-progress').textContent()).toMatch(
      /2026\.11\.29 deploying since/,
    );
    expect(await day.locator('.tone-warn').count()).toBe(0);
    const colors = await page
      .locator('#apps tbody tr:has-text("day") .tone-progress, body')
      .evaluateAll((els) => els.map((e) => e.ownerDocument.defaultView?.getComputedStyle(e).color));
    expect(colors).toHaveLength(2);
    expect(colors[0]).toMatch(/^rgb/);
    expect(colors[0]).not.toBe(colors[1]); // the in-progress colour, not the text's
    expect(problems).toEqual([]);
  });
});

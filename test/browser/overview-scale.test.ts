/**
 * The overview at 1,000 applications in 20 environments, in real
 * Chromium (test/helpers/matrix-data.ts): the header row and the
 * application column stay in view while the table scrolls both ways,
 * environments grouped by stage, differences only, the filter in the URL
 * (typed, shared, narrowed), a past instant, ages written as rows come into
 * view, keyboard scrolling and labelled controls. How fast is measured by
 * `npm run bench:pages`, never asserted here.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { DIFFERENCES_AT, MATRIX_ENVS, appName, seedMatrix } from '../helpers/matrix-data.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp();
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
  await seedMatrix(svt().store);
}, 120_000);
afterAll(async () => {
  await browser.close();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const watched = await watchedPage(browser);
  await watched.page.setViewportSize({ width: 1280, height: 800 });
  const res = await watched.page.goto(svt().url + path);
  expect(res?.status()).toBe(200);
  return watched;
}

const shownRows = (page: Page) =>
  page.locator('#matrix tbody tr:not([hidden]) th a').allTextContents();
/** Polls `check` every 50 ms, up to 10 s (a page's own waits need eval, which its CSP forbids). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`waited 10 s for ${what}`);
}
/** Waits until the rows the filter defers (below the window) agree with it too. */
const settled = (page: Page, count: number) =>
  until(
    async () => (await page.locator('#matrix tbody tr:not([hidden])').count()) === count,
    `${count} rows shown`,
  );
/** Waits until app.js has shown the rows the page's load leaves for later (overview.ts FIRST_ROWS). */
const allShown = (page: Page) =>
  until(async () => (await page.locator('#matrix tbody tr.later').count()) === 0, 'every row');

/** The 28 names of app-0000..app-0999 that `app-012` finds: a 1, then a 2, in the last three digits. */
const APP_012 = [
  'app-0012',
  'app-0102',
  'app-0112',
  ...Array.from({ length: 10 }, (_, i) => `app-012${i}`),
  ...['3', '4', '5', '6', '7', '8', '9'].map((d) => `app-01${d}2`),
  ...['2', '3', '4', '5', '6', '7', '8', '9'].map((d) => `app-0${d}12`),
];

describe('the overview of 1,000 applications in 20 environments', () => {
  test('the header row and the application column stay in view while the table scrolls both ways', async () => {
    const { page, problems } = await open('/');
    const box = page.locator('.matrix-scroll');
    const frame = await box.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left + el.clientLeft, top: r.top + el.clientTop, height: el.clientHeight };
    });
    await allShown(page);
    const prodHeader = page.locator('#matrix tr.envs th', { hasText: 'prod-us-1' });
    const before = await prodHeader.boundingBox();
    await box.evaluate((el) => {
      el.scrollTop = 12_000;
      el.scrollLeft = 900;
    });
    // The header: at the top of the box, its columns moved 900 px left with the table.
    const head = await page.locator('#matrix thead').boundingBox();
    expect(Math.abs((head?.y ?? -1) - frame.top)).toBeLessThanOrEqual(1);
    const after = await prodHeader.boundingBox();
    expect(Math.round((before?.x ?? 0) - (after?.x ?? 0))).toBe(900);
    const corner = await page.locator('#matrix th.app').boundingBox();
    expect(Math.abs((corner?.x ?? -1) - frame.left)).toBeLessThanOrEqual(1);
    // A row in the middle of the box: its name at the box's left edge, its first cells
    // scrolled away under it; and what is drawn there is the name, not a cell.
    const middle = frame.top + frame.height / 2;
    const seen = await box.evaluate(
      (el, { x, y }) => {
        const hit = el.ownerDocument.elementFromPoint(x, y);
        const th = hit?.closest('th[scope="row"]');
        const row = th?.parentElement;
        const td = row?.querySelector('td');
        return {
          name: th?.textContent ?? null,
          nameLeft: th?.getBoundingClientRect().left ?? -1,
          cellLeft: td?.getBoundingClientRect().left ?? -1,
        };
      },
      { x: frame.left + 20, y: middle },
    );
    expect(seen.name).toMatch(/^app-0[3-4]\d\d$/); // 12,000 px down: rows of about 35 px
    expect(Math.abs(seen.nameLeft - frame.left)).toBeLessThanOrEqual(1);
    expect(seen.cellLeft).toBeLessThan(frame.left - 600);
    const top = await box.evaluate(
      (el, { x, y }) => el.ownerDocument.elementFromPoint(x, y)?.closest('thead') !== null,
      { x: frame.left + 400, y: frame.top + 5 },
    );
    expect(top).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('environments in promotion order under their stages, as header cells of column groups', async () => {
    const { page, problems } = await open('/');
    expect(await page.locator('#matrix tr.envs th').allTextContents()).toEqual(MATRIX_ENVS);
    const stages = await page
      .locator('#matrix tr.stages th[scope="colgroup"]')
      .evaluateAll((ths) =>
        ths.map((th) => [th.textContent, Number(th.getAttribute('colspan') ?? 1)]),
      );
    expect(stages).toEqual([
      ['dev', 2],
      ['test', 1],
      ['qa', 3],
      ['staging', 3],
      ['uat', 1],
      ['prod', 8],
      ['other', 2],
    ]);
    expect(
      await page.locator('#matrix colgroup').evaluateAll((gs) => gs.map((g) => g.children.length)),
    ).toEqual([1, 2, 1, 3, 3, 1, 8, 2]);
    // Still a table to assistive technology: named by its caption, header cells by role.
    const table = page.getByRole('table', {
      name: 'Current version of each application in each environment',
    });
    expect(await table.count()).toBe(1);
    expect(await table.getByRole('columnheader', { name: 'prod-sa-2' }).count()).toBe(1);
    expect(await table.getByRole('rowheader', { name: 'app-0999' }).count()).toBe(1);
    expect(await page.locator('#matrix tbody tr').count()).toBe(1000);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('differences only, from the form: the 100 that wait in dev-2, in a shareable address', async () => {
    const { page, problems } = await open('/');
    await page.getByLabel('Differences only').check();
    await Promise.all([
      page.waitForURL(/\/\?diff=1$/),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    await allShown(page);
    const rows = await shownRows(page);
    expect(rows).toEqual(Array.from({ length: 100 }, (_, k) => appName(k * 10)));
    expect(await page.locator('[data-count="matrix"]').textContent()).toBe('100');
    const row = page.locator('#matrix tbody tr').nth(1);
    expect(await row.locator('td').nth(1).getAttribute('class')).toBe('differs');
    expect(await row.locator('th .sr-only').textContent()).toBe(
      '; waiting to be promoted: dev-2 (dev runs 2.0.0)',
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the filter: typing narrows in place and keeps ?q= in the address, which loads the same rows', async () => {
    const { page, problems } = await open('/');
    await page.locator('#filter').pressSequentially('app-012');
    await settled(page, APP_012.length);
    expect(await shownRows(page)).toEqual(APP_012);
    expect(await page.locator('[data-count="matrix"]').textContent()).toBe('28');
    await until(async () => page.url() === `${svt().url}/?q=app-012`, 'the address');

    // The address as shared: the server filters with the same rule.
    await page.goto(page.url());
    expect(await page.locator('#matrix tbody tr').count()).toBe(28);
    expect(await shownRows(page)).toEqual(APP_012);
    expect(await page.locator('#filter').inputValue()).toBe('app-012');
    // Typing on narrows the rows in place...
    await page.locator('#filter').press('End');
    await page.locator('#filter').press('9');
    expect(await shownRows(page)).toEqual(['app-0129']);
    await until(async () => page.url() === `${svt().url}/?q=app-0129`, 'the address');
    // ...a wider query needs the server: the page says so, and Enter asks it.
    await page.locator('#filter').press('Backspace');
    await page.locator('#filter').press('Backspace');
    expect(await page.locator('[data-hint="matrix"]').isVisible()).toBe(true);
    await Promise.all([page.waitForURL(/\?q=app-01$/), page.locator('#filter').press('Enter')]);
    // A 1 among the last three digits: 1,000 - 9^3 names.
    expect(await page.locator('#matrix tbody tr').count()).toBe(271);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('?at= shows a past instant, with a way back to now', async () => {
    const before = new Date(DIFFERENCES_AT - 3600_000).toISOString();
    const { page, problems } = await open(`/?at=${before}`);
    const devOf0 = page.locator('#matrix tbody tr').first().locator('td').first();
    expect(await devOf0.evaluate((td) => td.firstChild?.textContent)).toBe('1.0.0');
    expect(await page.locator('.banner time').getAttribute('datetime')).toBe(before);
    await page.goto(`${svt().url}/?at=${before}&diff=1`);
    expect(await page.locator('main').textContent()).toMatch(/No application\s+differs then/);
    await page.goto(`${svt().url}/?at=${before}`);
    await Promise.all([
      page.waitForURL(/\/$/),
      page.getByRole('link', { name: 'Back to now' }).click(),
    ]);
    expect(await devOf0.evaluate((td) => td.firstChild?.textContent)).toBe('2.0.0');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('ages are written as rows come into view; the box scrolls from the keyboard; controls are labelled', async () => {
    const { page, problems } = await open('/');
    const first = page.locator('#matrix tbody tr').first().locator('td time').first();
    await first.waitFor();
    expect(await first.textContent()).toMatch(/ago/);
    const last = page.locator('#matrix tbody tr').last().locator('td time');
    expect(await last.count()).toBe(0);
    const box = page.locator('.matrix-scroll');
    await allShown(page);
    await box.focus();
    await page.keyboard.press('End');
    await until(
      async () => (await box.evaluate((el) => el.scrollTop)) > 30_000,
      'scrolled to the end',
    );
    await last.first().waitFor();
    expect(await last.count()).toBe(20);
    const unlabelled = await page
      .locator('form.view input, form.view select')
      .evaluateAll((els) => els.filter((el) => el.labels?.length === 0).length);
    expect(unlabelled).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('without JavaScript every row is displayed with the page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(svt().url + '/');
    const rows = page.locator('#matrix tbody tr');
    expect(await rows.count()).toBe(1000);
    // Displayed: a row has a box (app.css keeps the later ones out of the load; noscript.css not).
    expect((await rows.last().boundingBox())?.height).toBeGreaterThan(10);
    expect(await rows.nth(60).getAttribute('class')).toBe('later');
    await context.close();
  });
});

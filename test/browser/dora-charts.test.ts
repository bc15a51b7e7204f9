/**
 * The DORA page's charts in real headless Chromium: legends that say the
 * window's figures until a day is pointed at, bars only on days that had
 * deployments (read from the canvas's pixels), and an explicit empty state
 * instead of an empty chart with made-up axes.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { listenApp, type Listening } from '../helpers/listen.js';
import { DORA_UNTIL, seedLooks } from '../helpers/page-data.js';
import { removeTempDirs } from '../helpers/tmp.js';

let browser: Browser;
let svt: Listening;

beforeAll(async () => {
  browser = await launch();
  svt = await listenApp();
  await seedLooks(svt.store);
});
afterAll(async () => {
  await browser.close();
  await svt.close();
  removeTempDirs();
});

/** The legend under a chart: each series' label and value. */
const legend = (page: Page, chart: string) =>
  page
    .locator(`${chart} .u-legend .u-series`)
    .evaluateAll((rows) =>
      rows.map(
        (row) => `${row.querySelector('th').textContent} ${row.querySelector('td').textContent}`,
      ),
    );

/** Points at day `index` of the seven of a chart (each day is a seventh of the plot's width). */
async function pointAt(page: Page, chart: string, index: number): Promise<void> {
  const over = page.locator(`${chart} .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = await over.boundingBox();
  if (box === null) throw new Error(`${chart} has no plot area`);
  await page.mouse.move(box.x + (box.width * (index + 0.5)) / 7, box.y + box.height / 2);
}

/**
 * The widths in pixels of the runs of canvas columns that hold a pixel of
 * the colour of CSS variable `name`: one a bar. A day drawn as a stub of 0
 * would add one; a bar cut at the plot's edge would be narrow.
 */
const bars = (page: Page, chart: string, name: string) =>
  page.locator(`${chart} canvas`).evaluate((canvas, variable) => {
    const win = canvas.ownerDocument.defaultView;
    const hex = win
      .getComputedStyle(canvas.ownerDocument.documentElement)
      .getPropertyValue(variable)
      .trim();
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const columns: boolean[] = [];
    for (let x = 0; x < width; x++) {
      for (let y = 0; y < height && columns[x] !== true; y++) {
        const i = (y * width + x) * 4;
        columns[x] = pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b;
      }
    }
    const runs: number[] = [];
    columns.forEach((on, x) => {
      if (on && columns[x - 1] === true) runs.push((runs.pop() ?? 0) + 1);
      else if (on) runs.push(1);
    });
    return runs;
  }, name);

/** The charts' empty states, as read. */
const emptyStates = async (page: Page) =>
  (await page.locator('.chart-empty').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

/** A chart's y-axis as uPlot drew it. */
interface YTicks {
  /** The id of the chart's element. */
  chart: string;
  /** Each tick (uPlot's splits, where it also draws the gridlines): its value, and its label. */
  ticks: [number, unknown][];
}

/**
 * Run in the page before its scripts: every uPlot chart made is recorded
 * (window.yTicks) with the ticks of its y-axis, read through the axis's
 * `values` callback, which uPlot calls with the splits each time it draws them.
 */
function recordYTicks(): void {
  type Axis = { values: (u: unknown, splits: number[], ...rest: unknown[]) => unknown[] };
  type Options = { axes: Axis[] };
  const charts: YTicks[] = [];
  Reflect.set(globalThis, 'yTicks', charts);
  let real: unknown;
  Object.defineProperty(globalThis, 'uPlot', {
    configurable: true,
    get: () => real,
    set: (value: new (...args: unknown[]) => unknown) => {
      real = new Proxy(value, {
        construct(target, args: [Options, unknown, { id: string }]) {
          const [options, , el] = args;
          const y = options.axes[1];
          const record: YTicks = { chart: el.id, ticks: [] };
          charts.push(record);
          if (y !== undefined) {
            const values = y.values;
            y.values = (u, splits, ...rest) => {
              const labels = values(u, splits, ...rest);
              record.ticks = splits.map((s, i) => [s, labels[i]]);
              return labels;
            };
          }
          return Reflect.construct(target, args) as object;
        },
      });
    },
  });
}

describe('DORA charts', () => {
  test.each([
    // prod over 7 days: at most 2 successes a day.
    ['7d', DORA_UNTIL, [0, 1, 2]],
    // prod's first two days: 1 success and 1 failure on the first, the most of any day.
    ['2d', '2026-01-03', [0, 1]],
  ])(
    'deployments per day over %s: the y-axis ticks and gridlines are whole counts, each labelled',
    async (window, until, counts) => {
      const { page, problems } = await watchedPage(browser);
      await page.addInitScript(recordYTicks);
      await page.goto(`${svt.url}/dora?env=prod&window=${window}&until=${until}`);
      await page.locator('#daily-chart canvas').waitFor();
      const charts: YTicks[] = await page.evaluate(() => Reflect.get(globalThis, 'yTicks'));
      const daily = charts.find((c) => c.chart === 'daily-chart');
      expect(daily?.ticks).toEqual(counts.map((n) => [n, String(n)]));
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  test('legends show the window until a day is pointed at; no bar for a day without any', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${svt.url}/dora?env=prod&window=7d&until=${DORA_UNTIL}`);
    // prod: successes on 2026-01-01 (1), 01-03 (2) and 01-05 (2); one failure on 01-01.
    expect(await legend(page, '#daily-chart')).toEqual([
      'Day (UTC) 2026-01-01 to 2026-01-07',
      'Successes 5 in all',
      'Failed changes 1 in all',
    ]);
    // A bar each for 01-01, 01-03 and 01-05, none cut at the edges.
    const ok = await bars(page, '#daily-chart', '--ok');
    expect(ok).toHaveLength(3);
    const warn = await bars(page, '#daily-chart', '--warn');
    expect(warn).toHaveLength(1);
    expect(Math.min(...ok, ...warn)).toBeGreaterThan(10);
    // Lead times 3 h (01-01) and 1 h (01-03): a median of 2 h, as the figure says.
    expect(
      await page.locator('.figure', { hasText: 'Lead time' }).locator('strong').textContent(),
    ).toBe('2 h');
    expect(await legend(page, '#lead-chart')).toEqual([
      'Day (UTC) 2026-01-01 to 2026-01-07',
      'Lead time 2 h (window median)',
    ]);

    // Pointing at the third of seven days (2026-01-03), at the second, then away.
    await pointAt(page, '#daily-chart', 2);
    expect(await legend(page, '#daily-chart')).toEqual([
      'Day (UTC) 2026-01-03',
      'Successes 2',
      'Failed changes 0',
    ]);
    await pointAt(page, '#daily-chart', 1);
    expect(await legend(page, '#daily-chart')).toEqual([
      'Day (UTC) 2026-01-02',
      'Successes 0',
      'Failed changes 0',
    ]);
    await page.mouse.move(1, 1);
    expect(await legend(page, '#daily-chart')).toEqual([
      'Day (UTC) 2026-01-01 to 2026-01-07',
      'Successes 5 in all',
      'Failed changes 1 in all',
    ]);
    await pointAt(page, '#lead-chart', 0);
    expect(await legend(page, '#lead-chart')).toEqual(['Day (UTC) 2026-01-01', 'Lead time 3 h']);
    await pointAt(page, '#lead-chart', 1);
    expect(await legend(page, '#lead-chart')).toEqual(['Day (UTC) 2026-01-02', 'Lead time none']);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a chart with nothing to draw says so, with no axes', async () => {
    const { page, problems } = await watchedPage(browser);
    // staging: deployments, none with committedAt.
    await page.goto(`${svt.url}/dora?env=staging&window=7d&until=${DORA_UNTIL}`);
    expect(await page.locator('#daily-chart canvas').count()).toBe(1);
    expect(await page.locator('#lead-chart').count()).toBe(0);
    expect(await emptyStates(page)).toEqual([
      'No lead time to chart: no success in this window carried committedAt.',
    ]);
    // A window without any deployment: neither chart.
    await page.goto(`${svt.url}/dora?env=prod&window=7d&until=2025-06-01`);
    expect(await page.locator('canvas').count()).toBe(0);
    expect(await emptyStates(page)).toEqual([
      'No deployment in this window: nothing to chart.',
      'No lead time to chart: no success in this window.',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

// A page as Chromium loads it, and a filter keystroke as Chromium repaints
// it, for bench/overview-scale.mjs. Debian's chromium through
// playwright-core, headless, as the browser tests drive it.
/* global document, requestAnimationFrame, window -- in the functions page.evaluate runs in the page */
import { chromium } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.SVT_TEST_CHROMIUM || '/usr/bin/chromium',
    args: FLAGS,
  });
}

/**
 * Milliseconds from the navigation's start to the second frame after its
 * load event (parsed, styled, laid out, painted: `load`), and to the
 * second frame after the last of the rows app.js shows after the load
 * (`all`: the overview's `tr.later`; the same as `load` on other pages).
 */
async function loadOnce(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const frames = (then) => requestAnimationFrame(() => requestAnimationFrame(then));
        frames(() => {
          const load = performance.now();
          const poll = () =>
            document.querySelector('tr.later') === null
              ? frames(() => resolve({ load, all: performance.now() }))
              : requestAnimationFrame(poll);
          poll();
        });
      }),
  );
}

/** CPU time (ms) of the renderer's main thread over one load, from a trace (its events' thread durations). */
async function mainThreadCpu(page, url) {
  const client = await page.context().newCDPSession(page);
  await client.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReturnAsStream',
  });
  await loadOnce(page, url);
  const done = new Promise((resolve) => client.once('Tracing.tracingComplete', resolve));
  await client.send('Tracing.end');
  const { stream } = await done;
  let text = '';
  for (;;) {
    const chunk = await client.send('IO.read', { handle: stream });
    text += chunk.data;
    if (chunk.eof) break;
  }
  await client.detach();
  const parsed = JSON.parse(text);
  const events = parsed.traceEvents ?? parsed;
  const main = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let us = 0;
  for (const e of events) {
    if (e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`)) {
      us += e.tdur ?? e.dur ?? 0;
    }
  }
  return us / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `url` loaded `loads` times in one 1280 x 800 tab after two warm-up loads
 * (the assets then come from the cache, revalidated): the median and the
 * slowest load (ms), the median time until every row is shown, and the
 * median CPU of the main thread over three more, traced, loads (to their
 * load event's second frame).
 */
export async function browserLoad(browser, url, loads = 10) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    for (let i = 0; i < 2; i++) await loadOnce(page, url);
    const times = [];
    for (let i = 0; i < loads; i++) times.push(await loadOnce(page, url));
    const ms = times.map((t) => t.load);
    const cpu = [];
    for (let i = 0; i < 3; i++) cpu.push(await mainThreadCpu(page, url));
    return {
      median: median(ms),
      max: Math.max(...ms),
      all: median(times.map((t) => t.all)),
      cpu: median(cpu),
    };
  } finally {
    await page.close();
  }
}

/**
 * Keystrokes typed into the filter box (#filter) of `url`, each timed from
 * its input event to the end of the next frame (a requestAnimationFrame,
 * then a task): `text` letter by letter (narrowing), then as many
 * Backspaces (widening back to every row), then `x` (no match) and one
 * Backspace. The median and slowest (ms), and the slowest's keystroke.
 */
export async function keystrokes(browser, url, text) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => {
      window.benchKeys = [];
      // Capturing on the document: the clock starts before the page's own handler.
      document.addEventListener(
        'input',
        (event) => {
          const start = performance.now();
          const value = event.target.value;
          requestAnimationFrame(() =>
            setTimeout(() => window.benchKeys.push([value, performance.now() - start]), 0),
          );
        },
        true,
      );
    });
    const input = page.locator('#filter');
    await input.focus();
    const keys = [...text, ...Array.from(text, () => 'Backspace'), 'x', 'Backspace'];
    for (const key of keys) {
      await page.keyboard.press(key);
      await page.waitForTimeout(150); // a person types about 5 keys a second
    }
    await page.waitForTimeout(500);
    const timed = await page.evaluate(() => window.benchKeys);
    const ms = timed.map(([, t]) => t);
    const slowest = timed.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { count: ms.length, median: median(ms), max: slowest[1], slowest: slowest[0] };
  } finally {
    await page.close();
  }
}

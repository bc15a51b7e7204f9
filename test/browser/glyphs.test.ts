/**
 * Every character the pages show is drawn by a font this machine has (only
 * DejaVu and Liberation here, as on a plain Debian: no emoji font), not as
 * the box of a missing glyph: the text of each page, and whatever its
 * stylesheets put in `content` (the sort arrows). A missing glyph draws
 * the same box whatever the code point, so each character is drawn on a
 * canvas in each of the pages' fonts and compared, pixel for pixel, with a
 * code point no font has. The marks' glyphs (pages/marks.ts) are also
 * looked up in DejaVu Sans itself with fontconfig.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { GLYPHS } from '../../server/src/pages/marks.js';
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

/** The characters beyond ASCII of a page's text and of its stylesheets' `content`. */
const shownCharacters = (page: Page) =>
  page.locator('body').evaluate((body) => {
    const texts: string[] = [body.innerText];
    const sheets: Iterable<{ cssRules: Iterable<{ style?: { content: string } }> }> =
      body.ownerDocument.styleSheets;
    for (const sheet of sheets) {
      for (const rule of sheet.cssRules) {
        const content = rule.style?.content ?? '';
        if (content !== '') texts.push(content);
      }
    }
    return [...new Set([...texts.join('')].filter((c) => (c.codePointAt(0) ?? 0) > 0x7e))];
  });

/**
 * The characters of `chars` that draw as a missing glyph's box in any of
 * the pages' fonts (the body's, and the monospace of versions), with the font.
 */
const boxes = (page: Page, chars: string[]) =>
  page.locator('body').evaluate((body, list) => {
    const doc = body.ownerDocument;
    const win = doc.defaultView;
    const version = doc.querySelector('.version, .matrix td');
    const fonts = [
      win.getComputedStyle(body).font,
      ...(version === null ? [] : [win.getComputedStyle(version).font]),
    ];
    const canvas = doc.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const draw = (c: string, font: string): string => {
      ctx.clearRect(0, 0, 64, 64);
      ctx.font = font.replace(/\d+(\.\d+)?px/, '32px');
      ctx.fillText(c, 8, 44);
      return ctx.getImageData(0, 0, 64, 64).data.join(',');
    };
    const missing: string[] = [];
    for (const font of fonts) {
      // Plane 16's last private-use code point: no font has it.
      const box = draw('\u{10FFFD}', font);
      // A check of the check: another code point no font has draws the same box.
      if (draw('\uE000', font) !== box) missing.push(`(no box to compare with in ${font})`);
      for (const c of list) if (draw(c, font) === box) missing.push(`${c} in ${font}`);
    }
    return missing;
  }, chars);

describe('the glyphs of the pages', () => {
  test.each([
    ['the overview', '/'],
    ['an environment with attempts in progress, failed and rolled back', '/env/staging'],
    ['an environment whose latest attempt failed', '/env/dev'],
    ['the compare page', '/compare?from=staging&to=prod'],
    ['an application with rollbacks', '/app/api'],
    ['the changes page', '/env/staging/changes?since=2026-01-01&until=2026-01-08'],
    ['the DORA page', `/dora?env=prod&window=7d&until=${encodeURIComponent(DORA_UNTIL)}`],
    ['an error page', '/env/nowhere'],
  ])('%s: every character is drawn by an installed font', async (_, path) => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(svt.url + path);
    const chars = await shownCharacters(page);
    expect(chars.length).toBeGreaterThan(0);
    expect(await boxes(page, chars)).toEqual([]);
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    await page.close();
  });

  test('the marks of the environment page are among them: in progress, failed, rollback', async () => {
    const page = await browser.newPage();
    await page.goto(svt.url + '/env/staging');
    const text = await page.locator('#apps').innerText();
    expect(text).toContain(`${GLYPHS.inProgress} 3.0.1 deploying since`);
    expect(text).toContain(`${GLYPHS.rollback} rollback`);
    await page.goto(svt.url + '/env/dev');
    expect(await page.locator('#apps').innerText()).toContain(`${GLYPHS.warning} 1.0.0 failed`);
    await page.close();
  });

  test.each(Object.entries(GLYPHS))(
    'the %s mark is in DejaVu Sans, the fonts of a plain Debian',
    (_, glyph) => {
      const charset = glyph.codePointAt(0)!.toString(16);
      const families = execFileSync('fc-list', [`:charset=${charset}`, 'family'], {
        encoding: 'utf8',
      });
      expect(families.split('\n').flatMap((f) => f.split(','))).toContain('DejaVu Sans');
    },
  );
});

/**
 * Signing out in real headless Chromium, with SVT_READ_AUTH=token: sign in
 * on the login form, click the header's Sign out button (a same-origin form
 * POST, accepted as the login form's is), land on the login page, and every
 * page then sends the browser back to it.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { newDeployment } from '../helpers/deployments.js';
import { listenApp, type Listening } from '../helpers/listen.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

let browser: Browser;
let svt: Listening;
let token: string;

beforeAll(async () => {
  browser = await launch();
  svt = await listenApp({ SVT_READ_AUTH: 'token' });
  await svt.store.record(newDeployment({ env: 'prod' }));
  token = await issueToken(svt.store, 'reader', ['read']);
});
afterAll(async () => {
  await browser.close();
  await svt.close();
  removeTempDirs();
});

test('sign in, sign out from the header, and the pages ask to sign in again', async () => {
  const { page, problems } = await watchedPage(browser);
  await page.goto(`${svt.url}/env/prod`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${svt.url}/env/prod`), page.click('main button')]);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  expect(await signOut.count()).toBe(1);
  expect(await page.locator('header.top .signout button').count()).toBe(1);
  // On a 320-pixel phone the header wraps: the button stays on the screen.
  await page.setViewportSize({ width: 320, height: 640 });
  const box = await signOut.boundingBox();
  expect(box).not.toBeNull();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 800 });

  const [answer] = await Promise.all([
    page.waitForResponse((res) => res.url() === `${svt.url}/logout`),
    signOut.click(),
  ]);
  expect(answer.status()).toBe(303);
  await page.waitForURL(`${svt.url}/login`);
  expect(await page.locator('h1').textContent()).toBe('Sign in');
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  expect(await page.context().cookies(svt.url)).toEqual([]);

  for (const path of ['/', '/env/prod', '/dora']) {
    await page.goto(`${svt.url}${path}`);
    expect(new URL(page.url()).pathname).toBe('/login');
  }
  expect(problems).toEqual([]);
  await page.close();
});

/**
 * Links to commits on the pages, in real Chromium: each commit to its page on
 * the forge, each deployment to what it changed (through
 * /deployments/{id}/changes, followed here to the forge, which a route
 * stands in for), the compare page's commits waiting to be promoted; an
 * unknown host gets no link.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage } from '../helpers/browser.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { useListeningApp } from '../helpers/listen.js';

const svt = useListeningApp({
  SVT_ENV_ORDER: 'staging,prod',
  SVT_FORGES: 'git.example.org=gitlab',
});
let browser: Browser;

const GITHUB = 'https://github.com/acme/api';
const GITLAB = 'https://git.example.org/team/web';
const UNKNOWN = 'https://git.unknown.test/team/batch';
const [C1, C2, C3] = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)];

beforeAll(async () => {
  browser = await launch();
  const rows: [string, string, string, number, string, string][] = [
    ['prod', 'api', '1.0.0', 10, C1, GITHUB],
    ['prod', 'api', '1.1.0', 20, C2, GITHUB],
    ['staging', 'api', '1.2.0', 30, C3, GITHUB],
    ['prod', 'web', '7.0.0', 10, C1, GITLAB],
    ['staging', 'web', '7.1.0', 20, C2, GITLAB],
    ['prod', 'batch', '2.0.0', 10, C1, UNKNOWN],
    ['staging', 'batch', '2.1.0', 20, C2, UNKNOWN],
  ];
  for (const [env, app, version, minute, commit, repository] of rows) {
    await svt().store.record(
      newDeployment({ env, app, version, deployedAt: T0 + minute * MINUTE, commit, repository }),
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

/** Each link's text and target in a row of `table` naming `app`. */
const linksOf = (page: Page, table: string, app: string) =>
  page
    .locator(`#${table} tbody tr`, { hasText: app })
    .first()
    .locator('a')
    .evaluateAll((anchors) =>
      anchors.map((a) => [a.textContent?.trim() ?? '', a.getAttribute('href') ?? '']),
    );

describe('links to commits', () => {
  test('the environment page links each commit, and the changes, which lead to the forge', async () => {
    const { page, problems } = await open('/env/prod');
    const api = await linksOf(page, 'apps', 'api');
    expect(api).toContainEqual([C2.slice(0, 12), `${GITHUB}/commit/${C2}`]);
    const changes = api.find(([text]) => text === 'changes')?.[1] ?? '';
    expect(changes).toMatch(/^\/deployments\/[0-9A-Z]{26}\/changes$/);
    expect(await linksOf(page, 'apps', 'web')).toContainEqual([
      C1.slice(0, 12),
      `${GITLAB}/-/commit/${C1}`,
    ]);
    // An unknown host: the commit is shown, never linked.
    const batch = await linksOf(page, 'apps', 'batch');
    expect(batch.map(([text]) => text)).toEqual(['batch']);
    expect(await page.locator('#apps tbody tr', { hasText: 'batch' }).textContent()).toContain(
      C1.slice(0, 12),
    );

    // Following "changes": SVT redirects to GitHub's compare page (stood in for here).
    await page.route('https://github.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/plain', body: 'the forge' }),
    );
    await page.locator('#apps tbody tr', { hasText: 'api' }).getByText('changes').click();
    await page.waitForURL(`${GITHUB}/compare/${C1}...${C2}`);
    expect(problems).toEqual([]);
  });

  test('the application and changes pages link each row', async () => {
    const app = await open('/app/api');
    const rows = await app.page
      .locator('table')
      .last()
      .locator('a[href*="/commit/"]')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(rows).toEqual([
      `${GITHUB}/commit/${C3}`,
      `${GITHUB}/commit/${C2}`,
      `${GITHUB}/commit/${C1}`,
    ]);
    const changes = await open(`/env/prod/changes?since=${new Date(T0).toISOString()}`);
    expect(await linksOf(changes.page, 'changes', 'web')).toContainEqual([
      C1.slice(0, 12),
      `${GITLAB}/-/commit/${C1}`,
    ]);
    expect([...app.problems, ...changes.problems]).toEqual([]);
  });

  test('the compare page links the commits waiting to be promoted', async () => {
    const { page, problems } = await open('/compare?from=staging&to=prod');
    expect(await linksOf(page, 'compare', 'api')).toContainEqual([
      'waiting in staging',
      `${GITHUB}/compare/${C2}...${C3}`,
    ]);
    expect(await linksOf(page, 'compare', 'web')).toContainEqual([
      'waiting in staging',
      `${GITLAB}/-/compare/${C1}...${C2}`,
    ]);
    expect((await linksOf(page, 'compare', 'batch')).map(([text]) => text)).not.toContain(
      'waiting in staging',
    );
    expect(problems).toEqual([]);
  });
});

/**
 * An application that never succeeded in an environment (a first
 * deployment in progress, one that failed or was rolled back) is listed by
 * the overview and the compare page as the environment page lists it
 * ("none succeeded"): its cell says what was tried, through the filter,
 * differences only, stage choice and a past instant alike.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Deployment } from '@svt/client';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // [env, app, version, status, minute]; shown dev, staging, prod.
  const rows: [string, string, string, Deployment['status'], number][] = [
    ['dev', 'api', '1.0.0', 'success', 0],
    ['staging', 'api', '1.0.0', 'success', 0],
    ['prod', 'api', '1.0.0', 'success', 0],
    ['staging', 'broken', '2.0.0', 'success', 1],
    ['prod', 'broken', '2.0.0', 'failure', 2], // never succeeded in prod
    ['dev', 'fresh', '0.1.0', 'started', 5], // a first deployment, in progress
    ['dev', 'reverted', '0.2.0', 'rolled_back', 3],
  ];
  for (const [env, app, version, status, minute] of rows) {
    await t.store.record(
      newDeployment({ env, app, version, status, deployedAt: T0 + minute * MINUTE }),
    );
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const get = async (path: string) => (await request(t.callback).get(path).expect(200)).text;
/** The apps of the table's rows, in order. */
const rows = (page: string) =>
  [...page.matchAll(/<tr data-search="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ')[0]);
/** An overview row's cells as written. */
const cells = (page: string, app: string) => {
  const row = page.slice(page.indexOf(`<tr data-search="${app}"`)).split('</tr>')[0] ?? '';
  return [...row.matchAll(/<td[^>]*>[^<]*<\/td>/g)].map((m) => m[0]);
};
/** The screen readers' note of an overview row. */
const note = (page: string, app: string) =>
  new RegExp(`<tr data-search="${app}"[^]*?<span class="sr-only">([^<]*)</span>`).exec(page)?.[1] ??
  '';

describe('the overview', () => {
  it('lists an app that never succeeded, its cell saying what was tried and since when', async () => {
    const page = await get('/');
    expect(rows(page)).toEqual(['api', 'broken', 'fresh', 'reverted']);
    expect(cells(page, 'fresh')).toEqual([
      '<td class="attempt tone-progress" title="2026-01-01T00:05Z">in progress</td>',
      '<td class="empty">–</td>',
      '<td class="empty">–</td>',
    ]);
    expect(cells(page, 'reverted')[0]).toBe(
      '<td class="attempt tone-warn" title="2026-01-01T00:03Z">rolled back</td>',
    );
    // Failed in prod while staging runs it: the cell says failed, and is marked as waiting.
    expect(cells(page, 'broken')).toEqual([
      '<td class="empty">–</td>',
      '<td title="2026-01-01T00:01Z">2.0.0</td>',
      '<td class="attempt tone-warn differs" title="2026-01-01T00:02Z">failed</td>',
    ]);
    expect(note(page, 'broken')).toBe(
      '; waiting to be promoted: prod (staging runs 2.0.0); nothing running in prod (2.0.0 failed)',
    );
    expect(note(page, 'fresh')).toBe('; nothing running in dev (0.1.0 in progress)');
    expect(page).toMatch(/<span data-count="matrix">4<\/span> of 4 applications/);
  });

  it('filter, differences only, stages and environments choose its rows as any other', async () => {
    expect(rows(await get('/?q=fresh'))).toEqual(['fresh']);
    // Nothing runs to the left of an attempt, so it marks nothing: only broken differs.
    expect(rows(await get('/?diff=1'))).toEqual(['broken']);
    expect(rows(await get('/?stage=prod'))).toEqual(['api', 'broken']);
    const dev = await get('/?env=dev');
    expect(rows(dev)).toEqual(['api', 'fresh', 'reverted']);
    expect(dev).toMatch(/<span data-count="matrix">3<\/span> of 3 applications/);
  });

  it('at a past instant, only what had been tried by then', async () => {
    const then = await get(`/?at=${encodeURIComponent(new Date(T0 + 4 * MINUTE).toISOString())}`);
    expect(rows(then)).toEqual(['api', 'broken', 'reverted']);
    const before = await get(`/?at=${encodeURIComponent(new Date(T0).toISOString())}`);
    expect(rows(before)).toEqual(['api']);
  });
});

describe('the compare page', () => {
  /** The compare table's rows: app, both sides' cells and the state, as read. */
  const table = (page: string) =>
    [...page.matchAll(/<tr class="state-[^"]+">([^]*?)<\/tr>/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/<t[hd][^>]*>([^]*?)<\/t[hd]>/g)].slice(0, 4).map((c) =>
        (c[1] ?? '')
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    );

  it('lists an app tried on either side that succeeded on neither, and shows each attempt', async () => {
    const page = await get('/compare?from=dev&to=staging');
    expect(table(page)).toEqual([
      ['broken', '–', '2.0.0 2026-01-01 00:01 UTC', 'only in staging'],
      ['api', '1.0.0 2026-01-01 00:00 UTC', '1.0.0 2026-01-01 00:00 UTC', 'same'],
      ['fresh', '– ◷ 0.1.0 deploying since 2026-01-01 00:05 UTC', '–', 'none succeeded'],
      ['reverted', '– ⚠ 0.2.0 rolled back 2026-01-01 00:03 UTC', '–', 'none succeeded'],
    ]);
    expect(page.replace(/\s+/g, ' ')).toContain('1 of 4 applications differs.');
    expect(table(await get('/compare?from=dev&to=staging&diff=1')).map((r) => r[0])).toEqual([
      'broken',
    ]);
  });

  it('a side that runs nothing of an app says what failed there', async () => {
    const page = await get('/compare?from=staging&to=prod');
    expect(table(page)[0]).toEqual([
      'broken',
      '2.0.0 2026-01-01 00:01 UTC',
      '– ⚠ 2.0.0 failed 2026-01-01 00:02 UTC',
      'only in staging',
    ]);
  });
});

/**
 * The order of environments on the pages, without SVT_ENV_ORDER: by the
 * promotion stage their names say (stages.ts), then the others as first
 * seen; with it, its names first. And the overview's promotion marks, as
 * its legend says them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

/** First seen in this order: prod first, as after the README's first curl. */
const FIRST_SEEN = ['prod', 'dev', 'prod-eu', 'staging', 'sandbox', 'qa'];

async function seeded(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await testApp(env);
  let minute = 0;
  const record = (e: string, app: string, version: string) =>
    t.store.record(newDeployment({ env: e, app, version, deployedAt: T0 + minute++ * MINUTE }));
  for (const e of FIRST_SEEN) await record(e, 'api', e === 'dev' ? '1.1.0' : '1.0.0');
  // new: only in dev, waiting to reach qa. legacy: only in prod, where nothing came from.
  await record('dev', 'new', '0.1.0');
  await record('prod', 'legacy', '9.0.0');
  return t;
}

const columns = (page: string) =>
  [...page.matchAll(/<th scope="col"><a href="\/env\/([^"]+)">/g)].map((m) => m[1]);
const options = (page: string, id: string) => {
  const select = page.slice(page.indexOf(`<select id="${id}"`)).split('</select>')[0] ?? '';
  return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
};
const rowOf = (page: string, app: string) =>
  page.slice(page.indexOf(`<tr data-search="${app}">`)).split('</tr>')[0] ?? '';
/** The classes of the overview's cells of one app's row. */
const cells = (page: string, app: string) =>
  [...rowOf(page, app).matchAll(/<td(?: class="([^"]*)")?/g)].map((m) => m[1] ?? '');
/** What the row's header says to screen readers of its marks. */
const note = (page: string, app: string) =>
  /<span class="sr-only">([^<]*)<\/span><\/th>/.exec(rowOf(page, app))?.[1] ?? '';

describe('without SVT_ENV_ORDER', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seeded();
  });
  afterAll(async () => {
    await t.store.close();
    removeTempDirs();
  });

  it('the overview columns go by stage, then the stage-less ones as first seen', async () => {
    const page = (await request(t.callback).get('/').expect(200)).text;
    expect(columns(page)).toEqual(['dev', 'qa', 'staging', 'prod', 'prod-eu', 'sandbox']);
  });

  it('so do the selectors, an application’s environments and the compare page’s default', async () => {
    const env = (await request(t.callback).get('/env/qa').expect(200)).text;
    expect(options(env, 'env-select')).toEqual([
      'dev',
      'qa',
      'staging',
      'prod',
      'prod-eu',
      'sandbox',
    ]);
    const dora = (await request(t.callback).get('/dora').expect(200)).text;
    expect(options(dora, 'env')).toEqual([
      '',
      'dev',
      'qa',
      'staging',
      'prod',
      'prod-eu',
      'sandbox',
    ]);
    const app = (await request(t.callback).get('/app/api').expect(200)).text;
    const now = app.slice(0, app.indexOf('<h2>History</h2>'));
    expect(
      [...now.matchAll(/<th scope="row"><a href="\/env\/([^"]+)">/g)].map((m) => m[1]),
    ).toEqual(['dev', 'qa', 'staging', 'prod', 'prod-eu', 'sandbox']);
    expect(options(app, 'env-filter')).toEqual([
      '',
      'dev',
      'qa',
      'staging',
      'prod',
      'prod-eu',
      'sandbox',
    ]);
    // The step into the last stage: staging -> prod, not the last two columns.
    const compare = (await request(t.callback).get('/compare').expect(200)).text;
    expect(compare).toContain('<h1>staging → prod</h1>');
  });

  it('marks a cell when the environment to its left runs what it does not, never after a gap', async () => {
    const page = (await request(t.callback).get('/').expect(200)).text;
    expect(page).toContain(
      'A cell is not marked when the environment to its left does not run the app.',
    );
    // api: dev 1.1.0, qa 1.0.0 (marked), staging, prod, prod-eu 1.0.0, sandbox 1.0.0.
    expect(cells(page, 'api')).toEqual(['', 'differs', '', '', '', '']);
    expect(note(page, 'api')).toBe('; waiting to be promoted: qa (dev runs 1.1.0)');
    // new: dev only; qa lacks it (marked); staging lacks it after qa's gap (not marked).
    expect(cells(page, 'new')).toEqual(['', 'empty differs', 'empty', 'empty', 'empty', 'empty']);
    expect(note(page, 'new')).toBe('; waiting to be promoted: qa (dev runs 0.1.0)');
    // legacy: prod only; nothing to its left runs it, so prod is not marked; prod-eu lacks it.
    expect(cells(page, 'legacy')).toEqual([
      'empty',
      'empty',
      'empty',
      '',
      'empty differs',
      'empty',
    ]);
    expect(note(page, 'legacy')).toBe('; waiting to be promoted: prod-eu (prod runs 9.0.0)');
    // Each cell's title is the instant of its deployment, to the minute (api was recorded
    // first in prod, dev, prod-eu, staging, sandbox, qa: minutes 0 to 5).
    expect([...rowOf(page, 'api').matchAll(/title="([^"]*)"/g)].map((m) => m[1])).toEqual([
      '2026-01-01T00:01Z',
      '2026-01-01T00:05Z',
      '2026-01-01T00:03Z',
      '2026-01-01T00:00Z',
      '2026-01-01T00:02Z',
      '2026-01-01T00:04Z',
    ]);
  });
});

describe('with SVT_ENV_ORDER', () => {
  it('its names come first, in its order; the others follow by stage', async () => {
    const t = await seeded({ SVT_ENV_ORDER: 'sandbox,prod' });
    const page = (await request(t.callback).get('/').expect(200)).text;
    expect(columns(page)).toEqual(['sandbox', 'prod', 'dev', 'qa', 'staging', 'prod-eu']);
    const compare = (await request(t.callback).get('/compare').expect(200)).text;
    expect(compare).toContain('<h1>sandbox → prod</h1>');
    await t.store.close();
    removeTempDirs();
  });
});

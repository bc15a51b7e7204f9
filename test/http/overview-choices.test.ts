/**
 * The overview's and the compare page's choices in the URL, as the server
 * renders them (no JavaScript): environments by stage and by name, grouped
 * by stage; a filter by name; differences only; a past instant; bad
 * choices as a readable 400 page.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

const DAY = 24 * 60 * MINUTE;
/** Five days in: api ran 1.0.0 everywhere; payment-service 1.0.0 in prod, 1.1.0 before it. */
const THEN = new Date(T0 + 5 * DAY).toISOString();

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // First seen: prod, dev, prod-eu, staging, sandbox; shown dev, staging, prod, prod-eu, sandbox.
  const rows: [string, string, string, number][] = [
    ['prod', 'api', '1.0.0', 0],
    ['dev', 'api', '1.0.0', 0],
    ['prod-eu', 'api', '1.0.0', 0],
    ['staging', 'api', '1.0.0', 0],
    ['dev', 'api', '2.0.0', 7 * DAY],
    ['prod', 'payment-service', '1.0.0', 0],
    ['dev', 'payment-service', '1.1.0', MINUTE],
    ['staging', 'payment-service', '1.1.0', MINUTE],
    ['prod-eu', 'payment-service', '1.0.0', 0],
    ['prod', 'payment-service', '1.1.0', 10 * DAY],
    ['sandbox', 'web', '3.0.0', 0],
  ];
  for (const env of ['dev', 'staging', 'prod', 'prod-eu']) rows.push([env, 'web', '3.0.0', 0]);
  for (const [env, app, version, at] of rows) {
    await t.store.record(newDeployment({ env, app, version, deployedAt: T0 + at }));
  }
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const get = async (path: string, status = 200) =>
  (await request(t.callback).get(path).expect(status)).text;
const columns = (page: string) =>
  [...page.matchAll(/<th scope="col"><a href="\/env\/([^"?]+)/g)].map((m) => m[1]);
/** A page's text with its white space as a reader sees it. */
const text = (page: string) => page.replace(/\s+/g, ' ');
const rows = (page: string) => [...page.matchAll(/<tr data-search="([^"]*)">/g)].map((m) => m[1]);
/** Whether the checkbox of this id is ticked. */
const ticked = (page: string, id: string) =>
  /\schecked/.test(new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(page)?.[0] ?? 'absent');
/** The version shown in an app's row, column by column ('' for none). */
const versions = (page: string, app: string) => {
  const row = page.slice(page.indexOf(`<tr data-search="${app}">`)).split('</tr>')[0] ?? '';
  return [...row.matchAll(/<td[^>]*>([^<]*)/g)].map((m) => (m[1] === '–' ? '' : m[1]));
};

describe('the overview', () => {
  it('groups environments by stage: a header row of stages over the environments', async () => {
    const page = await get('/');
    expect(columns(page)).toEqual(['dev', 'staging', 'prod', 'prod-eu', 'sandbox']);
    expect(
      [...page.matchAll(/<th scope="colgroup"( colspan="\d+")?>([^<]+)<\/th>/g)].map((m) => [
        m[2],
        m[1] ?? '',
      ]),
    ).toEqual([
      ['dev', ''],
      ['staging', ''],
      ['prod', ' colspan="2"'],
      ['other', ''],
    ]);
    // One <colgroup> per group after the application's, each as wide as its group.
    expect(
      [...page.matchAll(/<colgroup[^>]*>((?:<col[^>]*>)+)<\/colgroup>/g)].map(
        (m) => (m[1] ?? '').split('<col').length - 1,
      ),
    ).toEqual([1, 1, 1, 2, 1]);
    expect(page).toContain('<th scope="col" class="app" rowspan="2">Application</th>');
    expect(page).toMatch(
      /<caption[^>]*>\s*Current version of each application in each environment\s*<\/caption>/,
    );
  });

  it('without a stage of several environments, one header row', async () => {
    const page = await get('/?env=dev,staging');
    expect(page).not.toContain('scope="colgroup"');
    expect(page).toContain('<tr class="envs"><th scope="col" class="app">Application</th>');
  });

  it.each([
    ['/?stage=prod', ['prod', 'prod-eu']],
    ['/?stage=prod&env=dev', ['dev', 'prod', 'prod-eu']],
    ['/?stage=prod,qa', ['prod', 'prod-eu']],
    ['/?stage=other', ['sandbox']],
    ['/?env=sandbox&env=dev', ['dev', 'sandbox']], // as a form's checkboxes send them
    ['/?env=sandbox,%20dev,,dev', ['dev', 'sandbox']],
    ['/?stage=&env=', ['dev', 'staging', 'prod', 'prod-eu', 'sandbox']],
  ])('%s shows %j, in display order', async (path, expected) => {
    expect(columns(await get(path))).toEqual(expected);
  });

  it('the choices survive in the form: ticked boxes, the filter, differences only', async () => {
    const page = await get('/?stage=prod&env=dev&diff=1&q=pay');
    expect(ticked(page, 'stage-prod')).toBe(true);
    expect(ticked(page, 'stage-dev')).toBe(false);
    expect(page).not.toContain('id="stage-qa"'); // only the stages seen
    expect(page).toMatch(/id="env-0"\s+name="env"\s+value="dev"/);
    expect(ticked(page, 'env-0')).toBe(true);
    expect(ticked(page, 'env-1')).toBe(false);
    expect(ticked(page, 'diff')).toBe(true);
    expect(page).toMatch(/name="q"[^>]*value="pay"/);
    expect(page).toMatch(/<details class="choose"\s+open>/);
  });

  it('an environment never seen is named, not an error; nothing left is said so', async () => {
    const page = await get('/?env=staging,nowhere');
    expect(columns(page)).toEqual(['staging']);
    expect(page).toContain('No deployment was ever recorded in nowhere.');
    expect(await get('/?stage=uat')).toContain('No environment matches these choices.');
  });

  it('?q= keeps the names the filter box keeps; the count says of how many', async () => {
    const page = await get('/?q=pay%20svc');
    expect(rows(page)).toEqual(['payment-service']);
    expect(page).toMatch(/<span data-count="matrix">1<\/span> of 3 applications/);
    expect(page).toContain('data-server-q="pay svc"');
    expect(text(await get('/?q=zzz'))).toContain('No application matching “zzz” runs there.');
  });

  it('?diff=1 keeps the apps with a marked cell, along the shown environments', async () => {
    // api: dev 2.0.0, staging 1.0.0 (waits). payment-service: prod 1.1.0, prod-eu 1.0.0 (waits).
    expect(rows(await get('/'))).toEqual(['api', 'payment-service', 'web']);
    expect(rows(await get('/?diff=1'))).toEqual(['api', 'payment-service']);
    expect(rows(await get('/?diff=1&stage=prod'))).toEqual(['payment-service']);
    expect(rows(await get('/?diff=1&env=staging,prod'))).toEqual([]);
    expect(rows(await get('/?diff=1&env=dev,prod'))).toEqual(['api']);
  });

  it('?at= shows the instant: its versions, its marks, links to the environments then', async () => {
    const page = await get(`/?at=${THEN}`);
    expect(versions(page, 'api')).toEqual(['1.0.0', '1.0.0', '1.0.0', '1.0.0', '']);
    expect(versions(page, 'payment-service')).toEqual(['1.1.0', '1.1.0', '1.0.0', '1.0.0', '']);
    expect(versions(await get('/'), 'payment-service')).toEqual([
      '1.1.0',
      '1.1.0',
      '1.1.0',
      '1.0.0',
      '',
    ]);
    expect(page).toMatch(
      /<p class="banner" role="status">\s*As it was at <time datetime="2026-01-06T00:00:00.000Z"/,
    );
    expect(page).toContain('<a href="/">Back to now</a>');
    expect(page).toContain('<a href="/env/prod?at=2026-01-06">prod</a>');
    expect(page).toContain('as at 2026-01-06');
    // Along dev, staging, prod (sandbox, after prod-eu, lacks both apps: marked, so left out).
    expect(rows(await get(`/?diff=1&stage=dev,staging,prod`))).toEqual(['api', 'payment-service']);
    expect(rows(await get(`/?at=${THEN}&diff=1&stage=dev,staging,prod`))).toEqual([
      'payment-service',
    ]);
    // Before anything ran: every column empty, so no row.
    expect(text(await get('/?at=2025-12-01'))).toContain('No application runs there then.');
  });

  it.each([
    [
      '/?stage=prodd',
      'stage: each must be a stage: dev, test, qa, staging, uat, prod or other; got &quot;prodd&quot;',
    ],
    ['/?env=a%20b', 'env: each name must be 1-64 letters'],
    ['/?diff=maybe', 'diff: must be 1 or 0'],
    ['/?q=a&q=b', 'q: must be given once'],
    ['/?q=%07', 'q: must not contain control characters'],
    ['/?at=later', 'at: must be an ISO 8601 instant'],
    ['/?colour=red', 'colour: is not a known parameter'],
  ])('%s is a 400 page that says why', async (path, message) => {
    const res = await request(t.callback).get(path).set('Accept', 'text/html').expect(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(message);
  });
});

describe('the compare page', () => {
  const compared = (page: string) =>
    [
      ...page.matchAll(
        /<tr class="state-([a-z_]+)">\s*<th scope="row"><a href="\/app\/[^"]*">([^<]*)</g,
      ),
    ].map((m) => [m[2], m[1]]);

  it('?q= and ?diff=1 choose its rows; the count says how many differ of all', async () => {
    expect(compared(await get('/compare?from=dev&to=prod'))).toEqual([
      ['api', 'ahead'],
      ['payment-service', 'same'],
      ['web', 'same'],
    ]);
    const diff = await get('/compare?from=dev&to=prod&diff=1');
    expect(compared(diff)).toEqual([['api', 'ahead']]);
    expect(diff).toMatch(
      /1 of 3 applications\s+differs\. Shown:\s*<span data-count="compare">1<\/span/,
    );
    expect(diff).toMatch(/name="diff"\s+value="1"\s+checked/);
    expect(compared(await get('/compare?from=dev&to=prod&q=web'))).toEqual([['web', 'same']]);
    expect(compared(await get('/compare?from=dev&to=prod&q=web&diff=1'))).toEqual([]);
  });

  it('at a past instant, Back to now keeps the choices', async () => {
    const page = await get(`/compare?from=dev&to=prod&at=${THEN}&q=pay&diff=1`);
    expect(compared(page)).toEqual([['payment-service', 'ahead']]);
    expect(page).toContain(
      'href="/compare?from=dev&amp;to=prod&amp;q=pay&amp;diff=1">Back to now</a>',
    );
    await request(t.callback).get('/compare?diff=yes').expect(400);
  });
});

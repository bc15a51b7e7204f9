import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { MINUTE, T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ SVT_ENV_ORDER: 'staging,prod' });
  await t.store.record(
    newDeployment({ env: 'prod', app: 'api', version: '1.0.0', deployedAt: T0 }),
  );
  await t.store.record(
    newDeployment({ env: 'staging', app: 'api', version: '1.1.0', deployedAt: T0 + MINUTE }),
  );
  await t.store.record(
    newDeployment({
      env: 'prod',
      app: 'a&b "quoted" <tag>',
      version: '<b>2</b>',
      deployedAt: T0 + 2 * MINUTE,
    }),
  );
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

describe('pages over HTTP', () => {
  it.each([
    '/',
    '/env/prod',
    '/app/api',
    '/compare',
    '/compare?from=prod&to=staging',
    '/dora',
    '/dora?env=prod&app=api&window=12w',
  ])('%s is HTML with a CSP that allows no inline script or style', async (path) => {
    const res = await request(t.callback).get(path).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toMatch(/<script>|<style>| style="| on[a-z]+="/);
  });

  it('escapes every stored value and keeps SVT_ENV_ORDER', async () => {
    const res = await request(t.callback).get('/').expect(200);
    expect(res.text).toContain('a&amp;b &quot;quoted&quot; &lt;tag&gt;');
    expect(res.text).toContain('&lt;b&gt;2&lt;/b&gt;');
    expect(res.text).not.toContain('<b>2</b>');
    expect(res.text.indexOf('>staging</a>')).toBeLessThan(res.text.indexOf('>prod</a>'));
    expect(res.text).toContain('href="/app/a%26b%20%22quoted%22%20%3Ctag%3E"');
  });

  it('the selector form redirects; bad input is a readable 400 page, an unknown name a 404 page', async () => {
    const moved = await request(t.callback).get('/env?name=staging').expect(302);
    expect(moved.headers.location).toBe('/env/staging');
    const bad = await request(t.callback).get('/env?name=no%20spaces').expect(400);
    expect(bad.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(bad.text).toContain('name: must be');
    expect((await request(t.callback).get('/env/prod?at=later').expect(400)).text).toContain(
      'at: ',
    );
    expect((await request(t.callback).get('/env/prod?colour=red').expect(400)).text).toContain(
      'colour: is not a known parameter',
    );
    expect((await request(t.callback).get('/app/api?cursor=forged').expect(400)).text).toContain(
      'cursor',
    );
    const missing = await request(t.callback).get('/app/nothing-here').expect(404);
    expect(missing.text).toContain(
      'no deployment of app &quot;nothing-here&quot; was ever recorded',
    );
    expect(missing.text).toContain('/api/v1/deployments');
    await request(t.callback).get('/compare?from=prod&to=nowhere').expect(404);
  });

  it('what changed in an environment: a window of events, newest first, the last 7 days by default', async () => {
    const res = await request(t.callback).get('/env/prod/changes?since=2026-01-01').expect(200);
    const versions = [...res.text.matchAll(/<span class="version">([^<]*)<\/span>/g)].map(
      (m) => m[1],
    );
    expect(versions).toEqual(['&lt;b&gt;2&lt;/b&gt;', '1.0.0']);
    const recent = await request(t.callback).get('/env/prod/changes').expect(200);
    expect(recent.text).toContain('Nothing changed in that window.');
    await request(t.callback).get('/env/prod/changes?since=tomorrowish').expect(400);
    expect((await request(t.callback).get('/env/prod').expect(200)).text).toContain(
      'href="/env/prod/changes"',
    );
  });

  it('pre-fills instants as a person writes them, and reads them back', async () => {
    const value = (page: string, id: string) =>
      new RegExp(`<input\\s+id="${id}"[^>]*value="([^"]*)"`).exec(page)?.[1];
    // The default window starts seven days ago, at the minute.
    const changes = (await request(t.callback).get('/env/prod/changes').expect(200)).text;
    const since = value(changes, 'since') ?? '';
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    expect(Date.now() - Date.parse(since)).toBeGreaterThanOrEqual(7 * 24 * 60 * MINUTE);
    expect(Date.now() - Date.parse(since)).toBeLessThan(7 * 24 * 60 * MINUTE + 2 * MINUTE);
    expect(value(changes, 'until')).toBe('');
    // Submitted as shown, the form shows the same window.
    const again = await request(t.callback).get('/env/prod/changes').query({ since }).expect(200);
    expect(value(again.text, 'since')).toBe(since);
    const window = await request(t.callback)
      .get('/env/prod/changes?since=2026-01-01&until=2026-01-02T09:30:00.000Z')
      .expect(200);
    expect(value(window.text, 'since')).toBe('2026-01-01');
    expect(value(window.text, 'until')).toBe('2026-01-02T09:30Z');
    const env = (await request(t.callback).get('/env/prod?at=2026-01-01T00:00:30Z').expect(200))
      .text;
    expect(value(env, 'at')).toBe('2026-01-01T00:00:30Z');
    const compare = await request(t.callback)
      .get('/compare?from=prod&to=staging&at=2026-01-01T01:00:00%2B01:00')
      .expect(200);
    expect(value(compare.text, 'at')).toBe('2026-01-01');
    const dora = await request(t.callback).get('/dora?until=2026-02-01T12:00:00.000Z').expect(200);
    expect(value(dora.text, 'until')).toBe('2026-02-01T12:00Z');
  });

  it('compares two environments as they were at an instant, and says so', async () => {
    const at = new Date(T0 + 30_000).toISOString();
    const res = await request(t.callback).get(`/compare?from=prod&to=staging&at=${at}`).expect(200);
    expect(res.text).toMatch(/As they were at\s+<time datetime="2026-01-01T00:00:30.000Z"/);
    expect(res.text).toContain('only in prod');
    expect(res.text).toContain('1 of 1 applications differ.');
    await request(t.callback).get('/compare?from=prod&to=staging&at=soon').expect(400);
  });

  it('paginates an app history with a cursor bound to its filters', async () => {
    for (let i = 0; i < 55; i++) {
      await t.store.record(
        newDeployment({
          env: 'qa',
          app: 'paged',
          version: `0.0.${i}`,
          deployedAt: T0 + i * MINUTE,
        }),
      );
    }
    const first = await request(t.callback).get('/app/paged').expect(200);
    const next = /href="\/app\/paged\?(cursor=[^"]+)"/.exec(first.text)?.[1];
    expect(next).toBeDefined();
    const second = await request(t.callback)
      .get(`/app/paged?${next ?? ''}`)
      .expect(200);
    expect(second.text).toContain('0.0.4</span>');
    expect(second.text).not.toContain('Older deployments');
    // The same cursor with another filter is refused.
    await request(t.callback)
      .get(`/app/paged?${next ?? ''}&status=failure`)
      .expect(400);
  });

  it('serves its assets with validators and refuses others', async () => {
    const css = await request(t.callback).get('/assets/app.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    await request(t.callback)
      .get('/assets/app.css')
      .set('If-None-Match', css.headers.etag ?? '')
      .expect(304);
    expect(
      (await request(t.callback).get('/assets/app.js').expect(200)).headers['content-type'],
    ).toBe('text/javascript; charset=utf-8');
    await request(t.callback).get('/assets/favicon.svg').expect(200);
    // The DORA page's chart library, from its npm package, never a CDN.
    const uplot = await request(t.callback).get('/assets/uplot.js').expect(200);
    expect(uplot.text).toContain('uPlot');
    await request(t.callback).get('/assets/uplot.css').expect(200);
    await request(t.callback).get('/assets/dora.js').expect(200);
    await request(t.callback).get('/assets/..%2Fpackage.json').expect(404);
    await request(t.callback).get('/assets/secret.txt').expect(404);
  });

  it('the DORA page: figures as text, the JSON one link away, readable 400 and 404 pages', async () => {
    const res = await request(t.callback)
      .get(`/dora?env=prod&window=1d&until=${new Date(T0 + 3600_000).toISOString()}`)
      .expect(200);
    expect(res.text).toContain('<strong>2 / day</strong>');
    expect(res.text).toContain('a&amp;b &quot;quoted&quot; &lt;tag&gt;');
    expect(res.text).toContain('href="/api/v1/dora?env=prod&amp;window=1d&amp;until=');
    const bad = await request(t.callback).get('/dora?window=10y').expect(400);
    expect(bad.type).toBe('text/html');
    expect(bad.text).toContain('window: must be a number of hours, days or weeks');
    await request(t.callback).get('/dora?env=nowhere').expect(404);
  });
});

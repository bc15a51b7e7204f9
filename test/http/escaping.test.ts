/**
 * Recorded text in every language the server writes it into: HTML pages,
 * the SVG badge, CSV, Prometheus labels. One deployment holds a hostile
 * value in every field that validation lets through, recorded over the
 * API; each answer is checked against what was worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

// A tag no page has: wherever it shows up raw, markup got through.
const HOSTILE = {
  env: 'prod',
  app: `<svt-x a='1'> & "q"`,
  version: '"><svt-x>',
  commit: `'><svt-x>`,
  ref: '</code><svt-x>',
  actor: '" onmouseover="alert(1)',
  source: 'a"b\\c',
  url: 'https://e.example/"><svt-x>',
  pipelineUrl: 'https://p.example/?q=\'"><svt-x>',
  attributes: { note: '<svt-x>' },
};

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  await request(t.callback).post('/api/v1/deployments').send(HOSTILE).expect(201);
  await request(t.callback)
    .post('/api/v1/deployments')
    .send({ env: 'staging', app: HOSTILE.app, version: '1.0.0', actor: ' =HYPERLINK("x")' })
    .expect(201);
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const appPath = encodeURIComponent(HOSTILE.app);

describe('recorded text, escaped for each language it is written in', () => {
  it.each([
    '/',
    '/env/prod',
    `/app/${appPath}`,
    '/env/prod/changes',
    '/compare?from=staging&to=prod',
    '/dora?env=prod',
  ])('HTML: %s shows every value as text', async (path) => {
    const res = await request(t.callback).get(path).expect(200);
    expect(res.text).not.toContain('<svt-x');
    expect(res.text).not.toContain('onmouseover="');
    expect(res.text).not.toMatch(/href="[^"]*[<>'][^"]*"/);
    // The app name, escaped by hand: < > & " ' each as its entity.
    expect(res.text).toContain('&lt;svt-x a=&#39;1&#39;&gt; &amp; &quot;q&quot;');
  });

  it('HTML: values in attributes and links stay inside them', async () => {
    const res = await request(t.callback).get(`/app/${appPath}`).expect(200);
    expect(res.text).toContain(
      '<code title="&#39;&gt;&lt;svt-x&gt;">&#39;&gt;&lt;svt-x&gt;</code>',
    );
    expect(res.text).toContain('<span class="version">&quot;&gt;&lt;svt-x&gt;</span>');
    expect(res.text).toContain('<td>&quot; onmouseover=&quot;alert(1)</td>');
    // A link's target is the parsed URL, in which the URL parser encoded the quote and brackets.
    expect(res.text).toContain('href="https://p.example/?q=%27%22%3E%3Csvt-x%3E"');
    const env = await request(t.callback).get('/env/prod').expect(200);
    expect(env.text).toContain('href="https://e.example/%22%3E%3Csvt-x%3E"');
    expect(env.text).toContain(`data-value="&lt;svt-x a=&#39;1&#39;&gt; &amp; &quot;q&quot;"`);
  });

  it('HTML: a 404 echoes the name as text', async () => {
    const res = await request(t.callback).get('/app/%3Csvt-x%3E%22%27').expect(404);
    expect(res.text).not.toContain('<svt-x');
    expect(res.text).toContain(
      'no deployment of app &quot;&lt;svt-x&gt;&quot;&#39;&quot; was ever',
    );
  });

  it('SVG: the badge shows the version as text, in its title, label and text', async () => {
    const res = await request(t.callback).get(`/badge/prod/${appPath}.svg`).expect(200);
    const svg = String(res.body);
    expect(svg).not.toContain('<svt-x');
    expect(svg).toContain('aria-label="prod: &quot;&gt;&lt;svt-x&gt;"');
    expect(svg).toContain('<title>prod: &quot;&gt;&lt;svt-x&gt;</title>');
    expect(svg).toContain('y="14">&quot;&gt;&lt;svt-x&gt;</text>');
    // Exactly the badge's own elements: no tag came from the data.
    expect(svg.match(/<[a-zA-Z]+/g)?.sort()).toEqual(
      [
        '<svg',
        '<title',
        '<linearGradient',
        '<stop',
        '<stop',
        '<clipPath',
        '<rect',
        '<g',
        '<rect',
        '<rect',
        '<rect',
        '<g',
        '<text',
        '<text',
      ].sort(),
    );
  });

  it('CSV: quotes doubled; a formula, even after spaces, gets an apostrophe', async () => {
    const res = await request(t.callback)
      .get('/api/v1/deployments?format=csv&env=staging')
      .expect(200);
    const row = res.text.split('\r\n')[1] ?? '';
    expect(row).toContain(`"<svt-x a='1'> & ""q"""`);
    expect(row).toContain(`"' =HYPERLINK(""x"")"`);
    const prod = await request(t.callback).get('/api/v1/environments/prod?format=csv').expect(200);
    expect(prod.text).toContain(`"""><svt-x>"`);
    expect(prod.text).toContain(`"{""note"":""<svt-x>""}"`);
  });

  it('Prometheus: a label value has its backslash and quote escaped', async () => {
    const res = await request(t.callback).get('/metrics').expect(200);
    // By hand: a"b\c is written a\"b\\c inside the label's quotes.
    expect(res.text).toContain(
      'svt_deployments_recorded_total{env="prod",source="a\\"b\\\\c",status="success"} 1',
    );
  });
});

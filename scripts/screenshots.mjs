// `npm run screenshots`: regenerates docs/*.png, the pages as the README
// shows them, from fixed data and a fixed clock (the browser's, and data
// recorded with fixed instants), so the images change only when the pages do.
// Needs Debian's chromium (or SVT_TEST_CHROMIUM pointing at one).
/* global document -- in the functions page.evaluate runs in the page */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { seedMatrix } from '../bench/seed.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'svt-screenshots-'));
const NOW = Date.parse('2026-06-01T12:00:00Z');
const HOUR = 3600e3;

/** A server on `db` (more settings in `env`) and its port, once it logs it. */
async function serve(db, env = {}) {
  const server = spawn(process.execPath, [join(root, 'server', 'bin', 'svt-server.js')], {
    env: { PATH: process.env.PATH, SVT_PORT: '0', SVT_DB: db, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (c) => {
      out += c;
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { server, url: `http://127.0.0.1:${port}` };
}

const { server, url } = await serve(join(work, 'svt.db'), { SVT_ENV_ORDER: 'dev,staging,prod' });
// The overview at scale: 1,000 applications in 20 environments, written
// straight into a file (as the benchmark does), dated before NOW.
const scaleDb = join(work, 'scale.db');
seedMatrix(scaleDb, 1000, 20, NOW);
const scale = await serve(scaleDb);

// [env, app, version, hours before NOW, status, actor]
const DATA = [
  ['prod', 'api-gateway', '2.14.0', 170, 'success', 'alice'],
  ['prod', 'api-gateway', '2.15.1', 26, 'success', 'alice'],
  ['staging', 'api-gateway', '2.16.0', 5, 'success', 'bob'],
  ['dev', 'api-gateway', '2.16.0', 7, 'success', 'bob'],
  ['prod', 'billing', '1.8.3', 400, 'success', 'carol'],
  ['staging', 'billing', '1.9.0', 30, 'success', 'carol'],
  ['dev', 'billing', '1.9.0', 31, 'success', 'carol'],
  ['prod', 'billing', '1.9.0', 2, 'failure', 'carol'],
  ['prod', 'payment-service', '4.2.0', 300, 'success', 'dave'],
  ['prod', 'payment-service', '4.3.0', 50, 'success', 'dave'],
  ['staging', 'payment-service', '4.3.0', 60, 'success', 'dave'],
  ['dev', 'payment-service', '4.4.0-rc.1', 3, 'success', 'dave'],
  ['prod', 'search', 'a1b2c3d', 12, 'success', 'erin'],
  ['staging', 'search', 'a1b2c3d', 13, 'success', 'erin'],
  ['dev', 'search', 'f00ba47', 1, 'success', 'erin'],
  ['prod', 'web', '7.1.0', 20, 'success', 'frank'],
  ['staging', 'web', '7.1.0', 22, 'success', 'frank'],
  ['dev', 'web', '7.2.0', 4, 'success', 'frank'],
  ['dev', 'notifications', '0.3.0', 9, 'success', 'grace'],
  // A second production region: prod-eu, grouped with prod under its stage.
  ['prod-eu', 'api-gateway', '2.15.1', 25, 'success', 'alice'],
  ['prod-eu', 'billing', '1.8.3', 390, 'success', 'carol'],
  ['prod-eu', 'payment-service', '4.2.0', 290, 'success', 'dave'],
  ['prod-eu', 'search', 'a1b2c3d', 11, 'success', 'erin'],
  ['prod-eu', 'web', '7.1.0', 19, 'success', 'frank'],
];
// A month of earlier prod history for the DORA page: all older than each
// app's current deployment above, so that the other pages stay as they were.
for (let day = 2; day <= 29; day++) {
  ['api-gateway', 'web', 'search'].forEach((app, i) => {
    if ((day * 7 + i * 3) % 5 >= 2) return;
    const hours = day * 24 + 3 * i;
    const failed = (day + i) % 6 === 0;
    DATA.push(['prod', app, `0.${day}.${i}`, hours, failed ? 'failure' : 'success', 'ci']);
    if (failed) DATA.push(['prod', app, `0.${day}.${i + 1}`, hours - 1 - i, 'success', 'ci']);
  });
}

for (const [env, app, version, hours, status, actor] of DATA) {
  const res = await fetch(`${url}/api/v1/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      env,
      app,
      version,
      status,
      actor,
      deployedAt: new Date(NOW - hours * HOUR).toISOString(),
      committedAt: new Date(NOW - (hours + 2 + (hours % 7)) * HOUR).toISOString(),
      commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
      url: `https://${app}.${env}.example.com`,
      pipelineUrl: `https://ci.example.com/${app}/pipelines/${1000 + hours}`,
      source: 'github',
    }),
  });
  if (res.status !== 201) throw new Error(`seeding ${app}: ${res.status} ${await res.text()}`);
}

const browser = await chromium.launch({
  executablePath: process.env.SVT_TEST_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 640 },
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  const page = await context.newPage();
  await page.clock.setFixedTime(NOW);
  for (const [name, path] of [
    ['overview', '/'],
    ['overview-scale', '/'],
    ['environment', '/env/prod'],
    ['application', '/app/payment-service'],
    ['compare', '/compare'],
    ['dora', '/dora?env=prod&window=30d&until=2026-06-01T12:00:00Z'],
  ]) {
    await page.goto((name === 'overview-scale' ? scale.url : url) + path);
    if (name === 'overview-scale') {
      // Scrolled into the middle, both ways: the names and the header rows stay.
      await page.locator('.matrix-scroll').evaluate((el) => {
        el.scrollTop = 4000;
        el.scrollLeft = 700;
      });
    }
    // The ages app.js writes as rows come into view.
    await page.waitForFunction(
      () => !document.querySelector('table[data-ages]') || document.querySelector('td time'),
    );
    await page.waitForTimeout(100);
    // The DORA page whole, charts and per-app table; the others as a first screen.
    await page.screenshot({ path: join(root, 'docs', `${name}.png`), fullPage: name === 'dora' });
    console.log(`docs/${name}.png`);
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  scale.server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

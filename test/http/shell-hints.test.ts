/**
 * The copy-paste commands of the empty states and 404 pages, run as a
 * reader would run them: each line through `sh -c`, in an empty temporary
 * directory, with `curl` and `node` replaced by shell functions that only
 * write down their arguments (nothing touches the network). A hostile app
 * name or Host header must arrive as one argument, and create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { shellWord } from '../../server/src/pages/shell.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { issueToken } from '../helpers/tokens.js';

let t: TestApp;
beforeAll(async () => {
  // Bound to every interface: the Host header is then the reader's to choose.
  t = await testApp({ SVT_HOST: '0.0.0.0' });
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** The command lines of a page's `<pre><code>` blocks, as the reader copies them. */
function commandLines(page: string): string[] {
  return [...page.matchAll(/<pre><code>([\s\S]*?)<\/code><\/pre>/g)]
    .flatMap((m) => (m[1] ?? '').split('\n'))
    .map((line) => line.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e));
}

// Each stub appends one record: the command, then its arguments, NUL-separated.
const STUBS = `
curl() { printf 'curl\\0' >> "$LOG"; printf '%s\\0' "$@" >> "$LOG"; printf '\\n' >> "$LOG"; }
node() {
  printf 'node\\0' >> "$LOG"; printf '%s\\0' "SVT_URL=$SVT_URL" >> "$LOG"
  if [ -n "$SVT_TOKEN" ]; then printf '%s\\0' "SVT_TOKEN=$SVT_TOKEN" >> "$LOG"; fi
  printf '%s\\0' "$@" >> "$LOG"; printf '\\n' >> "$LOG"
}
`;

/**
 * Runs the lines in a fresh directory, with the variables of `env` exported
 * (SVT_TOKEN); answers what the stubs were called with (node: with SVT_URL,
 * and SVT_TOKEN when set), and what the directory holds.
 */
function runLines(
  lines: string[],
  env: Record<string, string> = {},
): { calls: string[][]; files: string[] } {
  const dir = tempDir('svt-shell-');
  const log = join(tempDir('svt-shell-log-'), 'calls');
  for (const line of lines) {
    execFileSync('sh', ['-c', `${STUBS}\n${line}`], {
      cwd: dir,
      env: { PATH: process.env.PATH, LOG: log, ...env },
      stdio: 'ignore',
    });
  }
  const calls = readFileSync(log, 'latin1')
    .split('\n')
    .filter((r) => r !== '')
    .map((r) => Buffer.from(r, 'latin1').toString('utf8').split('\0').slice(0, -1));
  return { calls, files: readdirSync(dir) };
}

describe('shell commands shown on pages', () => {
  it('shellWord: plain words as they are, anything else in single quotes', () => {
    expect(shellWord('api')).toBe('api');
    expect(shellWord('http://127.0.0.1:5000/api/v1/deployments')).toBe(
      'http://127.0.0.1:5000/api/v1/deployments',
    );
    expect(shellWord('Test app')).toBe("'Test app'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('$(id)')).toBe("'$(id)'");
    expect(shellWord('')).toBe("''");
  });

  it.each([
    "demo'; touch pwned; echo '",
    'demo; touch pwned',
    '$(touch pwned)',
    '`touch pwned`',
    "a'\\''$(touch pwned)'",
    '"; touch pwned; echo "',
    '-rf & touch pwned',
  ])('a 404 for the app %j shows commands that create nothing', async (app) => {
    const res = await request(t.callback)
      .get(`/app/${encodeURIComponent(app)}`)
      .set('Host', 'svt.example:5000')
      .expect(404);
    const lines = commandLines(res.text);
    expect(lines).toHaveLength(3);
    const { calls, files } = runLines(lines);
    expect(files).toEqual([]); // the stubs write elsewhere: anything here was created by the line
    const origin = 'http://svt.example:5000';
    expect(calls).toEqual([
      [
        'curl',
        '--json',
        JSON.stringify({ env: 'prod', app, version: '1.0.0' }),
        `${origin}/api/v1/deployments`,
      ],
      ['curl', '-fsSo', 'svt.mjs', `${origin}/cli/svt.mjs`],
      [
        'node',
        `SVT_URL=${origin}`,
        'svt.mjs',
        'record',
        '--env',
        'prod',
        '--app',
        app,
        '--version',
        '1.0.0',
      ],
    ]);
  });

  it('a hostile Host header stays one argument too', async () => {
    const host = "h'$(touch pwned)`touch pwned2`;touch pwned3";
    const res = await request(t.callback).get('/app/nothing').set('Host', host).expect(404);
    const { calls, files } = runLines(commandLines(res.text));
    expect(files).toEqual([]);
    expect(calls.map((c) => c.at(-1))).toEqual([
      `http://${host}/api/v1/deployments`,
      `http://${host}/cli/svt.mjs`,
      '1.0.0',
    ]);
    expect(calls[2]?.[1]).toBe(`SVT_URL=http://${host}`);
  });

  it("the overview's and an environment's empty states run the same way", async () => {
    const overview = await request(t.callback).get('/').set('Host', 'svt.example').expect(200);
    const first = runLines(commandLines(overview.text));
    expect(first.files).toEqual([]);
    expect(first.calls[0]?.[2]).toBe('{"env":"prod","app":"api","version":"1.0.0"}');
    const env = await request(t.callback).get('/env/qa-1').set('Host', 'svt.example').expect(404);
    const second = runLines(commandLines(env.text));
    expect(second.files).toEqual([]);
    expect(second.calls[2]?.slice(4, 6)).toEqual(['--env', 'qa-1']);
  });
});

describe('when writes need a token, the commands send one', () => {
  const TOKEN = 'svt_from-the-readers-variable';
  /** The hint's words about a token, before its first command's, as read ('' for none). */
  const prose = (page: string) =>
    (/<div class="hint">([^]*?)<p>Record a deployment/.exec(page)?.[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/\s+/g, ' ')
      .trim();

  it.each(["demo'; touch pwned; echo '", '$(touch pwned)', '"; touch pwned; echo "'])(
    'a token exists: a 404 for the app %j sends $SVT_TOKEN, and creates nothing',
    async (app) => {
      const closed = await testApp({ SVT_HOST: '0.0.0.0' });
      await issueToken(closed.store, 'ci', ['write:prod']);
      const res = await request(closed.callback)
        .get(`/app/${encodeURIComponent(app)}`)
        .set('Host', 'svt.example:5000')
        .expect(404);
      expect(prose(res.text)).toBe(
        'This server takes writes with a token that may write to prod: put it in SVT_TOKEN first ' +
          '(export SVT_TOKEN=…; an administrator prints one on the server with ' +
          'npx svt-server token create --name ci --scope write:prod).',
      );
      const { calls, files } = runLines(commandLines(res.text), { SVT_TOKEN: TOKEN });
      expect(files).toEqual([]);
      const origin = 'http://svt.example:5000';
      expect(calls).toEqual([
        [
          'curl',
          '--json',
          JSON.stringify({ env: 'prod', app, version: '1.0.0' }),
          '-H',
          `Authorization: Bearer ${TOKEN}`,
          `${origin}/api/v1/deployments`,
        ],
        ['curl', '-fsSo', 'svt.mjs', `${origin}/cli/svt.mjs`],
        [
          'node',
          `SVT_URL=${origin}`,
          `SVT_TOKEN=${TOKEN}`,
          'svt.mjs',
          'record',
          '--env',
          'prod',
          '--app',
          app,
          '--version',
          '1.0.0',
        ],
      ]);
      await closed.store.close();
    },
  );

  it("no token yet, but the reader is not on the server's machine: the token too", async () => {
    const remote = await testApp({ SVT_HOST: '0.0.0.0', SVT_TRUST_PROXY: 'on' });
    const page = (address: string) =>
      request(remote.callback).get('/').set('Host', 'svt.example').set('X-Forwarded-For', address);
    const far = (await page('203.0.113.5').expect(200)).text;
    expect(prose(far)).toMatch(/^This server takes writes with a token/);
    expect(runLines(commandLines(far), { SVT_TOKEN: TOKEN }).calls[0]?.slice(3, 5)).toEqual([
      '-H',
      `Authorization: Bearer ${TOKEN}`,
    ]);
    // From the server's own machine, no token is needed yet: none is shown.
    const near = (await page('127.0.0.1').expect(200)).text;
    expect(prose(near)).toBe('');
    expect(commandLines(near)[0]).not.toContain('Authorization');
    await remote.store.close();
  });

  it("an environment's 404 names its scope; with SVT_AUTH=off, no token at all", async () => {
    const closed = await testApp({ SVT_HOST: '0.0.0.0' });
    await issueToken(closed.store, 'ci', ['write:qa-1']);
    const env = await request(closed.callback).get('/env/qa-1').expect(404);
    expect(prose(env.text)).toContain('--scope write:qa-1');
    const off = await testApp({ SVT_HOST: '0.0.0.0', SVT_AUTH: 'off' });
    await issueToken(off.store, 'ci', ['write:prod']);
    const open = (await request(off.callback).get('/').expect(200)).text;
    expect(prose(open)).toBe('');
    expect(commandLines(open).join('\n')).not.toContain('SVT_TOKEN');
    await closed.store.close();
    await off.store.close();
  });
});

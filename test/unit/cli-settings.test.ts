import { describe, expect, test } from '@jest/globals';
import { detectCiContext } from '../../client/src/ci-context.js';
import {
  DEFAULT_TIMEOUT,
  parseAttributes,
  parseConnection,
  parseDuration,
  parseRecord,
  UsageError,
} from '../../client/src/cli/settings.js';
import { VERSION } from '../../client/src/version.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('CLI connection settings', () => {
  test('flags win over SVT_URL and SVT_TOKEN; timeout in seconds', () => {
    const env = { SVT_URL: 'http://env:5000', SVT_TOKEN: 'svt_env' };
    expect(parseConnection({}, env)).toEqual({
      baseUrl: 'http://env:5000',
      token: 'svt_env',
      deadlineMs: 120_000,
    });
    expect(
      parseConnection({ server: 'https://flag', token: 'svt_flag', timeout: '7.5' }, env),
    ).toEqual({ baseUrl: 'https://flag', token: 'svt_flag', deadlineMs: 7500 });
    expect(parseConnection({}, { SVT_URL: 'http://x', SVT_TOKEN: '' }).token).toBeUndefined();
  });

  test('an empty token, or one of spaces, is none: no Authorization header is sent', () => {
    const url = { SVT_URL: 'http://x' };
    expect(parseConnection({}, { ...url, SVT_TOKEN: '   ' }).token).toBeUndefined();
    expect(parseConnection({}, { ...url, SVT_TOKEN: '\t\n' }).token).toBeUndefined();
    expect(parseConnection({ token: '' }, { ...url, SVT_TOKEN: 'svt_env' }).token).toBeUndefined();
    expect(parseConnection({}, url).token).toBeUndefined();
    // A token read from a file keeps no newline.
    expect(parseConnection({}, { ...url, SVT_TOKEN: 'svt_abc\n' }).token).toBe('svt_abc');
  });

  test('a record keeps trying 120 s by default, a read 10 s', () => {
    const env = { SVT_URL: 'http://x' };
    expect(DEFAULT_TIMEOUT).toEqual({ record: '120s', read: '10s' });
    expect(parseConnection({}, env, DEFAULT_TIMEOUT.record).deadlineMs).toBe(120_000);
    expect(parseConnection({}, env, DEFAULT_TIMEOUT.read).deadlineMs).toBe(10_000);
    expect(parseConnection({ timeout: '3s' }, env, DEFAULT_TIMEOUT.read).deadlineMs).toBe(3000);
  });

  test.each([
    ['10s', 10_000],
    ['2m', 120_000],
    ['1.5h', 5_400_000],
    ['90', 90_000],
    ['7.5', 7500],
    [' 30S ', 30_000],
    ['0.5s', 500],
    ['24h', 86_400_000],
  ])('--timeout %j is %i ms', (value, ms) => {
    expect(parseDuration('--timeout', value)).toBe(ms);
  });

  test.each([['soon'], ['0'], ['0s'], ['-5s'], ['10 s s'], ['25h'], ['1d'], [''], ['1e3']])(
    '--timeout %j is refused, naming the flag and what it takes',
    (value) => {
      expect(() => parseDuration('--timeout', value)).toThrow(UsageError);
      expect(() => parseDuration('--timeout', value)).toThrow(
        `--timeout must be a duration above 0 and at most 24h, such as 10s, 2m or 90 (seconds), got ${JSON.stringify(value)}`,
      );
    },
  );

  test.each([
    [{}, {}, /no server: pass --server <url> or set SVT_URL/],
    [
      { server: 'svt.example.com' },
      {},
      /--server \(or SVT_URL\) must be an http\(s\) URL, got "svt.example.com"/,
    ],
    [{}, { SVT_URL: 'ftp://x' }, /must be an http\(s\) URL, got "ftp:\/\/x"/],
    [{ server: 'http://x', timeout: 'soon' }, {}, /--timeout must be a duration .*got "soon"/],
    [{ server: 'http://x', timeout: '0' }, {}, /--timeout must be a duration above 0/],
  ])('refuses %j with %j', (flags, env, message) => {
    expect(() => parseConnection(flags, env)).toThrow(UsageError);
    expect(() => parseConnection(flags, env)).toThrow(message);
  });
});

describe('CLI attributes', () => {
  test('key=value pairs, split at the first =, values kept as typed', () => {
    expect(parseAttributes('--attr', ['region=eu-west-1', 'replicas=3', 'q=a=b'])).toEqual({
      region: 'eu-west-1',
      replicas: '3',
      q: 'a=b',
    });
  });

  test.each([['noequals'], ['=value']])('refuses %j', (pair) => {
    expect(() => parseAttributes('--attr', [pair])).toThrow(
      `--attr must be key=value, got "${pair}"`,
    );
  });

  test('refuses a key given twice', () => {
    expect(() => parseAttributes('--attr', ['a=1', 'a=2'])).toThrow('--attr "a" is given twice');
  });
});

describe('svt record request', () => {
  const gitlab = detectCiContext({
    GITLAB_CI: 'true',
    CI_PROJECT_PATH: 'acme/shop',
    CI_JOB_ID: '7781',
    CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    CI_COMMIT_REF_NAME: 'main',
    CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
  });

  test('flags first, then the CI context; a derived key; no deployedAt unless given', () => {
    const { request, idempotencyKey } = parseRecord(
      { env: 'prod', app: 'api', version: '1.4.2', ref: 'release', attr: ['region=eu'] },
      gitlab,
    );
    expect(request).toEqual({
      env: 'prod',
      app: 'api',
      version: '1.4.2',
      status: 'success',
      ref: 'release',
      attributes: { region: 'eu' },
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      pipelineUrl: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
      source: 'gitlab',
    });
    expect(idempotencyKey).toMatch(/^gitlab-[0-9a-f]{40}$/);
  });

  test('an explicit key wins; outside CI there is none by default', () => {
    const flags = { env: 'prod', app: 'api', version: '1' };
    expect(parseRecord({ ...flags, idempotencyKey: 'mine' }, gitlab).idempotencyKey).toBe('mine');
    expect(parseRecord(flags, detectCiContext({})).idempotencyKey).toBeNull();
  });

  test('a derived commit time from 1970 is left out with a warning; --committed-at is sent as given', () => {
    const ctx = detectCiContext({
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      CI_COMMIT_TIMESTAMP: '1970-01-01T00:00:00Z',
    });
    const flags = { env: 'prod', app: 'api', version: '1' };
    const derived = parseRecord(flags, ctx, Date.parse('2026-11-28T10:00:00Z'));
    expect(derived.request.committedAt).toBeUndefined();
    expect(derived.warnings).toEqual([
      'committedAt "1970-01-01T00:00:00Z" from CI_COMMIT_TIMESTAMP left out of the request: it is before 2000-01-01T00:00:00Z, which the server refuses',
    ]);
    const given = parseRecord({ ...flags, committedAt: '1970-01-01T00:00:00Z' }, ctx);
    expect(given.request.committedAt).toBe('1970-01-01T00:00:00Z');
    expect(given.warnings).toEqual([]);
  });

  test('SVT_ATTRIBUTES: one key=value per line, comments and blanks skipped; --attr wins for a key', () => {
    const env = { SVT_ATTRIBUTES: 'region=eu-west-1\n\n# the chart\n chart=shop-3.2.0 \nteam=a=b' };
    const { request } = parseRecord(
      { env: 'prod', app: 'api', version: '1', attr: ['team=payments'] },
      gitlab,
      Date.now(),
      env,
    );
    expect(request.attributes).toEqual({
      region: 'eu-west-1',
      chart: 'shop-3.2.0',
      team: 'payments',
    });
    expect(() =>
      parseRecord({ env: 'p', app: 'a', version: '1' }, gitlab, Date.now(), {
        SVT_ATTRIBUTES: 'no-equals-sign',
      }),
    ).toThrow('SVT_ATTRIBUTES must be key=value, got "no-equals-sign"');
  });

  test('--version defaults to the tag, else the short SHA of the commit sent (--commit, else the CI’s)', () => {
    const flags = { env: 'prod', app: 'api' };
    expect(parseRecord(flags, gitlab).request.version).toBe('a1b2c3d4');
    expect(parseRecord({ ...flags, commit: 'ffeeddccbbaa' }, gitlab).request).toMatchObject({
      version: 'ffeeddcc',
      commit: 'ffeeddccbbaa',
    });
    expect(() => parseRecord(flags, detectCiContext({}))).toThrow('--version is required here');
  });

  test('the default key is derived from the request sent: another attribute, another key', () => {
    const key = (attr: string[]) =>
      parseRecord({ env: 'prod', app: 'api', version: '1', attr }, gitlab).idempotencyKey;
    expect(key(['region=eu-west-1'])).not.toBe(key(['region=us-east-1']));
    expect(key(['region=eu-west-1'])).toBe(key(['region=eu-west-1']));
  });

  test('refuses an unknown status', () => {
    expect(() => parseRecord({ env: 'p', app: 'a', version: '1', status: 'ok' }, gitlab)).toThrow(
      '--status must be one of success, failure, started, rolled_back, got "ok"',
    );
  });
});

test('VERSION matches the client package', () => {
  const pkg = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'client', 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  expect(VERSION).toBe(pkg.version);
});

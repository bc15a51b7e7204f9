import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ConfigError, parseConfig } from '../../server/src/config.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookKey } from '../../server/src/webhook-config.js';

describe('parseConfig', () => {
  it('has zero-set-up defaults', () => {
    expect(parseConfig({})).toEqual({
      port: 5000,
      host: '127.0.0.1',
      dbPath: './data/svt.db',
      mongodbUrl: null,
      mongodbDb: 'svt',
      versionPattern: null,
      logLevel: 'info',
      envOrder: [],
      auth: true,
      readAuth: 'open',
      legacyAuth: true,
      tls: null,
      trustProxy: false,
      allowedHosts: null,
      rateLimit: 6000,
      authFailLimit: 10,
      retentionDays: null,
      webhooks: [],
      webhookGiveUpMs: 24 * 3600 * 1000,
      publicUrl: null,
      forges: new Map([
        ['github.com', 'github'],
        ['gitlab.com', 'gitlab'],
        ['bitbucket.org', 'bitbucket'],
        ['codeberg.org', 'gitea'],
      ]),
      fluxHmacKey: null,
    });
  });

  it('keeps SVT_FLUX_HMAC_KEY as given, a trailing newline included; empty is unset', () => {
    expect(parseConfig({ SVT_FLUX_HMAC_KEY: 'key\n' }).fluxHmacKey).toBe('key\n');
    expect(parseConfig({ SVT_FLUX_HMAC_KEY: ' key' }).fluxHmacKey).toBe(' key');
    expect(parseConfig({ SVT_FLUX_HMAC_KEY: '' }).fluxHmacKey).toBeNull();
  });

  it('adds the forges of SVT_FORGES to the known ones, a known host overridden', () => {
    const { forges } = parseConfig({
      SVT_FORGES: 'GitLab.Example.com=gitlab, git.example.org=Gitea,github.com=gitea',
    });
    expect([...forges]).toEqual([
      ['github.com', 'gitea'],
      ['gitlab.com', 'gitlab'],
      ['bitbucket.org', 'bitbucket'],
      ['codeberg.org', 'gitea'],
      ['gitlab.example.com', 'gitlab'],
      ['git.example.org', 'gitea'],
    ]);
  });

  it('reads every setting', () => {
    const config = parseConfig({
      SVT_PORT: '0',
      SVT_HOST: '0.0.0.0',
      SVT_DB: '/var/lib/svt/svt.db',
      SVT_MONGODB_URL: 'mongodb://db1,db2/?replicaSet=rs0',
      SVT_MONGODB_DB: 'svt_prod',
      SVT_VERSION_PATTERN: '[0-9.]+',
      SVT_LOG_LEVEL: 'WARN',
      SVT_ENV_ORDER: 'dev, staging,prod',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dbPath: '/var/lib/svt/svt.db',
      mongodbUrl: 'mongodb://db1,db2/?replicaSet=rs0',
      mongodbDb: 'svt_prod',
      logLevel: 'warn',
      envOrder: ['dev', 'staging', 'prod'],
    });
    expect(config.versionPattern?.test('1.2.3')).toBe(true);
    expect(config.versionPattern?.test('x1.2.3')).toBe(false); // anchored
  });

  it('reads the webhook settings: each hook gets a key from its format and URL', () => {
    const config = parseConfig({
      SVT_WEBHOOKS: JSON.stringify([
        { url: 'https://ci.example.test/hook', secret: 's' },
        {
          url: 'https://grafana.example.test/api/annotations',
          format: 'grafana',
          token: 'glsa_abc',
          dashboardUID: 'deploys-1',
        },
        { url: 'https://x.example.test/workflows/1?sig=abc', format: 'teams', secret: '' },
      ]),
      SVT_WEBHOOK_GIVE_UP: '90m',
      SVT_PUBLIC_URL: 'https://SVT.example.test/tools/svt/',
    });
    expect(config.webhooks).toEqual([
      {
        url: 'https://ci.example.test/hook',
        format: 'json',
        secret: 's',
        token: null,
        dashboardUID: null,
        key: hookKey('json', 'https://ci.example.test/hook'),
      },
      {
        url: 'https://grafana.example.test/api/annotations',
        format: 'grafana',
        secret: null,
        token: 'glsa_abc',
        dashboardUID: 'deploys-1',
        key: hookKey('grafana', 'https://grafana.example.test/api/annotations'),
      },
      {
        url: 'https://x.example.test/workflows/1?sig=abc',
        format: 'teams',
        secret: '',
        token: null,
        dashboardUID: null,
        key: hookKey('teams', 'https://x.example.test/workflows/1?sig=abc'),
      },
    ]);
    // By hand: the first 12 hex digits of SHA-256("json\nhttps://ci.example.test/hook").
    expect(config.webhooks[0]?.key).toBe(
      createHash('sha256').update('json\nhttps://ci.example.test/hook').digest('hex').slice(0, 12),
    );
    expect(config.webhookGiveUpMs).toBe(90 * 60 * 1000);
    expect(config.publicUrl).toBe('https://svt.example.test/tools/svt');
    expect(parseConfig({ SVT_WEBHOOK_GIVE_UP: '30d' }).webhookGiveUpMs).toBe(30 * 86_400_000);
    expect(parseConfig({ SVT_WEBHOOK_GIVE_UP: '1s' }).webhookGiveUpMs).toBe(1000);
  });

  it('reads the security settings', () => {
    expect(
      parseConfig({
        SVT_AUTH: 'off',
        SVT_READ_AUTH: 'token',
        SVT_LEGACY_AUTH: 'OFF',
        SVT_TLS_CERT: '/etc/svt/cert.pem',
        SVT_TLS_KEY: '/etc/svt/key.pem',
        SVT_TRUST_PROXY: 'on',
        SVT_RATE_LIMIT: '0',
        SVT_AUTH_FAIL_LIMIT: '100',
        SVT_ALLOWED_HOSTS: 'SVT.example.com, 10.0.0.5,svt.internal.,[FD00::5],fd00::6',
      }),
    ).toMatchObject({
      auth: false,
      readAuth: 'token',
      legacyAuth: false,
      tls: { certPath: '/etc/svt/cert.pem', keyPath: '/etc/svt/key.pem' },
      trustProxy: true,
      rateLimit: 0,
      authFailLimit: 100,
      allowedHosts: ['svt.example.com', '10.0.0.5', 'svt.internal', '[fd00::5]', '[fd00::6]'],
    });
  });

  it.each([
    [
      'SVT_AUTH',
      'maybe',
      'SVT_AUTH must be on or off (true/false and 1/0 are read the same), got "maybe"',
    ],
    ['SVT_READ_AUTH', 'closed', 'SVT_READ_AUTH must be open or token, got "closed"'],
    [
      'SVT_TLS_CERT',
      '/x.pem',
      'SVT_TLS_CERT and SVT_TLS_KEY must be set together, got only one of them',
    ],
    [
      'SVT_RETENTION_DAYS',
      '0',
      'SVT_RETENTION_DAYS must be a whole number of days, 1 or more, got "0"',
    ],
    [
      'SVT_RATE_LIMIT',
      '-1',
      'SVT_RATE_LIMIT must be a number per minute (0 turns it off), got "-1"',
    ],
    [
      'SVT_ENV_ORDER',
      'dev,,prod',
      'SVT_ENV_ORDER must be environment names separated by commas, e.g. dev,staging,prod, got "dev,,prod"',
    ],
    ['SVT_ENV_ORDER', 'dev,dev', 'SVT_ENV_ORDER must be each environment once, got "dev,dev"'],
    // Found by a breaker: taken as unset, a blank key turned the signature check off.
    [
      'SVT_FLUX_HMAC_KEY',
      ' \n',
      'SVT_FLUX_HMAC_KEY must be the key of Flux\'s generic-hmac provider, not only spaces, got " \\n"',
    ],
    ...[
      'gitlab.example.com',
      'git.example.org=sourcehut',
      'https://git.example.org=gitea',
      'a=b=c',
    ].map((raw) => [
      'SVT_FORGES',
      raw,
      `SVT_FORGES must be host=kind pairs separated by commas (a host may name its port), kind one of github, gitlab, bitbucket, gitea (gitlab.example.com=gitlab,git.example.org=gitea), got ${JSON.stringify(raw)}`,
    ]),
    ['SVT_PORT', 'abc', 'SVT_PORT must be an integer 0-65535, got "abc"'],
    ['SVT_PORT', '70000', 'SVT_PORT must be an integer 0-65535, got "70000"'],
    ['SVT_PORT', '-1', 'SVT_PORT must be an integer 0-65535, got "-1"'],
    [
      'SVT_LOG_LEVEL',
      'loud',
      'SVT_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      'SVT_MONGODB_DB',
      'a/b',
      'SVT_MONGODB_DB must be a database name of 1-63 letters, digits, "_" or "-", got "a/b"',
    ],
    ...[
      'svt.example.com:443',
      'https://svt.example.com',
      'svt.example.com/x',
      'a,,b',
      '*',
      'a b',
    ].map((value) => [
      'SVT_ALLOWED_HOSTS',
      value,
      `SVT_ALLOWED_HOSTS must be host names separated by commas, without scheme, port or path (e.g. svt.example.com,10.0.0.5), got ${JSON.stringify(value)}`,
    ]),
    ['SVT_VERSION_PATTERN', '([0-9', 'SVT_VERSION_PATTERN must be a valid regular expression'],
    ...['0s', '31d', '24', '1.5h', 'h'].map((value) => [
      'SVT_WEBHOOK_GIVE_UP',
      value,
      `SVT_WEBHOOK_GIVE_UP must be a duration from 1s to 30d, e.g. 90m, 24h or 7d, got ${JSON.stringify(value)}`,
    ]),
    ...[
      'svt.example.com',
      'ftp://svt.example.com',
      'https://user:secret@svt.example.com',
      'https://svt.example.com/?a=1',
      'https://svt.example.com/#x',
      'https://svt.example.com/a|b',
    ].map((value) => [
      'SVT_PUBLIC_URL',
      value,
      'SVT_PUBLIC_URL must be the http(s) address people reach this server at, without credentials, query or fragment',
    ]),
    [
      'SVT_MONGODB_URL',
      'http://user:secret@db',
      'SVT_MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string',
    ],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    let caught: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).not.toContain('secret');
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ SVT_PORT: '', SVT_MONGODB_URL: ' ' })).toMatchObject({
      port: 5000,
      mongodbUrl: null,
    });
  });
});

describe('the settings are documented', () => {
  it("every setting config.ts reads has a row in the README's configuration table", () => {
    const root = join(import.meta.dirname, '..', '..');
    const read = new Set(
      readFileSync(join(root, 'server', 'src', 'config.ts'), 'utf8').match(/'SVT_[A-Z_]+'/g),
    );
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Security'));
    expect(read.size).toBeGreaterThanOrEqual(20);
    for (const quoted of read) {
      const name = quoted.slice(1, -1);
      expect([name, table.includes(`\`${name}\``)]).toEqual([name, true]);
    }
  });
});

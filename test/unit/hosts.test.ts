/** Host names as the Host check sees them (http/hosts.ts). */
import { describe, expect, it } from '@jest/globals';
import { hostAllowList, isLoopbackName, normalizeHost } from '../../server/src/http/hosts.js';

describe('normalizeHost', () => {
  it.each([
    ['localhost', 'localhost'],
    ['LocalHost:5000', 'localhost'],
    ['localhost.', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['[::1]:5000', '[::1]'],
    ['::1', '[::1]'],
    ['[0:0:0:0:0:0:0:1]', '[::1]'],
    ['SVT.Example.com', 'svt.example.com'],
  ])('%j is %j', (value, name) => {
    expect(normalizeHost(value)).toBe(name);
  });

  it.each([
    '',
    ' ',
    'evil@localhost',
    'a b',
    'localhost:x',
    'http://localhost',
    'localhost/x',
    '[zz]',
  ])('%j is no host name', (value) => {
    expect(normalizeHost(value)).toBeNull();
  });
});

describe('isLoopbackName', () => {
  it.each(['localhost', '127.0.0.1', '127.8.9.10', '[::1]'])('%s is loopback', (name) => {
    expect(isLoopbackName(name)).toBe(true);
  });
  it.each(['localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '0.0.0.0'])(
    '%s is not',
    (name) => {
      expect(isLoopbackName(name)).toBe(false);
    },
  );
});

describe('hostAllowList', () => {
  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])(
    'bound to %s: loopback names only',
    (bind) => {
      const allowed = hostAllowList(bind, null);
      expect(allowed?.('localhost')).toBe(true);
      expect(allowed?.('[::1]')).toBe(true);
      expect(allowed?.('attacker.example')).toBe(false);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.5', 'svt.internal'])('bound to %s: no check', (bind) => {
    expect(hostAllowList(bind, null)).toBeNull();
  });

  it('SVT_ALLOWED_HOSTS adds names to the loopback ones, wherever the server is bound', () => {
    for (const bind of ['127.0.0.1', '0.0.0.0']) {
      const allowed = hostAllowList(bind, ['svt.example.com']);
      expect(allowed?.('svt.example.com')).toBe(true);
      expect(allowed?.('127.0.0.1')).toBe(true);
      expect(allowed?.('www.svt.example.com')).toBe(false);
    }
  });
});

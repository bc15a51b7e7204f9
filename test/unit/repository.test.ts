/**
 * Repository web pages from what CIs and git give (client/src/repository.ts,
 * what the CLI and the action send) and as the server stores them
 * (server/src/forges.ts repositoryPage), and the links to each forge.
 */
import { describe, expect, test } from '@jest/globals';
import { repositoryWebUrl } from '../../client/src/repository.js';
import {
  changesLink,
  commitLink,
  compareLink,
  KNOWN_FORGES,
  repositoryPage,
} from '../../server/src/forges.js';

describe('repositoryWebUrl: a clone or web URL made the web page', () => {
  test.each([
    ['https://github.com/acme/api', 'https://github.com/acme/api'],
    ['https://github.com/acme/api.git', 'https://github.com/acme/api'],
    ['https://github.com/acme/api/', 'https://github.com/acme/api'],
    ['git@github.com:acme/api.git', 'https://github.com/acme/api'],
    ['github.com:acme/api', 'https://github.com/acme/api'],
    [
      'ssh://git@gitlab.example.com:2222/group/sub/api.git',
      'https://gitlab.example.com/group/sub/api',
    ],
    ['git+ssh://git@GitLab.Example.com/group/api.git', 'https://gitlab.example.com/group/api'],
    ['git://git.example.org/team/api.git', 'https://git.example.org/team/api'],
    // Credentials of every form go: user and token, a token alone.
    [
      'https://gitlab-ci-token:glpat-abc@gitlab.example.com/g/api.git',
      'https://gitlab.example.com/g/api',
    ],
    ['https://x-access-token:ghs_123@github.com/acme/api.git', 'https://github.com/acme/api'],
    ['https://ghp_abc@github.com/acme/api', 'https://github.com/acme/api'],
    // An http server keeps its scheme and port: that is where its pages are.
    ['http://git.internal:8080/team/api.git?x=1#top', 'http://git.internal:8080/team/api'],
  ])('%s -> %s', (remote, page) => {
    expect(repositoryWebUrl(remote)).toBe(page);
  });

  test.each([
    null,
    '',
    '  ',
    'api',
    '/srv/git/api.git',
    'file:///srv/git/api.git',
    'https://github.com/acme',
    'ftp://x.org/a/b',
  ])('names no repository page: %j', (remote) => {
    expect(repositoryWebUrl(remote)).toBeNull();
  });
});

describe('repositoryPage: what the server stores', () => {
  test.each([
    ['https://github.com/acme/api', 'https://github.com/acme/api'],
    ['https://user:pass@GitHub.com/acme/api.git/', 'https://github.com/acme/api'],
    [
      'https://gitlab.example.com:8443/g/sub/api?ref=main#readme',
      'https://gitlab.example.com:8443/g/sub/api',
    ],
  ])('%s -> %s', (text, page) => {
    expect(repositoryPage(text)).toBe(page);
  });

  test.each([
    'git@github.com:acme/api.git',
    'javascript:alert(1)//a/b',
    'https://github.com/',
    'https://github.com/acme',
    'not a url',
  ])('refuses %j', (text) => {
    expect(repositoryPage(text)).toBeNull();
  });
});

describe('links to each forge', () => {
  const hosts = new Map([
    ...KNOWN_FORGES,
    ['git.example.org', 'gitea'],
    ['gitlab.example.com', 'gitlab'],
  ] as const);
  const a = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const b = '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  test.each([
    [
      'https://github.com/acme/api',
      `https://github.com/acme/api/commit/${b}`,
      `https://github.com/acme/api/compare/${a}...${b}`,
    ],
    [
      'https://gitlab.com/g/sub/api',
      `https://gitlab.com/g/sub/api/-/commit/${b}`,
      `https://gitlab.com/g/sub/api/-/compare/${a}...${b}`,
    ],
    [
      'https://gitlab.example.com/g/api',
      `https://gitlab.example.com/g/api/-/commit/${b}`,
      `https://gitlab.example.com/g/api/-/compare/${a}...${b}`,
    ],
    [
      'https://bitbucket.org/ws/api',
      `https://bitbucket.org/ws/api/commits/${b}`,
      `https://bitbucket.org/ws/api/branches/compare/${b}..${a}`,
    ],
    [
      'https://git.example.org/team/api',
      `https://git.example.org/team/api/commit/${b}`,
      `https://git.example.org/team/api/compare/${a}...${b}`,
    ],
    [
      'https://codeberg.org/team/api',
      `https://codeberg.org/team/api/commit/${b}`,
      `https://codeberg.org/team/api/compare/${a}...${b}`,
    ],
  ])('%s', (repository, commit, compare) => {
    expect(commitLink(repository, b, hosts)).toBe(commit);
    expect(compareLink(repository, a, b, hosts)).toBe(compare);
  });

  test('an unknown host, a missing or odd commit, or no change: no link rather than a wrong one', () => {
    expect(commitLink('https://git.unknown.test/team/api', b, hosts)).toBeNull();
    expect(compareLink('https://git.unknown.test/team/api', a, b, hosts)).toBeNull();
    expect(commitLink(null, b, hosts)).toBeNull();
    expect(commitLink('https://github.com/acme/api', null, hosts)).toBeNull();
    // A commit field holds what the CI gave: only a hex id goes into a path.
    expect(commitLink('https://github.com/acme/api', '../../settings', hosts)).toBeNull();
    expect(commitLink('https://github.com/acme/api', 'abc12', hosts)).toBeNull();
    expect(compareLink('https://github.com/acme/api', a, a, hosts)).toBeNull();
  });

  test('a repository recorded as a deeper page links from the repository itself; a port must be named', () => {
    // Found by a breaker: links were appended to whatever page was recorded.
    expect(commitLink('https://github.com/acme/api/tree/main', b, hosts)).toBe(
      `https://github.com/acme/api/commit/${b}`,
    );
    expect(commitLink(`https://github.com/acme/api/commit/${a}`, b, hosts)).toBe(
      `https://github.com/acme/api/commit/${b}`,
    );
    expect(compareLink('https://gitlab.com/g/sub/p/-/tree/main', a, b, hosts)).toBe(
      `https://gitlab.com/g/sub/p/-/compare/${a}...${b}`,
    );
    // github.com on another port is not github.com; a self-hosted forge on one can be named.
    expect(commitLink('https://github.com:8443/acme/api', b, hosts)).toBeNull();
    const ported = new Map([...hosts, ['git.example.org:8443', 'gitea']] as const);
    expect(commitLink('https://git.example.org:8443/team/api', b, ported)).toBe(
      `https://git.example.org:8443/team/api/commit/${b}`,
    );
  });

  test('changes since the previous deployment: only within one repository', () => {
    const repo = 'https://github.com/acme/api';
    expect(
      changesLink({ repository: repo, commit: b }, { repository: repo, commit: a }, hosts),
    ).toBe(`${repo}/compare/${a}...${b}`);
    expect(changesLink({ repository: repo, commit: b }, null, hosts)).toBeNull();
    expect(
      changesLink(
        { repository: repo, commit: b },
        { repository: 'https://github.com/acme/old', commit: a },
        hosts,
      ),
    ).toBeNull();
  });
});

/**
 * Links from a deployment to its commits on the forge that hosts its
 * repository: the commit itself, and what changed between two commits.
 * The forge is told by the repository's host (github.com, gitlab.com,
 * bitbucket.org, and those SVT_FORGES names); a host it cannot tell gets no
 * link rather than a wrong one.
 *
 * URL forms, from each forge's own web pages:
 * - GitHub, Gitea, Forgejo: `/commit/<sha>`, `/compare/<from>...<to>`;
 * - GitLab: `/-/commit/<sha>`, `/-/compare/<from>...<to>`;
 * - Bitbucket Cloud: `/commits/<sha>`, `/branches/compare/<to>..<from>` (the
 *   form of the `links.html` of its push webhooks: newer first).
 */

/** The kinds of forge SVT links to; Forgejo links as Gitea does. */
export type ForgeKind = 'github' | 'gitlab' | 'bitbucket' | 'gitea';

export const FORGE_KINDS: readonly ForgeKind[] = ['github', 'gitlab', 'bitbucket', 'gitea'];

/** Forge kind by lower-case host name. */
export type ForgeHosts = ReadonlyMap<string, ForgeKind>;

/** The hosts every SVT knows; SVT_FORGES adds to them (and may override them). */
export const KNOWN_FORGES: ForgeHosts = new Map<string, ForgeKind>([
  ['github.com', 'github'],
  ['gitlab.com', 'gitlab'],
  ['bitbucket.org', 'bitbucket'],
  ['codeberg.org', 'gitea'],
]);

/**
 * The web page of the repository an http(s) URL names, as SVT stores it:
 * lower-case host, no credentials, no `.git` suffix, no trailing slash, no
 * query or fragment; null when it is not an http(s) URL with at least an
 * owner and a name in its path.
 */
export function repositoryPage(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const segments = url.pathname
    .replace(/\.git\/*$/, '')
    .split('/')
    .filter((s) => s !== '');
  if (segments.length < 2) return null;
  return `${url.protocol}//${url.host}/${segments.join('/')}`;
}

/** A commit id safe to put in a link's path: 7 to 64 hex digits. */
const COMMIT = /^[0-9a-f]{7,64}$/i;

function kindOf(repository: string, hosts: ForgeHosts): ForgeKind | null {
  try {
    return hosts.get(new URL(repository).hostname) ?? null;
  } catch {
    return null;
  }
}

/**
 * The page of `commit` on the repository's forge, or null (no repository, an
 * unknown host, or a commit that is not a hex id).
 */
export function commitLink(
  repository: string | null,
  commit: string | null,
  hosts: ForgeHosts,
): string | null {
  if (repository === null || commit === null || !COMMIT.test(commit)) return null;
  switch (kindOf(repository, hosts)) {
    case 'github':
    case 'gitea':
      return `${repository}/commit/${commit}`;
    case 'gitlab':
      return `${repository}/-/commit/${commit}`;
    case 'bitbucket':
      return `${repository}/commits/${commit}`;
    default:
      return null;
  }
}

/**
 * The page of what changed from commit `from` to commit `to` on the
 * repository's forge, or null: no repository or unknown host, a commit that
 * is not a hex id, or the same commit twice (nothing changed).
 */
export function compareLink(
  repository: string | null,
  from: string | null,
  to: string | null,
  hosts: ForgeHosts,
): string | null {
  if (repository === null || from === null || to === null) return null;
  if (!COMMIT.test(from) || !COMMIT.test(to) || from === to) return null;
  switch (kindOf(repository, hosts)) {
    case 'github':
    case 'gitea':
      return `${repository}/compare/${from}...${to}`;
    case 'gitlab':
      return `${repository}/-/compare/${from}...${to}`;
    case 'bitbucket':
      return `${repository}/branches/compare/${to}..${from}`;
    default:
      return null;
  }
}

import type { DeploymentLinks } from '@svt/client';

/** A deployment's fields the links read. */
export interface Linked {
  repository: string | null;
  commit: string | null;
}

/**
 * The changes a deployment brought over the one before it: a link when both
 * name a commit of the same repository on a known forge.
 */
export function changesLink(
  deployment: Linked,
  before: Linked | null,
  hosts: ForgeHosts,
): string | null {
  if (before === null || before.repository !== deployment.repository) return null;
  return compareLink(deployment.repository, before.commit, deployment.commit, hosts);
}

/** The links of a deployment that names no repository (or none SVT can link). */
export const NO_LINKS: DeploymentLinks = { commit: null, changes: null };

/**
 * A recorded deployment's links: its commit, and the changes since
 * `previous` (the success it replaced).
 */
export function deploymentLinks(
  deployment: Linked,
  previous: Linked | null,
  hosts: ForgeHosts,
): DeploymentLinks {
  return {
    commit: commitLink(deployment.repository, deployment.commit, hosts),
    changes: changesLink(deployment, previous, hosts),
  };
}

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

/**
 * The forge a repository is on and the repository's own page there: the
 * host (with its port, if any) must be one SVT knows; the page is the
 * owner and name on GitHub, Gitea and Bitbucket, everything before `/-/`
 * on GitLab (groups nest), so that a repository recorded as a deeper page
 * (`/tree/main`) still links to its commits, not below that page.
 */
function forgeOf(repository: string, hosts: ForgeHosts): { kind: ForgeKind; base: string } | null {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    return null;
  }
  const kind = hosts.get(url.host);
  if (kind === undefined) return null;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const own = kind === 'gitlab' ? segments.slice(0, cut(segments)) : segments.slice(0, 2);
  if (own.length < 2) return null;
  return { kind, base: `${url.origin}/${own.join('/')}` };
}

/** Where GitLab's pages below a project start: its `-` segment, else the end. */
function cut(segments: string[]): number {
  const dash = segments.indexOf('-');
  return dash < 0 ? segments.length : dash;
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
  const forge = forgeOf(repository, hosts);
  switch (forge?.kind) {
    case 'github':
    case 'gitea':
      return `${forge.base}/commit/${commit}`;
    case 'gitlab':
      return `${forge.base}/-/commit/${commit}`;
    case 'bitbucket':
      return `${forge.base}/commits/${commit}`;
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
  const forge = forgeOf(repository, hosts);
  switch (forge?.kind) {
    case 'github':
    case 'gitea':
      return `${forge.base}/compare/${from}...${to}`;
    case 'gitlab':
      return `${forge.base}/-/compare/${from}...${to}`;
    case 'bitbucket':
      return `${forge.base}/branches/compare/${to}..${from}`;
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

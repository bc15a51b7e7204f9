/**
 * A deployment's commit on the pages: its short id, linked to the commit's
 * page on the repository's forge (forges.ts), and the way to what it
 * changed (routes/links.ts). Without a repository on a forge SVT knows, the
 * id alone, never a guessed link.
 */
import type { Deployment } from '@svt/client';
import { commitLink, compareLink, type ForgeHosts } from '../forges.js';
import { html, type Html } from './html.js';

/** The commit as a cell's content: `–` without one. */
export function commitCode(d: Deployment | null | undefined, hosts: ForgeHosts): Html | string {
  if (d == null || d.commit === null) return '–';
  const code = html`<code title="${d.commit}">${d.commit.slice(0, 12)}</code>`;
  const link = commitLink(d.repository, d.commit, hosts);
  return link === null ? code : html`<a href="${link}" rel="noopener noreferrer">${code}</a>`;
}

/**
 * A link to what `d` changed since the success before it, where one can be
 * made (a repository on a known forge and a commit); '' otherwise.
 */
export function changesAnchor(d: Deployment | null | undefined, hosts: ForgeHosts): Html | string {
  if (d == null || commitLink(d.repository, d.commit, hosts) === null) return '';
  return html`<a href="/deployments/${d.id}/changes" rel="nofollow">changes</a>`;
}

/**
 * On the compare page: the commits one side runs and the other does not yet,
 * from `behind`'s commit to `ahead`'s, when both name the same repository.
 */
export function waitingAnchor(
  ahead: Deployment | null,
  behind: Deployment | null,
  hosts: ForgeHosts,
  label: string,
): Html | string {
  if (ahead === null || behind === null || ahead.repository !== behind.repository) return '';
  const link = compareLink(ahead.repository, behind.commit, ahead.commit, hosts);
  return link === null ? '' : html`<a href="${link}" rel="noopener noreferrer">${label}</a>`;
}

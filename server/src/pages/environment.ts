/** `/env/{env}`: each application of one environment, now or at a past instant. */
import type { Deployment } from '@svt/client';
import { compareNames } from '../names.js';
import { versionRanks } from '../version-order.js';
import type { ForgeHosts } from '../forges.js';
import { changesAnchor, commitCode } from './commit-links.js';
import { recordHint, type WriteHint } from './empty-state.js';
import { attemptNote, rollbackMark } from './marks.js';
import { html, safeUrl, seg, type Html } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { envSelector, filterBox, instantValue, sortable, textInput } from './selectors.js';

export interface EnvironmentData extends PageHeader {
  env: string;
  envs: string[];
  /** The instant shown (ISO), or null for now. */
  at: string | null;
  current: Deployment[];
  /** Each app's latest attempt: where it is not the current one, it did not succeed. */
  latest: Deployment[];
  /** How to record a first deployment: given when the page shows nothing (now, no app). */
  hint: WriteHint | null;
  /** The forges commits link to (config.forges). */
  forges: ForgeHosts;
}

function links(d: Deployment, forges: ForgeHosts): Html {
  const url = safeUrl(d.url);
  const pipeline = safeUrl(d.pipelineUrl);
  const found = [
    url === null ? '' : html`<a href="${url}" rel="noopener noreferrer">app</a>`,
    pipeline === null ? '' : html`<a href="${pipeline}" rel="noopener noreferrer">pipeline</a>`,
    d.status === 'success' ? changesAnchor(d, forges) : '',
  ].filter((l) => l !== '');
  return html`${found.map((l, i) => (i === 0 ? l : html` · ${l}`))}`;
}

function row(
  app: string,
  d: Deployment | undefined,
  last: Deployment | undefined,
  rank: number | undefined,
  forges: ForgeHosts,
): Html {
  const warning =
    last !== undefined && last.status !== 'success' && last.id !== d?.id ? attemptNote(last) : '';
  const shown = d ?? last;
  return html`<tr data-search="${app} ${d?.version ?? ''}">
    <th scope="row" data-value="${app}"><a href="/app/${seg(app)}">${app}</a></th>
    <td data-value="${rank === undefined ? '' : String(rank).padStart(6, '0')}">
      ${d === undefined ? html`<span class="none">none succeeded</span>` : html`<span class="version">${d.version}</span>${rollbackMark(d)}`}${warning}
    </td>
    <td data-value="${d?.deployedAt ?? ''}">
      ${d === undefined ? '–' : time(d.deployedAt, 'age')}
    </td>
    <td data-value="${d?.commit ?? ''}">${commitCode(d, forges)}</td>
    <td data-value="${d?.actor ?? ''}">${d?.actor ?? '–'}</td>
    <td data-value="${d?.recordedBy ?? ''}">${d?.recordedBy ?? '–'}</td>
    <td>${shown === undefined ? '' : links(d ?? shown, forges)}</td>
  </tr> `;
}

export function environmentPage(data: EnvironmentData): string {
  const { env, envs, at, current, latest, hint, forges } = data;
  const currentByApp = new Map(current.map((d) => [d.app, d]));
  // The Version column sorts by the one version order, not by the text.
  const ranks = versionRanks(current);
  const latestByApp = new Map(latest.map((d) => [d.app, d]));
  const apps = [...new Set([...latestByApp.keys(), ...currentByApp.keys()])].sort(compareNames);
  const banner =
    at === null
      ? ''
      : html`<p class="banner" role="status">
          Showing <strong>${env}</strong> as it was at ${time(at)}.
          <a href="/env/${seg(env)}">Back to now</a>
        </p>`;
  const table =
    apps.length === 0
      ? html`<p class="lead">Nothing ran in ${env} ${at === null ? 'yet' : 'at that instant'}.</p>
          ${hint === null ? '' : recordHint(hint, env)}`
      : html`${filterBox('apps', apps.length)}
          <div class="scroll">
            <table id="apps" class="sortable">
              <caption class="sr-only">
                Applications in ${env}; the column buttons sort
              </caption>
              <thead>
                <tr>
                  ${sortable('Application', 'app')}${sortable('Version', 'version')}${sortable('Deployed', 'time')}${sortable('Commit', 'text')}${sortable('Actor', 'text')}${sortable('Recorded by', 'text')}
                  <th scope="col">Links</th>
                </tr>
              </thead>
              <tbody>
                ${apps.map((app) => {
                  const d = currentByApp.get(app);
                  return row(app, d, latestByApp.get(app), d && ranks.get(d.id), forges);
                })}
              </tbody>
            </table>
          </div>`;
  const csvQuery = new URLSearchParams(
    at === null ? { format: 'csv' } : { at, format: 'csv' },
  ).toString();
  return layout({
    title: at === null ? env : `${env} at ${at}`,
    nav: 'env',
    signedIn: data.signedIn,
    body: html`<h1>${env}</h1>
      ${envSelector(envs, env)}
      <form class="picker" method="get" action="/env/${seg(env)}">
        <label for="at">As it was at</label>
        ${textInput({
          id: 'at',
          name: 'at',
          value: instantValue(at),
          placeholder: '2026-11-01T12:00Z or 2026-11-01',
          describedBy: 'at-help',
        })}
        <button type="submit">Show</button>
        <span id="at-help" class="help">an ISO 8601 instant with a zone, or a date</span>
      </form>
      ${banner} ${table}
      ${
        apps.length === 0
          ? ''
          : html`<p class="help">
              <a href="/env/${seg(env)}/changes">What changed here in the last 7 days</a> ·
              <a href="/api/v1/environments/${seg(env)}?${csvQuery}" download>Download as CSV</a>
            </p>`
      }`,
  });
}

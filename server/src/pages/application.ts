/** `/app/{app}`: the app's version in every environment, then its history across them. */
import type { Deployment, DeploymentStatus } from '@svt/client';
import type { ForgeHosts } from '../forges.js';
import { changesAnchor, commitCode } from './commit-links.js';
import { rollbackMark } from './marks.js';
import { statusWords, toneClass } from './status.js';
import { html, safeUrl, seg } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { envOptions } from './selectors.js';

export interface ApplicationData extends PageHeader {
  app: string;
  /** Its environments, in display order, each with its current deployment. */
  environments: { env: string; current: Deployment | null }[];
  history: Deployment[];
  /** Query string of the next (older) page, or null on the last. */
  nextQuery: string | null;
  filters: { env: string | null; status: DeploymentStatus | null };
  /** The forges commits link to (config.forges). */
  forges: ForgeHosts;
}

const STATUSES: DeploymentStatus[] = ['success', 'failure', 'started', 'rolled_back'];

export function applicationPage({
  app,
  environments,
  history,
  nextQuery,
  filters,
  forges,
  signedIn,
}: ApplicationData): string {
  const envs = environments.map((e) => e.env);
  const csv: Record<string, string> = { app, format: 'csv' };
  if (filters.env !== null) csv.env = filters.env;
  if (filters.status !== null) csv.status = filters.status;
  const csvQuery = new URLSearchParams(csv).toString();
  const currentRows = environments.map(
    ({ env, current: d }) =>
      html`<tr>
        <th scope="row"><a href="/env/${seg(env)}">${env}</a></th>
        <td>
          ${d === null ? html`<span class="none">none succeeded</span>` : html`<span class="version">${d.version}</span>${rollbackMark(d)}`}
        </td>
        <td>${d === null ? '–' : time(d.deployedAt, 'age')}</td>
      </tr> `,
  );
  const historyRows = history.map((d) => {
    const pipeline = safeUrl(d.pipelineUrl);
    return html`<tr class="${toneClass(d.status)}">
      <td>${time(d.deployedAt)}</td>
      <td><a href="/env/${seg(d.env)}">${d.env}</a></td>
      <td><span class="version">${d.version}</span>${rollbackMark(d)}</td>
      <td>${statusWords(d.status)}</td>
      <td>${commitCode(d, forges)}</td>
      <td>${d.actor ?? '–'}</td>
      <td>
        ${pipeline === null ? '' : html`<a href="${pipeline}" rel="noopener noreferrer">pipeline</a>`}${pipeline !== null && changesAnchor(d, forges) !== '' ? ' · ' : ''}${changesAnchor(d, forges)}
      </td>
    </tr> `;
  });
  return layout({
    title: app,
    nav: 'app',
    signedIn: signedIn,
    body: html`<h1>${app}</h1>
      <h2>Now</h2>
      <div class="scroll">
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Version</th>
              <th scope="col">Deployed</th>
            </tr>
          </thead>
          <tbody>
            ${currentRows}
          </tbody>
        </table>
      </div>
      <h2>History</h2>
      <form class="picker" method="get" action="/app/${seg(app)}" data-autosubmit>
        <label for="env-filter">Environment</label>
        <select id="env-filter" name="env">
          ${envOptions(envs, filters.env, 'all')}
        </select>
        <label for="status-filter">Status</label>
        <select id="status-filter" name="status">
          <option value="" ${filters.status === null ? html` selected` : ''}>all</option>
          ${STATUSES.map(
            (s) =>
              html`<option value="${s}" ${s === filters.status ? html` selected` : ''}>
                ${statusWords(s)}
              </option>`,
          )}
        </select>
        <button type="submit">Filter</button>
      </form>
      ${
        history.length === 0
          ? html`<p class="lead">No deployment matches.</p>`
          : html`<div class="scroll">
              <table id="history">
                <caption class="sr-only">
                  Deployments of ${app}, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Deployed</th>
                    <th scope="col">Environment</th>
                    <th scope="col">Version</th>
                    <th scope="col">Status</th>
                    <th scope="col">Commit</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Links</th>
                  </tr>
                </thead>
                <tbody>
                  ${historyRows}
                </tbody>
              </table>
            </div>`
      }
      ${nextQuery === null ? '' : html`<p class="pager"><a rel="next" href="/app/${seg(app)}?${nextQuery}">Older deployments →</a></p>`}
      <p class="help">
        <a href="/api/v1/deployments?${csvQuery}" download>Download this history as CSV</a>
      </p>`,
  });
}

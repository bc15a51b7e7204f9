/** `/env/{env}/changes?since=&until=`: every deployment event of an environment in a window, newest first. */
import type { Deployment } from '@svt/client';
import type { ForgeHosts } from '../forges.js';
import { changesAnchor, commitCode } from './commit-links.js';
import { rollbackMark } from './marks.js';
import { statusWords, toneClass } from './status.js';
import { html, safeUrl, seg } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { instantValue, textInput } from './selectors.js';
import { counted } from '../words.js';

export interface ChangesPageData extends PageHeader {
  env: string;
  since: string;
  until: string | null;
  items: Deployment[];
  /** Query string of the next (older) page, or null on the last. */
  nextQuery: string | null;
  /** The forges commits link to (config.forges). */
  forges: ForgeHosts;
}

export function changesPage({
  env,
  since,
  until,
  items,
  nextQuery,
  forges,
  signedIn,
}: ChangesPageData): string {
  const rows = items.map((d) => {
    const pipeline = safeUrl(d.pipelineUrl);
    return html`<tr class="${toneClass(d.status)}">
      <td>${time(d.deployedAt)}</td>
      <th scope="row"><a href="/app/${seg(d.app)}">${d.app}</a></th>
      <td><span class="version">${d.version}</span>${rollbackMark(d)}</td>
      <td>${statusWords(d.status)}</td>
      <td>${commitCode(d, forges)}</td>
      <td>${d.actor ?? '–'}</td>
      <td>
        ${pipeline === null ? '' : html`<a href="${pipeline}" rel="noopener noreferrer">pipeline</a>`}${pipeline !== null && changesAnchor(d, forges) !== '' ? ' · ' : ''}${changesAnchor(d, forges)}
      </td>
    </tr>`;
  });
  return layout({
    title: `${env}: what changed`,
    nav: 'env',
    signedIn: signedIn,
    body: html`<h1>What changed in <a href="/env/${seg(env)}">${env}</a></h1>
      <form class="picker" method="get" action="/env/${seg(env)}/changes">
        <label for="since">From</label>
        ${textInput({
          id: 'since',
          name: 'since',
          value: instantValue(since),
          describedBy: 'window-help',
          required: true,
        })}
        <label for="until">until</label>
        ${textInput({
          id: 'until',
          name: 'until',
          value: instantValue(until),
          placeholder: 'now',
          describedBy: 'window-help',
        })}
        <button type="submit">Show</button>
        <span id="window-help" class="help">ISO 8601 instants with a zone, or dates</span>
      </form>
      <p class="count">
        ${nextQuery === null ? counted(items.length, 'deployment event') : `${items.length}+ deployment events`}
        from ${time(since)} to ${until === null ? 'now' : time(until)}, newest first.
      </p>
      ${
        items.length === 0
          ? html`<p class="lead">Nothing changed in that window.</p>`
          : html`<div class="scroll">
              <table id="changes">
                <thead>
                  <tr>
                    <th scope="col">Deployed</th>
                    <th scope="col">Application</th>
                    <th scope="col">Version</th>
                    <th scope="col">Status</th>
                    <th scope="col">Commit</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Links</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>`
      }
      ${
        nextQuery === null
          ? ''
          : html`<p class="pager">
              <a rel="next" href="/env/${seg(env)}/changes?${nextQuery}">Older →</a>
            </p>`
      }`,
  });
}

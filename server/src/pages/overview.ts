/** `/`: every application (rows) in every environment (columns), each cell its version and age. */
import type { Deployment } from '@svt/client';
import { compareNames } from '../names.js';
import { recordHint } from './empty-state.js';
import { filterBox } from './selectors.js';
import { html, seg, type Html } from './html.js';
import { layout, time } from './layout.js';

export interface OverviewData {
  /** Columns, in display order. */
  envs: string[];
  /** Each environment's current deployments. */
  states: Map<string, Deployment[]>;
  origin: string;
}

function cell(
  d: Deployment | undefined,
  before: Deployment | undefined,
  beforeEnv: string | null,
): Html {
  // Marked when it differs from the environment before it: waiting to be promoted.
  const differs = beforeEnv !== null && before !== undefined && before.version !== d?.version;
  const note = differs ? html`<span class="sr-only">, differs from ${beforeEnv}</span>` : '';
  if (d === undefined) {
    return html`<td
      class="${differs ? 'empty differs' : 'empty'}"
      ${differs ? html` title="${beforeEnv} runs ${before?.version ?? ''}"` : ''}
    >
      –${note}
    </td>`;
  }
  return html`<td${differs ? html` class="differs" title="${beforeEnv} runs ${before?.version ?? ''}"` : ''}><span class="version">${d.version}</span> ${time(d.deployedAt, 'age')}${note}</td>`;
}

export function overviewPage({ envs, states, origin }: OverviewData): string {
  if (envs.length === 0) {
    return layout({
      title: 'Overview',
      nav: 'overview',
      body: html`<h1>What runs where</h1>
        <p class="lead">No deployment recorded yet.</p>
        ${recordHint(origin)}`,
    });
  }
  const byEnv = envs.map((env) => new Map((states.get(env) ?? []).map((d) => [d.app, d])));
  const apps = [...new Set(byEnv.flatMap((m) => [...m.keys()]))].sort(compareNames);
  const rows = apps.map(
    (app) =>
      html`<tr data-search="${app}">
        <th scope="row"><a href="/app/${seg(app)}">${app}</a></th>
        ${envs.map((_env, i) =>
          cell(
            byEnv[i]?.get(app),
            i === 0 ? undefined : byEnv[i - 1]?.get(app),
            i === 0 ? null : (envs[i - 1] ?? null),
          ),
        )}
      </tr> `,
  );
  return layout({
    title: 'Overview',
    nav: 'overview',
    body: html`<h1>What runs where</h1>
      ${filterBox('matrix', apps.length)}
      <p class="legend">
        <span class="differs-key">Marked</span>: differs from the environment to its left (waiting
        to be promoted).
      </p>
      <div class="scroll">
        <table id="matrix" class="matrix">
          <caption class="sr-only">
            Current version of each application in each environment
          </caption>
          <thead>
            <tr>
              <th scope="col">Application</th>
              ${envs.map((env) => html`<th scope="col"><a href="/env/${seg(env)}">${env}</a></th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`,
  });
}

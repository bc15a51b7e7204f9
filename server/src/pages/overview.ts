/** `/`: every application (rows) in every environment (columns), each cell its version and age. */
import type { Deployment } from '@svt/client';
import { compareNames } from '../names.js';
import { recordHint } from './empty-state.js';
import { awaitsPromotion, PROMOTION_LEGEND } from './marks.js';
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

/** A cell: the app's deployment `d` in its environment, marked when awaitsPromotion says so. */
function cell(
  d: Deployment | undefined,
  before: Deployment | undefined,
  beforeEnv: string | null,
): Html {
  const marked = beforeEnv !== null && awaitsPromotion(before, d);
  const why = marked ? `${beforeEnv} runs ${before.version}` : '';
  const note = marked ? html`<span class="sr-only">, waiting to be promoted: ${why}</span>` : '';
  if (d === undefined) {
    return html`<td
      class="${marked ? 'empty differs' : 'empty'}"
      ${marked ? html` title="${why}"` : ''}
    >
      –${note}
    </td>`;
  }
  return html`<td${marked ? html` class="differs" title="${why}"` : ''}><span class="version">${d.version}</span> ${time(d.deployedAt, 'age')}${note}</td>`;
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
      <p class="legend">${PROMOTION_LEGEND}</p>
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

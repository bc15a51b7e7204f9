/**
 * The overview's choices as a form and as links: a plain GET form that
 * works without JavaScript (its checkboxes repeat `stage` and `env`, which
 * the route reads as lists), and the canonical address of a view
 * (`/?q=&stage=staging,prod&env=&diff=1&at=`), short enough to share.
 */
import { STAGE_CHOICES } from '../validation/queries.js';
import { html, type Html } from './html.js';
import { groupOf } from './overview-view.js';
import { checkbox, filterInput, instantValue, textInput } from './selectors.js';

/** What the reader chose, as the route validated it; `at` as ISO, or null for now. */
export interface OverviewChoices {
  q: string;
  stages: readonly string[];
  envs: readonly string[];
  diff: boolean;
  at: string | null;
}

/**
 * The overview's address for `choices`: the parameters in a fixed order,
 * empty ones left out, lists comma-separated, `at` as a person writes it
 * (selectors.ts instantValue). `/` when nothing is chosen.
 */
export function overviewHref(choices: OverviewChoices): string {
  const params = new URLSearchParams();
  if (choices.q !== '') params.set('q', choices.q);
  if (choices.stages.length > 0) params.set('stage', choices.stages.join(','));
  if (choices.envs.length > 0) params.set('env', choices.envs.join(','));
  if (choices.diff) params.set('diff', '1');
  if (choices.at !== null) params.set('at', instantValue(choices.at));
  const query = params.toString().replace(/%2C/g, ',');
  return query === '' ? '/' : `/?${query}`;
}

/**
 * The form: the filter box (also app.js's filter as you type over table
 * `tableId`, with `count` rows shown of `total`), differences only, the
 * instant, and in a disclosure the stages and environments to show (none
 * ticked: all of them). `all`: every environment, in display order.
 */
export function overviewForm(
  choices: OverviewChoices,
  all: readonly string[],
  tableId: string,
  count: { shown: number; total: number },
): Html {
  const stages = STAGE_CHOICES.filter((s) => all.some((env) => groupOf(env) === s));
  const chosen = choices.stages.length + choices.envs.length;
  return html`<form class="view" method="get" action="/">
    <div class="tools">
      ${filterInput(tableId, choices.q)}
      ${checkbox('diff', '1', 'diff', choices.diff, 'Differences only')}
      <label for="at">As at</label>
      ${textInput({
        id: 'at',
        name: 'at',
        value: instantValue(choices.at),
        placeholder: 'now, or 2026-11-01T12:00Z',
      })}
      <button type="submit">Show</button>
    </div>
    <details class="choose" ${chosen > 0 ? html` open` : ''}>
      <summary>Stages and environments: ${chosen === 0 ? 'all' : `${chosen} chosen`}</summary>
      <fieldset>
        <legend>Stages</legend>
        ${stages.map((s) => checkbox('stage', s, `stage-${s}`, choices.stages.includes(s), s))}
      </fieldset>
      <fieldset>
        <legend>Environments</legend>
        ${all.map((env, i) =>
          checkbox('env', env, `env-${i}`, choices.envs.includes(env), html`<span>${env}</span>`),
        )}
      </fieldset>
      <p class="help">
        None ticked shows every environment; ticked stages and environments add up. Then Show.
      </p>
    </details>
    <p class="count" aria-live="polite">
      <span data-count="${tableId}">${count.shown}</span> of ${count.total} applications<span
        data-hint="${tableId}"
        hidden
        >; press Enter to search all ${count.total}</span
      >
    </p>
  </form>`;
}

/** Pickers and table tools: plain GET forms that work without JavaScript; app.js submits them on change. */
import { html, type Html } from './html.js';

export function envOptions(envs: readonly string[], selected: string | null, blank?: string): Html {
  return html`${blank === undefined ? '' : html`<option value="" ${selected === null ? html` selected` : ''}>${blank}</option>`}${envs.map(
    (env) =>
      html`<option value="${env}" ${env === selected ? html` selected` : ''}>${env}</option>`,
  )}`;
}

export function envSelector(envs: readonly string[], selected: string): Html {
  return html`<form class="picker" method="get" action="/env" data-autosubmit>
    <label for="env-select">Environment</label>
    <select id="env-select" name="name">
      ${envOptions(envs, selected)}
    </select>
    <button type="submit">Show</button>
  </form>`;
}

/** The filter-as-you-type box over table `tableId` (app.js), with its live count. */
export function filterBox(tableId: string, count: number): Html {
  return html`<div class="tools">
    <label for="filter">Filter applications</label>
    <input
      id="filter"
      type="search"
      autocomplete="off"
      placeholder="e.g. pay svc"
      data-filter="${tableId}"
    />
    <p class="count" aria-live="polite">
      <span data-count="${tableId}">${count}</span> of ${count} applications
    </p>
  </div>`;
}

/** A column header whose button sorts the table (app.js); cells may carry `data-value` to sort by. */
export function sortable(label: string, key: string): Html {
  return html`<th scope="col" aria-sort="none">
    <button type="button" data-sort="${key}">${label}</button>
  </th>`;
}

/** Pickers and table tools: plain GET forms that work without JavaScript; app.js submits them on change. */
import { html, type Html } from './html.js';
import { counted } from '../words.js';

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

/** Widths of text inputs, in characters of the page's font (app.css `.w-N`). */
const WIDTHS = [8, 12, 16, 20, 24, 28, 32, 40] as const;

/**
 * A text input as wide as its placeholder and its value, whichever is
 * longer (up to 40 characters; a longer value scrolls): a class of
 * app.css, since the pages' CSP allows no style attribute. `describedBy`
 * names the element that explains the format.
 */
export function textInput(input: {
  id: string;
  name: string;
  value: string;
  placeholder?: string;
  describedBy?: string;
  required?: boolean;
}): Html {
  const { id, name, value, placeholder = '', describedBy, required = false } = input;
  // One character more than the text, for the caret.
  const chars = Math.max([...value].length, [...placeholder].length) + 1;
  const width = WIDTHS.find((w) => w >= chars) ?? WIDTHS[WIDTHS.length - 1];
  return html`<input
    id="${id}"
    name="${name}"
    class="w-${width}"
    value="${value}"
    ${placeholder === '' ? '' : html` placeholder="${placeholder}"`}
    ${describedBy === undefined ? '' : html` aria-describedby="${describedBy}"`}
    ${required ? html` required` : ''}
  />`;
}

/**
 * An instant (ISO 8601) as a person writes it in a form, and as the
 * server reads it back (validation/instants.ts): a date at midnight UTC
 * (`2026-11-28`), else to the minute (`2026-11-28T09:30Z`), the second, or
 * the millisecond, whichever is the shortest exact form. Empty for null.
 */
export function instantValue(iso: string | null): string {
  if (iso === null) return '';
  const full = new Date(iso).toISOString();
  if (full.endsWith('T00:00:00.000Z')) return full.slice(0, 10);
  if (full.endsWith(':00.000Z')) return `${full.slice(0, 16)}Z`;
  if (full.endsWith('.000Z')) return `${full.slice(0, 19)}Z`;
  return full;
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
      <span data-count="${tableId}">${count}</span> of ${counted(count, 'application')}
    </p>
  </div>`;
}

/** A column header whose button sorts the table (app.js); cells may carry `data-value` to sort by. */
export function sortable(label: string, key: string): Html {
  return html`<th scope="col" aria-sort="none">
    <button type="button" data-sort="${key}">${label}</button>
  </th>`;
}

/**
 * A checkbox inside its label (`name=value` when checked), the look of
 * app.css's `.check`: the overview's and the compare page's choices.
 */
export function checkbox(
  name: string,
  value: string,
  id: string,
  checked: boolean,
  label: Html | string,
): Html {
  return html`<label class="check" for="${id}"
    ><input
      type="checkbox"
      id="${id}"
      name="${name}"
      value="${value}"
      ${checked ? html` checked` : ''}
    />
    ${label}</label
  >`;
}

/**
 * The "Filter applications" box of a table (app.js filters the rows of
 * `data-filter`'s table as the reader types; the server already filtered
 * by `q`, which `data-server-q` tells app.js), sent as `?q=`.
 */
export function filterInput(tableId: string, q: string): Html {
  return html`<label for="filter">Filter applications</label>
    <input
      id="filter"
      name="q"
      type="search"
      autocomplete="off"
      placeholder="e.g. pay svc"
      value="${q}"
      data-filter="${tableId}"
      data-server-q="${q}"
    />`;
}

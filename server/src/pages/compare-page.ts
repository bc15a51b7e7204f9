/** `/compare?from=&to=`: two environments side by side, differing apps first. */
import type { CompareItem, Comparison, Deployment } from '@svt/client';
import type { ForgeHosts } from '../forges.js';
import { compareNames } from '../names.js';
import { waitingAnchor } from './commit-links.js';
import { attemptNote } from './marks.js';
import { html, seg, type Html } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { fuzzyMatcher } from './fuzzy.js';
import { checkbox, envOptions, filterInput, instantValue, textInput } from './selectors.js';
import { counted } from '../words.js';

/**
 * A row's state: the comparison's, or `none` for an app attempted on
 * either side that succeeded on neither (a first deployment in progress,
 * or failed), which the comparison of what runs leaves out.
 */
type RowState = CompareItem['state'] | 'none';

/** A row of the page: an item of the comparison, with each side's open attempt. */
interface Row {
  app: string;
  state: RowState;
  from: Deployment | null;
  to: Deployment | null;
  attempts: { from: Deployment | undefined; to: Deployment | undefined };
}

/** A state in words, with the environments' names. */
function stateWords(state: RowState, from: string, to: string): string {
  switch (state) {
    case 'none':
      return 'none succeeded';
    case 'ahead':
      return `newer in ${from}`;
    case 'behind':
      return `newer in ${to}`;
    case 'only_in_from':
      return `only in ${from}`;
    case 'only_in_to':
      return `only in ${to}`;
    case 'same':
      return 'same';
  }
}

export interface ComparePageData extends PageHeader {
  envs: string[];
  /** Null until both sides are chosen (or when fewer than two environments exist). */
  comparison: Comparison | null;
  from: string | null;
  to: string | null;
  /** The forges commits link to (config.forges). */
  forges: ForgeHosts;
  /** Only the applications whose name matches `q` (fuzzy.ts), and with `diff` only those that differ. */
  choices: { q: string; diff: boolean };
  /**
   * Each side's open attempts (Store.attempts, at the comparison's instant):
   * shown beside a side's version as the environment page shows them, and
   * an app that succeeded on neither side gets a row that says so.
   */
  attempts?: { from: readonly Deployment[]; to: readonly Deployment[] };
}

/** The comparison's items and the apps only attempted, by name (names.ts), each with its sides' attempts. */
function pageRows(
  items: readonly CompareItem[],
  attempts: { from: readonly Deployment[]; to: readonly Deployment[] },
): Row[] {
  const from = new Map(attempts.from.map((d) => [d.app, d]));
  const to = new Map(attempts.to.map((d) => [d.app, d]));
  const listed = new Set(items.map((i) => i.app));
  const tried = [...new Set([...from.keys(), ...to.keys()])].filter((app) => !listed.has(app));
  const rows: Row[] = [
    ...items.map((i) => ({ ...i, attempts: { from: from.get(i.app), to: to.get(i.app) } })),
    ...tried.map((app) => ({
      app,
      state: 'none' as const,
      from: null,
      to: null,
      attempts: { from: from.get(app), to: to.get(app) },
    })),
  ];
  return rows.sort((a, b) => compareNames(a.app, b.app));
}

/** One side's cell: its version and age, or a dash; then its open attempt, if any. */
function sideCell(d: Deployment | null, attempt: Deployment | undefined): Html {
  return html`${d === null ? '–' : html`<span class="version">${d.version}</span> ${time(d.deployedAt, 'age')}`}${attempt === undefined ? '' : attemptNote(attempt)}`;
}

/** The commits one side runs and the other not yet, as a link, for a row that differs. */
function commitsCell(i: Row, from: string, to: string, forges: ForgeHosts) {
  if (i.state === 'ahead') return waitingAnchor(i.from, i.to, forges, `waiting in ${from}`);
  if (i.state === 'behind') return waitingAnchor(i.to, i.from, forges, `only in ${to}`);
  return '';
}

/** Whether a row differs: both sides run the app, in other versions, or one side only. */
const differs = (state: RowState) => state !== 'same' && state !== 'none';

export function comparePage({
  envs,
  comparison,
  from,
  to,
  forges,
  choices,
  attempts = { from: [], to: [] },
  signedIn,
}: ComparePageData): string {
  const form = html`<form class="picker" method="get" action="/compare" data-autosubmit>
    <label for="from">From</label
    ><select id="from" name="from">
      ${envOptions(envs, from)}
    </select>
    <label for="to">to</label
    ><select id="to" name="to">
      ${envOptions(envs, to)}
    </select>
    <label for="at">as at</label>
    ${textInput({
      id: 'at',
      name: 'at',
      value: instantValue(comparison?.at ?? null),
      placeholder: 'now, or 2026-11-01T12:00Z',
    })}
    <span class="field">${filterInput('compare', choices.q)}</span>
    ${checkbox('diff', '1', 'diff', choices.diff, 'Differences only')}
    <button type="submit">Compare</button>
  </form>`;
  if (comparison === null) {
    return layout({
      title: 'Compare',
      nav: 'compare',
      signedIn: signedIn,
      body: html`<h1>Compare environments</h1>
        ${form}
        <p class="lead">
          ${envs.length < 2 ? 'Comparing needs two environments; record deployments in a second one.' : 'Choose two environments.'}
        </p>`,
    });
  }
  const matches = fuzzyMatcher(choices.q);
  const all = pageRows(comparison.items, attempts);
  const items = all
    .filter((i) => matches(i.app) && (!choices.diff || differs(i.state)))
    .sort((a, b) => Number(!differs(a.state)) - Number(!differs(b.state)));
  const differing = all.filter((i) => differs(i.state)).length;
  const now = new URLSearchParams({ from: comparison.from, to: comparison.to });
  if (choices.q !== '') now.set('q', choices.q);
  if (choices.diff) now.set('diff', '1');
  return layout({
    title: `${comparison.from} → ${comparison.to}`,
    nav: 'compare',
    signedIn: signedIn,
    body: html`<h1>${comparison.from} → ${comparison.to}</h1>
      ${form}
      ${
        comparison.at === null
          ? ''
          : html`<p class="banner" role="status">
              As they were at ${time(comparison.at)}.
              <a href="/compare?${now.toString()}">Back to now</a>
            </p>`
      }
      <p class="count" aria-live="polite">
        ${differing} of ${counted(all.length, 'application')}
        ${differing === 1 ? 'differs' : 'differ'}. Shown:
        <span data-count="compare">${items.length}</span
        >${choices.q === '' ? '' : html`, matching “${choices.q}”`}${choices.diff ? ', differences only' : ''}<span
          data-hint="compare"
          hidden
          >; press Enter to search all</span
        >.
      </p>
      <div class="scroll">
        <table id="compare">
          <caption class="sr-only">
            Applications of ${comparison.from} and ${comparison.to}, differing first
          </caption>
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col"><a href="/env/${seg(comparison.from)}">${comparison.from}</a></th>
              <th scope="col"><a href="/env/${seg(comparison.to)}">${comparison.to}</a></th>
              <th scope="col">State</th>
              <th scope="col">Commits</th>
            </tr>
          </thead>
          <tbody>
            ${items.map(
              (i) =>
                html`<tr class="state-${i.state}">
                  <th scope="row"><a href="/app/${seg(i.app)}">${i.app}</a></th>
                  <td>${sideCell(i.from, i.attempts.from)}</td>
                  <td>${sideCell(i.to, i.attempts.to)}</td>
                  <td>${stateWords(i.state, comparison.from, comparison.to)}</td>
                  <td>${commitsCell(i, comparison.from, comparison.to, forges)}</td>
                </tr> `,
            )}
          </tbody>
        </table>
      </div>`,
  });
}

/**
 * `/`: every application (rows) in every environment (columns, grouped by
 * promotion stage), each cell its version, marked when waiting to be
 * promoted; or the environments, names and differences chosen in the URL,
 * now or at a past instant.
 *
 * Built to stay light at 1,000 applications in 20 environments (BENCHMARKS.md,
 * "The overview at scale"): a cell is its version as text in a `<td>`, with
 * the instant of its deployment in the title (ISO 8601 to the minute, which
 * app.js reads to write each visible row's ages in the reader's words); a
 * row's marks are said to screen readers once, in its header cell. An
 * element more per cell made Chromium's load about half slower again.
 */
import type { Deployment } from '@svt/client';
import { recordHint, type WriteHint } from './empty-state.js';
import { Html, escapeHtml, html, seg } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { PROMOTION_LEGEND, attemptWords } from './marks.js';
import { toneClass } from './status.js';
import { instantValue } from './selectors.js';
import { type OverviewChoices, overviewForm, overviewHref } from './overview-form.js';
import {
  type MatrixCell,
  type MatrixRow,
  type StageGroup,
  matrixRows,
  stageGroups,
} from './overview-view.js';

export interface OverviewData extends PageHeader {
  /** Every environment, in display order. */
  all: string[];
  /** The environments shown, in display order. */
  envs: string[];
  /** Names `?env=` lists that no deployment was ever recorded in. */
  unknown: string[];
  /** Each shown environment's current deployments (at `choices.at`, when given). */
  states: Map<string, Deployment[]>;
  /**
   * Each shown environment's open attempts (Store.attempts, at `choices.at`):
   * an app attempted there that never succeeded gets a cell that says so.
   */
  attempts: Map<string, Deployment[]>;
  choices: OverviewChoices;
  /** How to record a first deployment: given when nothing was ever recorded (`all` empty). */
  hint: WriteHint | null;
}

/**
 * Rows laid out with the page; the others (class `later`) are not displayed
 * until app.js shows them, right after the first frame, a few hundred at a
 * time, or as they are scrolled to: at 1,000 x 20 the whole table was most
 * of Chromium's load (about 0.7 s of its main thread's CPU here). Without
 * JavaScript, noscript.css displays them all at once.
 */
export const FIRST_ROWS = 60;

// Cells are written as plain strings, their values escaped by escapeHtml:
// 20,000 of them through the html`` tag cost the server as much again.
function cell({ deployment: d, attempt, waiting }: MatrixCell): string {
  const differs = waiting === null ? '' : ' differs';
  if (d === undefined && attempt !== undefined) {
    // Nothing succeeded here: the attempt in short, in its status's tone,
    // dated like a version (app.js writes its age).
    const classes = `attempt ${toneClass(attempt.status)}${differs}`;
    return `<td class="${classes}" title="${minute(attempt.deployedAt)}">${attemptWords(attempt)}</td>`;
  }
  if (d === undefined) return `<td class="empty${differs}">–</td>`;
  return `<td${waiting === null ? '' : ' class="differs"'} title="${minute(d.deployedAt)}">${escapeHtml(d.version)}</td>`;
}

// deployedAt is an ISO instant (toISOString): to the minute, as people read it.
const minute = (iso: string) => `${iso.slice(0, 16)}Z`;

/**
 * A row: its header cell, with what waits to be promoted in words for
 * screen readers (once per row, where a note in each marked cell made
 * Chromium's load of the page a third slower), then its cells.
 */
function row(envs: readonly string[], { app, cells }: MatrixRow, later: boolean): string {
  const waiting = cells.flatMap(({ waiting: w }, i) =>
    w === null ? [] : [`${envs[i] ?? ''} (${w.env} runs ${w.version})`],
  );
  const attempted = cells.flatMap(({ attempt: a }, i) =>
    a === undefined ? [] : [`${envs[i] ?? ''} (${a.version} ${attemptWords(a)})`],
  );
  const note = [
    waiting.length === 0 ? '' : `; waiting to be promoted: ${waiting.join(', ')}`,
    attempted.length === 0 ? '' : `; nothing running in ${attempted.join(', ')}`,
  ].join('');
  const said = note === '' ? '' : `<span class="sr-only">${escapeHtml(note)}</span>`;
  const name = escapeHtml(app);
  return `<tr data-search="${name}"${later ? ' class="later"' : ''}><th scope="row"><a href="/app/${escapeHtml(seg(app))}">${name}</a>${said}</th>${cells.map(cell).join('')}</tr>\n`;
}

/**
 * The column groups and the header rows: a row of stages (scope colgroup,
 * each over its <colgroup>) above the environments when a stage has
 * several. Plain strings, as the cells, so that header texts hold no
 * formatting whitespace.
 */
function head(groups: StageGroup[], envs: readonly string[], at: string | null): string {
  const grouped = groups.some((g) => g.envs.length > 1);
  const query = at === null ? '' : `?at=${encodeURIComponent(instantValue(at))}`;
  const app = `<th scope="col" class="app"${grouped ? ' rowspan="2"' : ''}>Application</th>`;
  const colgroups = groups.map(
    (g, i) =>
      `<colgroup class="stage${i % 2 === 1 ? ' band' : ''}">${'<col />'.repeat(g.envs.length)}</colgroup>`,
  );
  const stages = groups.map(
    (g) =>
      `<th scope="colgroup"${g.envs.length > 1 ? ` colspan="${g.envs.length}"` : ''}>${g.stage}</th>`,
  );
  const names = envs.map(
    (env) =>
      `<th scope="col"><a href="/env/${escapeHtml(seg(env))}${query}">${escapeHtml(env)}</a></th>`,
  );
  return [
    `<colgroup><col class="app" /></colgroup>${colgroups.join('')}`,
    '<thead>',
    grouped ? `<tr class="stages">${app}${stages.join('')}</tr>` : '',
    `<tr class="envs">${grouped ? '' : app}${names.join('')}</tr>`,
    '</thead>',
  ].join('\n');
}

export function overviewPage(data: OverviewData): string {
  const { all, envs, unknown, states, attempts, choices, hint } = data;
  if (all.length === 0) {
    return layout({
      title: 'Overview',
      nav: 'overview',
      signedIn: data.signedIn,
      body: html`<h1>What runs where</h1>
        <p class="lead">No deployment recorded yet.</p>
        ${hint === null ? '' : recordHint(hint)}`,
    });
  }
  const { rows, total } = matrixRows(envs, states, choices, attempts);
  const tableId = 'matrix';
  const { at } = choices;
  const banner =
    at === null
      ? ''
      : html`<p class="banner" role="status">
          As it was at ${time(at)}.
          <a href="${overviewHref({ ...choices, at: null })}">Back to now</a>
        </p>`;
  const notes = html`${unknown.length === 0 ? '' : html`<p class="lead">No deployment was ever recorded in ${unknown.join(', ')}.</p>`}`;
  const caption = `${at === null ? 'Current version' : 'Version'} of each application in each environment${at === null ? '' : `, as at ${instantValue(at)}`}${choices.diff ? ', differences only' : ''}`;
  const body =
    envs.length === 0
      ? html`<p class="lead">
          No environment matches these choices. <a href="/">Show every environment</a>
        </p>`
      : rows.length === 0
        ? html`<p class="lead">
            No application
            ${choices.q === '' ? '' : html`matching “${choices.q}” `}${choices.diff ? 'differs' : 'runs there'}${at === null ? '' : ' then'}.
            <a href="${overviewHref({ ...choices, q: '', diff: false })}">Show them all</a>
          </p>`
        : html`<div
            class="matrix-scroll"
            tabindex="0"
            role="region"
            aria-labelledby="${tableId}-caption"
          >
            <table id="${tableId}" class="matrix" data-ages>
              <caption id="${tableId}-caption" class="sr-only">
                ${caption}
              </caption>
              ${new Html(head(stageGroups(envs), envs, at))}
              <tbody>
                ${new Html(rows.map((r, i) => row(envs, r, i >= FIRST_ROWS)).join(''))}
              </tbody>
            </table>
          </div>`;
  return layout({
    title: at === null ? 'Overview' : `Overview at ${at}`,
    nav: 'overview',
    signedIn: data.signedIn,
    fill: true,
    styles: ['overview.css'],
    body: html`<h1>What runs where</h1>
      ${overviewForm(choices, all, tableId, { shown: rows.length, total })} ${banner} ${notes}
      <p class="legend">
        ${PROMOTION_LEGEND} Differences only: the applications with a marked cell. Point at a
        version for when it was deployed. Where none ever succeeded, a cell says what was tried: in
        progress, failed or rolled back.
      </p>
      ${body}`,
  });
}

/**
 * `/dora?env=&app=&window=&until=`: the four DORA figures, charts of
 * deployments and of median lead time per day, and each app's figures. The
 * charts (dora.js, uPlot) are drawn from the day table, which is what a
 * reader without JavaScript gets instead.
 */
import type { DoraDurations, DoraReport, DoraRestore } from '@svt/client';
import { html, type Html } from './html.js';
import { layout, time, type PageHeader } from './layout.js';
import { envOptions, instantValue, sortable, textInput } from './selectors.js';
import { compareNames } from '../names.js';
import { counted } from '../words.js';

const WINDOWS = ['7d', '30d', '90d', '365d'] as const;

export interface DoraPageData extends PageHeader {
  envs: string[];
  report: DoraReport;
  /** Whether `until` was asked for (else the window ends now). */
  pastWindow: boolean;
}

/** Seconds as a short duration: 45 s, 30 min, 3 h 5 min, 2 d 4 h. */
function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

const percent = (rate: number | null): string =>
  rate === null ? '–' : `${(rate * 100).toFixed(1).replace(/\.0$/, '')}%`;

function figure(label: string, value: string, detail: Html | string): Html {
  return html`<div class="figure">
    <dt>${label}</dt>
    <dd><strong>${value}</strong> <span class="detail">${detail}</span></dd>
  </div>`;
}

function restoreDetail(r: DoraRestore): string {
  const open = r.unrestored === 0 ? '' : `, ${r.unrestored} not restored yet`;
  return r.count === 0
    ? `no incident ended${open}`
    : `median of ${r.count} incident${r.count === 1 ? '' : 's'}, p90 ${duration(r.p90Seconds)}${open}`;
}

function leadDetail(l: DoraDurations): string {
  return l.count === 0
    ? 'no success carried committedAt'
    : `median of ${l.count} deployment${l.count === 1 ? '' : 's'} with committedAt, p90 ${duration(l.p90Seconds)}`;
}

export function doraPage({ envs, report: r, pastWindow, signedIn }: DoraPageData): string {
  const scope = [r.env ?? 'every environment', r.app ?? 'every application'].join(' · ');
  const form = html`<form class="picker" method="get" action="/dora" data-autosubmit>
    <label for="env">Environment</label
    ><select id="env" name="env">
      ${envOptions(envs, r.env, 'all')}
    </select>
    <label for="app">application</label>
    ${textInput({ id: 'app', name: 'app', value: r.app ?? '', placeholder: 'all' })}
    <label for="window">over</label
    ><select id="window" name="window">
      ${WINDOWS.map(
        (w) => html`<option value="${w}" ${w === r.window ? html` selected` : ''}>${w}</option>`,
      )}${WINDOWS.some((w) => w === r.window) ? '' : html`<option selected>${r.window}</option>`}
    </select>
    <label for="until">until</label>
    ${textInput({
      id: 'until',
      name: 'until',
      value: pastWindow ? instantValue(r.until) : '',
      placeholder: 'now',
    })}
    <button type="submit">Show</button>
  </form>`;
  const total = r.deployments;
  return layout({
    title: 'DORA',
    nav: 'dora',
    signedIn: signedIn,
    styles: ['uplot.css'],
    scripts: ['uplot.js', 'dora.js'],
    body: html`<h1>Delivery performance</h1>
      <p class="lead">
        ${scope}, ${r.window} from ${time(r.since)} to ${pastWindow ? time(r.until) : 'now'}.
      </p>
      ${form}
      <dl class="figures">
        ${figure(
          'Deployment frequency',
          `${r.deploymentFrequency.perDay} / day`,
          `${r.deploymentFrequency.perWeek} a week; ${counted(total.success, 'success', 'successes')} on ${counted(r.deploymentFrequency.activeDays, 'day')}`,
        )}
        ${figure(
          'Change failure rate',
          percent(r.changeFailureRate),
          `${r.failedChanges} failed of ${counted(r.changes, 'change')}; ${counted(total.rollbacks, 'rollback')}`,
        )}
        ${figure(
          'Time to restore',
          duration(r.timeToRestore.medianSeconds),
          restoreDetail(r.timeToRestore),
        )}
        ${figure('Lead time for changes', duration(r.leadTime.medianSeconds), leadDetail(r.leadTime))}
      </dl>
      <h2>Deployments per day</h2>
      ${
        r.daily.some((d) => d.success > 0 || d.failed > 0)
          ? html`<div id="daily-chart" class="chart" aria-hidden="true"></div>`
          : html`<p class="chart-empty">No deployment in this window: nothing to chart.</p>`
      }
      <h2>Lead time for changes per day (median)</h2>
      ${
        r.daily.some((d) => d.leadTimeMedianSeconds !== null)
          ? html`<div
              id="lead-chart"
              class="chart"
              aria-hidden="true"
              data-median-seconds="${r.leadTime.medianSeconds ?? ''}"
            ></div>`
          : html`<p class="chart-empty">
              No lead time to chart:
              ${total.success === 0 ? 'no success in this window' : html`no success in this window carried <code>committedAt</code>`}.
            </p>`
      }
      <details>
        <summary>The figures per day</summary>
        <div class="scroll">
          <table id="daily">
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Successes</th>
                <th scope="col">Failed changes</th>
                <th scope="col">Median lead time</th>
              </tr>
            </thead>
            <tbody>
              ${r.daily.map(
                (d) =>
                  html`<tr>
                    <th scope="row">${d.date}</th>
                    <td>${d.success}</td>
                    <td>${d.failed}</td>
                    <td data-seconds="${d.leadTimeMedianSeconds ?? ''}">
                      ${duration(d.leadTimeMedianSeconds)}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>
      ${appTable(r, pastWindow)}
      <p class="help">
        A change is a success that is not a rollback, or a <code>failure</code>. A failed change is
        a <code>failure</code>, or a success later undone by a rollback or marked
        <code>rolled_back</code>, counted once. A rollback is a success of an older version, or of
        one that ran there before. Time to restore runs from the first failed change of a run to the
        next success that did not fail; lead time is <code>deployedAt − committedAt</code>,
        rollbacks left out. As JSON:
        <a href="/api/v1/dora?${query(r, pastWindow)}">/api/v1/dora</a>.
      </p>`,
  });
}

function appTable(r: DoraReport, pastWindow: boolean): Html {
  if (r.apps.length === 0) return html`<p class="lead">No deployment in this window.</p>`;
  if (r.app !== null) return html``;
  return html`<h2>By application</h2>
    <div class="scroll">
      <table id="dora-apps" class="sortable">
        <caption class="sr-only">
          DORA figures of each application; the column buttons sort
        </caption>
        <thead>
          <tr>
            ${sortable('Application', 'app')}${sortable('Changes', 'number')}${sortable('Failed', 'number')}${sortable('Rollbacks', 'number')}${sortable('Failure rate', 'number')}${sortable('Time to restore', 'number')}${sortable('Lead time', 'number')}
          </tr>
        </thead>
        <tbody>
          ${[...r.apps]
            .sort((a, b) => compareNames(a.app, b.app))
            .map(
              (a) =>
                html`<tr>
                  <th scope="row" data-value="${a.app}">
                    <a href="/dora?${query({ ...r, app: a.app }, pastWindow)}">${a.app}</a>
                  </th>
                  <td>${a.changes}</td>
                  <td>${a.failed}</td>
                  <td>${a.rollbacks}</td>
                  <td data-value="${a.changeFailureRate ?? ''}">${percent(a.changeFailureRate)}</td>
                  <td data-value="${a.timeToRestore.medianSeconds ?? ''}">
                    ${duration(a.timeToRestore.medianSeconds)}${a.timeToRestore.unrestored === 0 ? '' : html` <span class="note tone-warn">(${a.timeToRestore.unrestored} open)</span>`}
                  </td>
                  <td data-value="${a.leadTime.medianSeconds ?? ''}">
                    ${duration(a.leadTime.medianSeconds)}
                  </td>
                </tr>`,
            )}
        </tbody>
      </table>
    </div>`;
}

/** The query string of a report's scope, for links to its JSON and to one app. */
function query(
  r: Pick<DoraReport, 'env' | 'app' | 'window' | 'until'>,
  pastWindow: boolean,
): string {
  const params = new URLSearchParams();
  if (r.env !== null) params.set('env', r.env);
  if (r.app !== null) params.set('app', r.app);
  params.set('window', r.window);
  if (pastWindow) params.set('until', r.until);
  return params.toString();
}

/**
 * Plain-text tables for people; `--json` bypasses all of this. Names are
 * sorted as people read them (compareNames); history stays newest first.
 */
import { compareNames } from '../names.js';
import type {
  CompareItem,
  Comparison,
  Deployment,
  DoraDurations,
  DoraReport,
  DoraRestore,
  EnvironmentState,
} from '../types.js';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `2026-11-28T10:15:00.000Z` as `2026-11-28 10:15:00Z`: sortable, short, unambiguous. */
export function instant(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

const dash = (value: string | null) => value ?? '-';

/** A version as the tables show it: a rollback is marked, as on the pages. */
export function versionCell(d: Deployment): string {
  return d.rollback ? `${d.version} (rollback)` : d.version;
}

/**
 * The note beside an app whose latest attempt is not what runs, worded as
 * the environment page does: a `started` one is in progress, not a failure;
 * `failure` and `rolled_back` are warnings (`!`).
 */
export function attemptNote(attempt: Deployment): string {
  const since = instant(attempt.deployedAt);
  if (attempt.status === 'started') return `deploying ${attempt.version} since ${since}`;
  const what = attempt.status === 'rolled_back' ? 'rolled back' : 'failed';
  return `! ${attempt.version} ${what} ${since}`;
}

/**
 * What runs in an environment, one row per app by name: its current
 * deployment and the note of its open attempt; an app with attempts only
 * (nothing succeeded yet) shows `-` and its note.
 */
export function currentTable(state: Pick<EnvironmentState, 'deployments' | 'attempts'>): string {
  const current = new Map(state.deployments.map((d) => [d.app, d]));
  const attempts = new Map(state.attempts.map((d) => [d.app, d]));
  const apps = [...new Set([...current.keys(), ...attempts.keys()])].sort(compareNames);
  return table(
    ['APP', 'VERSION', 'DEPLOYED', 'COMMIT', 'ACTOR', 'NOTE'],
    apps.map((app) => {
      const d = current.get(app);
      const attempt = attempts.get(app);
      return [
        app,
        d === undefined ? '-' : versionCell(d),
        d === undefined ? '-' : instant(d.deployedAt),
        dash(d?.commit?.slice(0, 12) ?? null),
        dash(d?.actor ?? null),
        attempt === undefined ? '' : attemptNote(attempt),
      ];
    }),
  );
}

/** Deployments in the order given (the server's: newest first). */
export function historyTable(deployments: readonly Deployment[]): string {
  return table(
    ['DEPLOYED', 'ENV', 'APP', 'VERSION', 'STATUS', 'ACTOR'],
    deployments.map((d) => [
      instant(d.deployedAt),
      d.env,
      d.app,
      versionCell(d),
      d.status,
      dash(d.actor),
    ]),
  );
}

/** `1 incident`, `2 incidents`, `0 changes`: a count with its noun, singular for exactly one. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A state in words, with the environments' names, as the compare page writes it. */
export function stateWords(state: CompareItem['state'], from: string, to: string): string {
  switch (state) {
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

/**
 * Differing apps first, then the same ones, each group by app name. The
 * environments head their columns by their names as recorded (`VMs-dev`
 * stays `VMs-dev`): names are case-sensitive.
 */
export function compareTable(c: Comparison): string {
  const items = [...c.items].sort(
    (a, b) => Number(a.state === 'same') - Number(b.state === 'same') || compareNames(a.app, b.app),
  );
  return table(
    ['APP', c.from, c.to, 'STATE'],
    items.map((i) => [
      i.app,
      i.from?.version ?? '-',
      i.to?.version ?? '-',
      stateWords(i.state, c.from, c.to),
    ]),
  );
}

/**
 * Seconds as a short duration, as the DORA page writes them: 45 s, 30 min,
 * 3 h 5 min, 2 d 4 h; `-` for none.
 */
export function seconds(value: number | null): string {
  if (value === null) return '-';
  if (value < 60) return `${Math.round(value)} s`;
  const minutes = Math.round(value / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

const rate = (value: number | null) => (value === null ? '-' : `${+(value * 100).toFixed(1)}%`);

/** Time to restore beside its median, worded as the DORA page does. */
function restoreDetail(r: DoraRestore): string {
  const open = r.unrestored === 0 ? '' : `, ${r.unrestored} not restored yet`;
  return r.count === 0
    ? `no incident ended${open}`
    : `median of ${count(r.count, 'incident')}, p90 ${seconds(r.p90Seconds)}${open}`;
}

/** Lead time beside its median, worded as the DORA page does. */
function leadDetail(l: DoraDurations): string {
  return l.count === 0
    ? 'no success carried committedAt'
    : `median of ${count(l.count, 'deployment')} with committedAt, p90 ${seconds(l.p90Seconds)}`;
}

/** The four figures, then each app's (when the report covers several). */
export function doraText(r: DoraReport): string {
  const d = r.deployments;
  const f = r.deploymentFrequency;
  const lines = [
    `${r.env ?? 'every environment'}, ${r.app ?? 'every application'}, ${r.window} from ${instant(r.since)} to ${instant(r.until)}`,
    '',
    table(
      ['FIGURE', 'VALUE', 'DETAIL'],
      [
        [
          'deployment frequency',
          `${f.perDay} a day`,
          `${f.perWeek} a week, ${count(d.success, 'success', 'successes')} on ${count(f.activeDays, 'day')}`,
        ],
        [
          'change failure rate',
          rate(r.changeFailureRate),
          `${r.failedChanges} failed of ${count(r.changes, 'change')}, ${count(d.rollbacks, 'rollback')}`,
        ],
        ['time to restore', seconds(r.timeToRestore.medianSeconds), restoreDetail(r.timeToRestore)],
        ['lead time for changes', seconds(r.leadTime.medianSeconds), leadDetail(r.leadTime)],
      ],
    ),
  ];
  if (r.app === null && r.apps.length > 0) {
    lines.push(
      '',
      table(
        ['APP', 'CHANGES', 'FAILED', 'ROLLBACKS', 'FAILURE RATE', 'RESTORE', 'LEAD TIME'],
        [...r.apps]
          .sort((a, b) => compareNames(a.app, b.app))
          .map((a) => [
            a.app,
            String(a.changes),
            String(a.failed),
            String(a.rollbacks),
            rate(a.changeFailureRate),
            // Open incidents as the DORA page notes them.
            `${seconds(a.timeToRestore.medianSeconds)}${a.timeToRestore.unrestored === 0 ? '' : ` (${a.timeToRestore.unrestored} open)`}`,
            seconds(a.leadTime.medianSeconds),
          ]),
      ),
    );
  }
  return lines.join('\n');
}

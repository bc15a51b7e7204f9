/**
 * Plain-text tables for people; `--json` bypasses all of this. Names are
 * sorted as people read them (compareNames); history stays newest first.
 */
import { compareNames } from '../names.js';
import type { Comparison, Deployment, DoraReport, EnvironmentState } from '../types.js';

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

const STATE_WORDS = {
  ahead: 'ahead (newer in from)',
  behind: 'behind (older in from)',
  only_in_from: 'only in from',
  only_in_to: 'only in to',
  same: 'same',
} as const;

/** Differing apps first, then the same ones, each group by app name. */
export function compareTable(c: Comparison): string {
  const items = [...c.items].sort(
    (a, b) => Number(a.state === 'same') - Number(b.state === 'same') || compareNames(a.app, b.app),
  );
  return table(
    ['APP', c.from.toUpperCase(), c.to.toUpperCase(), 'STATE'],
    items.map((i) => [i.app, i.from?.version ?? '-', i.to?.version ?? '-', STATE_WORDS[i.state]]),
  );
}

/** Seconds for people: 45 s, 30 min, 5.5 h, 2.1 d. */
export function seconds(value: number | null): string {
  if (value === null) return '-';
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 120 * 60) return `${Math.round(value / 60)} min`;
  if (value < 48 * 3600) return `${+(value / 3600).toFixed(1)} h`;
  return `${+(value / 86400).toFixed(1)} d`;
}

const rate = (value: number | null) => (value === null ? '-' : `${+(value * 100).toFixed(1)}%`);

/** The four figures, then each app's (when the report covers several). */
export function doraText(r: DoraReport): string {
  const d = r.deployments;
  const restore = r.timeToRestore;
  const lines = [
    `${r.env ?? 'every environment'}, ${r.app ?? 'every application'}, ${r.window} from ${instant(r.since)} to ${instant(r.until)}`,
    '',
    table(
      ['FIGURE', 'VALUE', 'DETAIL'],
      [
        [
          'deployment frequency',
          `${r.deploymentFrequency.perDay} a day`,
          `${r.deploymentFrequency.perWeek} a week, ${d.success} successes on ${r.deploymentFrequency.activeDays} days`,
        ],
        [
          'change failure rate',
          rate(r.changeFailureRate),
          `${r.failedChanges} failed of ${r.changes} changes, ${d.rollbacks} rollbacks`,
        ],
        [
          'time to restore',
          seconds(restore.medianSeconds),
          `median of ${restore.count} incidents, p90 ${seconds(restore.p90Seconds)}, ${restore.unrestored} not restored`,
        ],
        [
          'lead time for changes',
          seconds(r.leadTime.medianSeconds),
          `median of ${r.leadTime.count} with committedAt, p90 ${seconds(r.leadTime.p90Seconds)}`,
        ],
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
            seconds(a.timeToRestore.medianSeconds),
            seconds(a.leadTime.medianSeconds),
          ]),
      ),
    );
  }
  return lines.join('\n');
}

/** Plain-text tables for people; `--json` bypasses all of this. */
import type { Comparison, Deployment } from '../types.js';

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

export function currentTable(deployments: readonly Deployment[]): string {
  return table(
    ['APP', 'VERSION', 'DEPLOYED', 'COMMIT', 'ACTOR'],
    deployments.map((d) => [
      d.app,
      d.version,
      instant(d.deployedAt),
      dash(d.commit?.slice(0, 12) ?? null),
      dash(d.actor),
    ]),
  );
}

export function historyTable(deployments: readonly Deployment[]): string {
  return table(
    ['DEPLOYED', 'ENV', 'APP', 'VERSION', 'STATUS', 'ACTOR'],
    deployments.map((d) => [
      instant(d.deployedAt),
      d.env,
      d.app,
      d.version,
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
    (a, b) => Number(a.state === 'same') - Number(b.state === 'same'),
  );
  return table(
    ['APP', c.from.toUpperCase(), c.to.toUpperCase(), 'STATE'],
    items.map((i) => [i.app, i.from?.version ?? '-', i.to?.version ?? '-', STATE_WORDS[i.state]]),
  );
}

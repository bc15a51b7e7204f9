/**
 * Deployments as CSV for spreadsheets, with formula injection neutralised:
 * a cell that a spreadsheet would read as a formula (starting with =, +, -
 * or @, after any spaces, which some spreadsheets skip; or with a tab, a
 * carriage return, a line feed or NUL) gets a leading apostrophe. Every
 * cell is quoted, quotes doubled; lines end with CRLF (RFC 4180).
 */
import type { Deployment } from '@svt/client';
import type { HistoryPosition, HistoryQuery, HistoryResult } from './store/types.js';

const FORMULA = /^(?:[\t\r\n\0]|[\s\0]*[=+\-@])/;

/** One quoted cell, with an apostrophe before anything a spreadsheet would run. */
export function csvCell(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  const safe = FORMULA.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

const COLUMNS = [
  'env',
  'app',
  'version',
  'status',
  'rollback',
  'deployedAt',
  'recordedAt',
  'commit',
  'ref',
  'url',
  'pipelineUrl',
  'actor',
  'source',
  'recordedBy',
  'id',
] as const;

// `repository` came last (1.2), after `attributes`: the columns before it
// keep the places they had, for scripts that read by position.
export const CSV_HEADER = `${[...COLUMNS, 'attributes', 'repository'].map(csvCell).join(',')}\r\n`;

export function csvRow(d: Deployment): string {
  const cells = COLUMNS.map((c) => csvCell(d[c]));
  cells.push(csvCell(Object.keys(d.attributes).length === 0 ? '' : JSON.stringify(d.attributes)));
  cells.push(csvCell(d.repository));
  return `${cells.join(',')}\r\n`;
}

/** One page of CSV rows (no header), and where the next page starts. */
export interface CsvPage {
  text: string;
  next: HistoryPosition | null;
}

/** A store's history page as CSV rows. */
export const csvPageOf = (page: HistoryResult): CsvPage => ({
  text: page.items.map(csvRow).join(''),
  next: page.next,
});

/**
 * Every deployment a history query matches, from its cursor on (its limit
 * is the page size), as CSV text: the header, then one chunk per page of
 * rows, newest first. Reads one page at a time, so memory stays flat
 * whatever the history's length; `page` reads and formats one (the SQLite
 * adapter does it in a reader thread).
 */
export async function* csvPages(
  page: (query: HistoryQuery) => Promise<CsvPage>,
  query: HistoryQuery,
): AsyncIterable<string> {
  yield CSV_HEADER;
  let q = query;
  for (;;) {
    const { text, next } = await page(q);
    yield text;
    if (next === null) return;
    q = { ...q, after: next };
  }
}

/**
 * Marks beside a version, the same on every page: a rollback, the latest
 * attempt, and the overview's promotion mark with its legend.
 */
import type { Deployment } from '@svt/client';
import { attemptKind } from '../attempts.js';
import { html, type Html } from './html.js';
import { time } from './layout.js';
import { toneClass } from './status.js';

/**
 * The marks' glyphs: symbols of text presentation that DejaVu Sans draws,
 * the fonts a plain Debian has (`fc-list ':charset=25f7'`), so that no
 * machine shows a box where an emoji font is missing (⏳, U+23F3, was one).
 * Each stands beside words that say the same, for screen readers and
 * anyone. test/browser/glyphs.test.ts draws every character the pages show.
 */
export const GLYPHS = {
  /** U+25F7, a clock face's quarter: a deployment in progress. */
  inProgress: '◷',
  /** U+26A0: a failed or rolled back attempt. */
  warning: '⚠',
  /** U+21A9: a rollback. */
  rollback: '↩',
} as const;

/** The note beside a version when the latest attempt is another: in progress, or a warning. */
export function attemptNote(last: Deployment): Html {
  const kind = attemptKind(last);
  if (kind === 'in_progress') {
    return html` <span class="note ${toneClass(last.status)}" role="note"
      >${GLYPHS.inProgress} ${last.version} deploying since ${time(last.deployedAt, 'age')}</span
    >`;
  }
  return html` <span class="note ${toneClass(last.status)}" role="note"
    >${GLYPHS.warning} ${last.version} ${kind === 'failed' ? 'failed' : 'rolled back'}
    ${time(last.deployedAt, 'age')}</span
  >`;
}

/**
 * An attempt where nothing succeeded, in short, for a cell that has no
 * version to show (the overview's): `in progress`, `failed` or `rolled back`.
 */
export function attemptWords(last: Deployment): string {
  const kind = attemptKind(last);
  return kind === 'in_progress' ? 'in progress' : kind === 'failed' ? 'failed' : 'rolled back';
}

/** The mark of a rollback, wherever a deployment is listed. */
export function rollbackMark(d: Deployment): Html | '' {
  return d.rollback
    ? html` <span class="rollback" title="a rollback: an older version, or one that ran here before"
        >${GLYPHS.rollback} rollback</span
      >`
    : '';
}

/**
 * Whether an overview cell is marked as waiting to be promoted: the
 * environment to its left (`left`, its deployment of the app, if any) runs
 * a version that this one (`here`) does not run: another version, or the
 * app where this one has none. When the left environment does not run the
 * app, nothing waits to be promoted from there, and nothing is marked.
 * PROMOTION_LEGEND says the same in words.
 */
export function awaitsPromotion(
  left: Deployment | undefined,
  here: Deployment | undefined,
): left is Deployment {
  return left !== undefined && left.version !== here?.version;
}

/** The overview's legend of awaitsPromotion. */
export const PROMOTION_LEGEND: Html = html`<span class="differs-key">Marked</span>: waiting to be
  promoted (the environment to its left runs another version, or runs the app where this one does
  not). A cell is not marked when the environment to its left does not run the app.`;

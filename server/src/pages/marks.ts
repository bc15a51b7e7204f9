/**
 * Marks beside a version, the same on every page: a rollback, the latest
 * attempt, and the overview's promotion mark with its legend.
 */
import type { Deployment } from '@svt/client';
import { attemptKind } from '../attempts.js';
import { html, type Html } from './html.js';
import { time } from './layout.js';
import { toneClass } from './status.js';

/** The note beside a version when the latest attempt is another: in progress, or a warning. */
export function attemptNote(last: Deployment): Html {
  const kind = attemptKind(last);
  if (kind === 'in_progress') {
    return html` <span class="note ${toneClass(last.status)}" role="note"
      >⏳ ${last.version} deploying since ${time(last.deployedAt, 'age')}</span
    >`;
  }
  return html` <span class="note ${toneClass(last.status)}" role="note"
    >⚠ ${last.version} ${kind === 'failed' ? 'failed' : 'rolled back'}
    ${time(last.deployedAt, 'age')}</span
  >`;
}

/** The mark of a rollback, wherever a deployment is listed. */
export function rollbackMark(d: Deployment): Html | '' {
  return d.rollback
    ? html` <span class="rollback" title="a rollback: an older version, or one that ran here before"
        >↩ rollback</span
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

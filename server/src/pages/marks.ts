/** Marks beside a version, the same on every page: a rollback, the latest attempt. */
import type { Deployment } from '@svt/client';
import { attemptKind } from '../attempts.js';
import { html, type Html } from './html.js';
import { time } from './layout.js';

/** The note beside a version when the latest attempt is another: in progress, or a warning. */
export function attemptNote(last: Deployment): Html {
  const kind = attemptKind(last);
  if (kind === 'in_progress') {
    return html` <span class="progress" role="note"
      >⏳ ${last.version} deploying since ${time(last.deployedAt, 'age')}</span
    >`;
  }
  return html` <span class="warn" role="note"
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

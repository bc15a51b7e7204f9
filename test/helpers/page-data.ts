/**
 * Deployments for the browser tests of the pages' looks, at fixed instants
 * (days D0 = 2026-01-01 to D4), recorded prod first, then staging, then
 * dev: first seen prod, as after the README's first curl.
 *
 * prod, for the DORA charts over 2026-01-01 to 2026-01-07 (7 days):
 * successes on D0 (1), D2 (2) and D4 (2), 5 in all; one failure on D0;
 * lead times 3 h (D0) and 1 h (D2), a median of 2 h.
 * staging: every status (success, rolled_back, a rollback, failure, started).
 * dev: a failed latest attempt of api.
 */
import type { Store } from '../../server/src/store/types.js';
import { T0, newDeployment } from './deployments.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
/** The end of the DORA window of the prod data: seven days after D0. */
export const DORA_UNTIL = new Date(T0 + 7 * DAY).toISOString();

type Row = [env: string, app: string, version: string, at: number, extra?: object];

const ROWS: Row[] = [
  ['prod', 'api', '1.0.0', 10 * HOUR, { committedAt: T0 + 7 * HOUR }],
  ['prod', 'api', '1.1.0', 12 * HOUR, { status: 'failure' }],
  ['prod', 'api', '1.1.1', 2 * DAY + 9 * HOUR, { committedAt: T0 + 2 * DAY + 8 * HOUR }],
  ['prod', 'api', '1.1.2', 2 * DAY + 11 * HOUR],
  ['prod', 'web', '2.0.0', 4 * DAY + 10 * HOUR],
  ['prod', 'web', '2.1.0', 4 * DAY + 12 * HOUR],
  ['staging', 'api', '1.0.0', DAY + 10 * HOUR],
  ['staging', 'api', '1.1.0', DAY + 11 * HOUR],
  ['staging', 'api', '1.1.0', DAY + 11 * HOUR + 30 * 60_000, { status: 'rolled_back' }],
  ['staging', 'api', '1.0.0', DAY + 12 * HOUR],
  ['staging', 'web', '3.0.0', DAY + 13 * HOUR, { status: 'failure' }],
  ['staging', 'web', '3.0.1', DAY + 14 * HOUR, { status: 'started' }],
  ['dev', 'api', '0.9.0', DAY + 9 * HOUR],
  ['dev', 'api', '1.0.0', DAY + 10 * HOUR, { status: 'failure' }],
];

export async function seedLooks(store: Store): Promise<void> {
  for (const [env, app, version, at, extra] of ROWS) {
    await store.record(newDeployment({ env, app, version, deployedAt: T0 + at, ...extra }));
  }
}

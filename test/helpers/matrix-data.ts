/**
 * The overview at the scale of issue 22: 1,000 applications in 20
 * environments, recorded straight through the store (20,100 deployments
 * in about as many seconds as 100 HTTP calls would take).
 *
 * Environments, first seen in this order, by stage: dev, dev-2 (dev);
 * test; qa, qa-eu, qa-us; staging, staging-eu, staging-us; uat; eight
 * prod-* (prod); sandbox, k8s-lab (no stage). Applications app-0000 to
 * app-0999, each 1.0.0 everywhere at T0 + its number of seconds, except
 * that every tenth one (app-0000, app-0010, ... app-0990) was deployed
 * 2.0.0 to dev at T0 + 2 days: those 100 wait in dev-2, and are the
 * differences; before T0 + 2 days there were none.
 */
import type { Store } from '../../server/src/store/types.js';
import { T0, newDeployment } from './deployments.js';

export const MATRIX_ENVS = [
  'dev',
  'dev-2',
  'test',
  'qa',
  'qa-eu',
  'qa-us',
  'staging',
  'staging-eu',
  'staging-us',
  'uat',
  'prod-eu-1',
  'prod-eu-2',
  'prod-us-1',
  'prod-us-2',
  'prod-ap-1',
  'prod-ap-2',
  'prod-sa-1',
  'prod-sa-2',
  'sandbox',
  'k8s-lab',
];
export const MATRIX_APPS = 1000;
/** When the 100 differences were deployed to dev. */
export const DIFFERENCES_AT = T0 + 2 * 24 * 3600_000;

export const appName = (i: number): string => `app-${String(i).padStart(4, '0')}`;

export async function seedMatrix(store: Store): Promise<void> {
  // One environment at a time, its apps concurrently: the SQLite store
  // commits the writes that arrive together in one transaction.
  for (const env of MATRIX_ENVS) {
    await Promise.all(
      Array.from({ length: MATRIX_APPS }, (_, i) =>
        store.record(
          newDeployment({ env, app: appName(i), version: '1.0.0', deployedAt: T0 + i * 1000 }),
        ),
      ),
    );
  }
  await Promise.all(
    Array.from({ length: MATRIX_APPS / 10 }, (_, k) =>
      store.record(
        newDeployment({
          env: 'dev',
          app: appName(k * 10),
          version: '2.0.0',
          deployedAt: DIFFERENCES_AT,
        }),
      ),
    ),
  );
}

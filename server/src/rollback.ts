/**
 * Rollback detection, as Datadog's and Sleuth's DORA tools do it: a
 * successful deployment is a rollback when its version differs from the one
 * it replaces (a redeploy of the same version is not one) and either ranks
 * older than it (version-order.ts) or equals a version that succeeded in
 * that environment before. Derived from the events, never sent: the stores
 * recompute an env and app's flags when a deployment arrives out of order.
 */
import { compareVersions } from './version-order.js';

/**
 * Whether a success of `version` is a rollback.
 * @param replaced the version of the success it replaces (the one before it), null for a first
 * @param ranBefore whether `version` succeeded there before it
 */
export function isRollback(version: string, replaced: string | null, ranBefore: boolean): boolean {
  if (replaced === null || version === replaced) return false;
  return ranBefore || compareVersions(version, replaced) < 0;
}

/** The rollback flag of each success of one env and app, given their versions oldest first. */
export function rollbackFlags(versions: readonly string[]): boolean[] {
  const seen = new Set<string>();
  let replaced: string | null = null;
  return versions.map((version) => {
    const flag = isRollback(version, replaced, seen.has(version));
    seen.add(version);
    replaced = version;
    return flag;
  });
}

/**
 * The one version order of SVT: compare, the pages, the badge, the CLI (through
 * the API's answers) and rollback detection all rank versions here.
 *
 * Two versions are ranked by the first scheme that reads both of them:
 * 1. Calendar versions, `YYYY.MM.DD` with an optional numeric build of that
 *    day (`2026.11.28-3`, `2026.11.28.3`, a leading `v` allowed): by date,
 *    then build, no build being build 0. `2026.11.28-3` looks like a SemVer
 *    pre-release, but CalVer users mean "the third build of that day", which
 *    comes after `2026.11.28`.
 * 2. SemVer 2.0.0 precedence (a leading `v` allowed): pre-releases before
 *    their release (`1.3.0-rc.1` < `1.3.0`), build metadata ignored
 *    (`1.4.0+sha.f00d` and `1.4.0+sha.a11c` rank equal), as semver.org §11 says.
 * 3. Dotted numbers (`1.2.3.4`, `7`, `24.04`): component by component as
 *    integers, a missing component counting as 0.
 * Anything else (git SHAs, mixed forms such as `1.3.0-rc.1` against
 * `1.3.0.1`) has no rank: the caller falls back to the later deployment, as
 * do versions of equal rank.
 */
import semver from 'semver';

const CALVER = /^v?(\d{4})\.(\d{1,2})\.(\d{1,2})(?:[.-](\d{1,9}))?$/;
const DOTTED = /^v?\d{1,15}(?:\.\d{1,15})*$/;

/** [year, month, day, build] of a plausible calendar version, else null. */
function calver(version: string): number[] | null {
  const m = CALVER.exec(version);
  if (m === null) return null;
  const [year, month, day, build] = [m[1], m[2], m[3], m[4] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return [year, month, day, build];
}

function dotted(version: string): number[] | null {
  return DOTTED.test(version) ? version.replace(/^v/, '').split('.').map(Number) : null;
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * How version `a` ranks against version `b`: 1 when `a` is newer, -1 when
 * older, 0 when they rank equal or no scheme reads both (then the later
 * deployment is the newer; see `newerDeployment`). Pure and total: never throws.
 */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const [ca, cb] = [calver(a), calver(b)];
  if (ca !== null && cb !== null) return compareNumbers(ca, cb);
  const [sa, sb] = [semver.parse(a), semver.parse(b)];
  if (sa !== null && sb !== null) return semver.compare(sa, sb);
  const [da, db] = [dotted(a), dotted(b)];
  if (da !== null && db !== null) return compareNumbers(da, db);
  return 0;
}

/** What `newerDeployment` needs of a deployment. */
export interface Ranked {
  id: string;
  version: string;
  /** ISO 8601 UTC. */
  deployedAt: string;
}

/**
 * > 0 when deployment `a` runs a newer version than `b`, < 0 when older, 0
 * for the same version string. Versions of equal or no rank: the later
 * deployment (deployedAt, then id, the ledger's order) is the newer.
 */
export function newerDeployment(a: Ranked, b: Ranked): number {
  if (a.version === b.version) return 0;
  const order = compareVersions(a.version, b.version);
  if (order !== 0) return order;
  if (a.deployedAt !== b.deployedAt) return a.deployedAt > b.deployedAt ? 1 : -1;
  return a.id > b.id ? 1 : a.id < b.id ? -1 : 0;
}

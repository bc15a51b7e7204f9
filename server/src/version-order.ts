/**
 * The one version order of SVT: compare, the pages, the badge, the CLI (through
 * the API's answers) and rollback detection all rank versions here.
 *
 * Two versions are ranked by the first scheme that reads both of them:
 * 1. Calendar versions, `YYYY.MM.DD` with an optional numeric build of that
 *    day (`2026.11.28-3`, `2026.11.28.3`): by date, then build, no build
 *    being build 0. `2026.11.28-3` looks like a SemVer pre-release, but
 *    CalVer users mean "the third build of that day", which comes after
 *    `2026.11.28`. A suffix that is not a number is a pre-release of that
 *    day, before its builds, in SemVer's order (`2026.11.28-rc.1` <
 *    `2026.11.28` < `2026.11.28-3`), so that no CalVer-shaped versions are
 *    ranked by two schemes at once; build metadata (`+...`) takes no part.
 * 2. SemVer 2.0.0 precedence: pre-releases before their release
 *    (`1.3.0-rc.1` < `1.3.0`), build metadata ignored (`1.4.0+sha.f00d` and
 *    `1.4.0+sha.a11c` rank equal), as semver.org §11 says.
 * 3. Dotted numbers (`1.2.3.4`, `7`, `24.04`): component by component as
 *    integers, a missing component counting as 0.
 * Every scheme takes a leading `v` or `V`.
 * Anything else (git SHAs, mixed forms such as `1.3.0-rc.1` against
 * `1.3.0.1`) has no rank: the caller falls back to the later deployment, as
 * do versions of equal rank.
 */
import semver from 'semver';

const CALVER = /^(\d{4})\.(\d{1,2})\.(\d{1,2})(?:([.-])(.+))?$/;
const BUILD = /^\d{1,9}$/;
const PRE_RELEASE = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;
const DOTTED = /^\d{1,15}(?:\.\d{1,15})*$/;

/** A calendar version: its day, and a numeric build of it or a pre-release before it. */
interface CalVer {
  day: [number, number, number];
  build: number;
  /** A pre-release of that day (ranks before every build of it), else null. */
  pre: string | null;
}

/** A plausible calendar version (without `v` and `+metadata`), else null. */
function calver(version: string): CalVer | null {
  const m = CALVER.exec(version);
  if (m === null) return null;
  const day: [number, number, number] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [year, month, date] = day;
  if (year < 1970 || month < 1 || month > 12 || date < 1 || date > 31) return null;
  const [sep, suffix] = [m[4], m[5]];
  if (suffix === undefined) return { day, build: 0, pre: null };
  if (BUILD.test(suffix)) return { day, build: Number(suffix), pre: null };
  // Only a pre-release SemVer accepts (no leading zeros in numbers), so that comparing never throws.
  return sep === '-' && PRE_RELEASE.test(suffix) && semver.valid(`0.0.0-${suffix}`) !== null
    ? { day, build: 0, pre: suffix }
    : null;
}

function compareCalVer(a: CalVer, b: CalVer): number {
  const byDay = compareNumbers(a.day, b.day);
  if (byDay !== 0) return byDay;
  if (a.pre !== null && b.pre !== null) {
    return semver.compare(`0.0.0-${a.pre}`, `0.0.0-${b.pre}`);
  }
  if (a.pre !== null || b.pre !== null) return a.pre !== null ? -1 : 1;
  return Math.sign(a.build - b.build);
}

/** Without a leading `v`/`V` and SemVer build metadata, which take no part in any order. */
function core(version: string): string {
  return version.replace(/^[vV](?=\d)/, '').replace(/\+[0-9A-Za-z.-]*$/, '');
}

function dotted(version: string): number[] | null {
  return DOTTED.test(version) ? version.split('.').map(Number) : null;
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
  const [ka, kb] = [core(a), core(b)];
  const [ca, cb] = [calver(ka), calver(kb)];
  if (ca !== null && cb !== null) return compareCalVer(ca, cb);
  const [sa, sb] = [semver.parse(ka), semver.parse(kb)];
  if (sa !== null && sb !== null) return semver.compare(sa, sb);
  const [da, db] = [dotted(ka), dotted(kb)];
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

/**
 * Each deployment's place in the version order, oldest first (0, 1, ...),
 * by id: what the pages put in a version cell's `data-value`, so that
 * sorting the column in the browser follows this order too.
 */
export function versionRanks(deployments: readonly Ranked[]): Map<string, number> {
  const sorted = [...deployments].sort(newerDeployment);
  return new Map(sorted.map((d, i) => [d.id, i]));
}

/**
 * The order in which people read names (applications, environments): `api`
 * before `Test app` (case does not come first), `app-2` before `app-10`
 * (numbers by value). Every CLI table sorts names with this; the server's
 * pages use the very same collator options (server/src/names.ts), so the
 * CLI and the pages list apps alike. `--json` keeps the server's order,
 * which since the API sorts its lists with the same collator is this one too.
 */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * < 0 when `a` comes first. Total: names the collator calls equal (`API`
 * and `api`) fall back to code-unit order, so a sort is the same every run.
 */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

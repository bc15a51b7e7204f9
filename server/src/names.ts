/**
 * The order in which people read names (applications, environments): `api`
 * before `Test app` (case does not come first), `app-2` before `app-10`
 * (numbers by value). Pages and the badge's neighbours sort with this; the
 * API keeps the stores' byte order, which scripts can rely on.
 */
// The pages' script (server/assets/app.js) sorts columns with the same options.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** < 0 when `a` comes first. Total: names the collator calls equal fall back to code-unit order. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

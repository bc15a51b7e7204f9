/**
 * The order in which people read names (applications, environments): `api`
 * before `Test app` (case does not come first), `app-2` before `app-10`
 * (numbers by value). Pages, the API's lists and the stores' per-app lists
 * (current state, attempts, apps) all sort with this, so that a script
 * reading the API sees the pages' order.
 */
// The pages' script (server/assets/app.js) sorts columns with the same options.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * < 0 when `a` comes first; names the collator calls equal fall back to
 * code-unit order. Not transitive for every name: the numeric option reads
 * some digits (mathematical ones such as U+1D7D0) unlike others, so that
 * "0𝟐" < "0a2" < "1" < "0𝟐". Sort lists with sortByName, which makes the
 * result depend on the names alone.
 */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Lists remembered by nameOrder, by their keys' and orders' total length:
 * about 16 MB at most per thread. A count alone let `?at=` reads of many
 * long names hold 256 lists of megabytes each (a breaker's finding).
 */
const REMEMBERED_UNITS = 8 * 1024 * 1024;
const orders = new Map<string, readonly number[]>();
let rememberedUnits = 0;

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The indexes of `names` in compareNames order (a permutation). The names
 * are put in code-unit order first: compareNames is not transitive for
 * every name, and a sort's result would then follow the order the list
 * came in (DORA meets apps in time order). Remembered by the exact list:
 * current state is sorted on each read, and mostly the same list comes
 * back. Through the collator, 1,000 names take about 0.7 ms, and an
 * overview of 20 environments reads 20 lists; looking one up, a few
 * microseconds.
 */
export function nameOrder(names: readonly string[]): readonly number[] {
  // One string per list, unambiguous whatever the names hold.
  const key = JSON.stringify(names);
  const known = orders.get(key);
  if (known !== undefined) return known;
  const at = (i: number): string => names[i] ?? '';
  const order = names
    .map((_, i) => i)
    .sort((a, b) => byCodeUnit(at(a), at(b)))
    .sort((a, b) => compareNames(at(a), at(b)));
  const units = key.length + order.length;
  if (units <= REMEMBERED_UNITS) {
    if (rememberedUnits + units > REMEMBERED_UNITS) {
      orders.clear();
      rememberedUnits = 0;
    }
    orders.set(key, order);
    rememberedUnits += units;
  }
  return order;
}

/** `items` in the order of their names as people read them (nameOrder); a new array. */
export function sortByName<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  return nameOrder(items.map(nameOf)).flatMap((i) => {
    const item = items[i];
    return item === undefined ? [] : [item];
  });
}

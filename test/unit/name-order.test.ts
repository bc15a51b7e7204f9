/**
 * nameOrder and sortByName (server/src/names.ts): the order of a list of
 * names as people read them, remembered per list, and right whatever was
 * remembered before (another list, the same names in another order, names
 * holding the characters a key could be built from, more lists than it keeps).
 */
import { describe, expect, test } from '@jest/globals';
import { nameOrder, sortByName } from '../../server/src/names.js';

describe('nameOrder', () => {
  test('the indexes in the order people read the names', () => {
    // Code-point order: Beta, alpha, app-10, app-2.
    expect(nameOrder(['app-10', 'Beta', 'app-2', 'alpha'])).toEqual([3, 2, 0, 1]);
    expect(nameOrder(['Beta', 'alpha', 'app-10', 'app-2'])).toEqual([1, 3, 2, 0]);
    expect(nameOrder([])).toEqual([]);
  });

  test('the same list again: the same order, remembered', () => {
    const first = nameOrder(['b', 'a', 'c']);
    expect(nameOrder(['b', 'a', 'c'])).toBe(first);
    expect(first).toEqual([1, 0, 2]);
  });

  test('lists that would join alike are told apart', () => {
    expect(nameOrder(['b\u0000', 'a'])).toEqual([1, 0]);
    expect(nameOrder(['b', '\u0000a'])).toEqual([1, 0]);
    expect(nameOrder(['a","b', 'a'])).toEqual([1, 0]);
    expect(nameOrder(['a', '","b'])).toEqual([1, 0]);
  });

  test('names the collator orders in a cycle: one order, whatever order they come in', () => {
    // Numeric collation reads U+1D7D0 (mathematical bold 2) unlike 2: "0𝟐" < "0a2" < "1" < "0𝟐".
    const names = ['1', '0a2', '0\u{1D7D0}'];
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ].map((p) => {
      const list = p.map((i) => names[i] ?? '');
      return nameOrder(list).map((i) => list[i]);
    });
    for (const order of orders) expect(order).toEqual(orders[0]);
  });

  test('a list longer than all it may remember: sorted, not kept', () => {
    const long = Array.from({ length: 300_000 }, (_, i) => `app-${300_000 - i}-${'x'.repeat(20)}`);
    const order = nameOrder(long);
    expect(order[0]).toBe(299_999);
    expect(order[299_999]).toBe(0);
    expect(nameOrder(long)).not.toBe(order);
  });

  test('past the lists it keeps, still right', () => {
    for (let i = 0; i < 600; i++) {
      expect(nameOrder([`x-${i + 1}`, `x-${i}`])).toEqual([1, 0]);
    }
    expect(nameOrder(['b', 'a', 'c'])).toEqual([1, 0, 2]);
  });
});

test('sortByName: the items, by the name each gives', () => {
  const items = [{ app: 'app-10' }, { app: 'Beta' }, { app: 'app-2' }, { app: 'alpha' }];
  expect(sortByName(items, (i) => i.app).map((i) => i.app)).toEqual([
    'alpha',
    'app-2',
    'app-10',
    'Beta',
  ]);
  expect(items.map((i) => i.app)).toEqual(['app-10', 'Beta', 'app-2', 'alpha']); // a new array
});

/**
 * The pages' filter rule, for `?q=`: the same as the filter box's as you
 * type (server/assets/app.js `fuzzy`), so that a link to a filtered view
 * shows what the typing showed.
 */

/**
 * A test of names against `query`: each of its words (split at whitespace,
 * case aside) must appear in the name in order, as a subsequence (letters
 * may be skipped), each after the one before: `pay svc` finds
 * `payment-service`, `svc pay` does not. An empty query matches every name.
 * A query that extends another (`pay` -> `pay s`) matches a subset of its
 * names, which is what lets app.js narrow a filtered page in place.
 */
export function fuzzyMatcher(query: string): (name: string) => boolean {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  return (name) => {
    const hay = name.toLowerCase();
    let from = 0;
    for (const word of words) {
      for (const ch of word) {
        const at = hay.indexOf(ch, from);
        if (at < 0) return false;
        from = at + 1;
      }
    }
    return true;
  };
}

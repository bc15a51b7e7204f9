/**
 * Words for the POSIX shell commands the pages show for copying: a value
 * the reader pastes into a terminal must arrive as one argument, whatever
 * it holds. App names may hold quotes, `;`, `$(...)` and spaces, and the
 * server's own origin comes from the request's Host header.
 */

/** Characters that mean nothing to a POSIX shell outside quotes (as Python's shlex.quote sees them). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as one POSIX shell word: as it is when every character is plain,
 * else in single quotes, inside which nothing is special but the quote
 * itself, written `'\''` (close, an escaped quote, reopen).
 */
export function shellWord(value: string): string {
  if (PLAIN.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

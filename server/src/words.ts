/**
 * Counts in words, for every sentence SVT writes (pages, commands, logs),
 * digits as they are (a script may read them):
 * `1 deployment`, `2 deployments`, `0 deployments`. The CLI has its own
 * (client/src/cli/format.ts `count`): the server imports only types from
 * the client.
 */

/** `n` and the noun in the number `n` asks for; `plural` when adding `s` is wrong. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * What the CLI prints is read by a terminal or a CI log viewer, and part of
 * it was recorded by other pipelines (attribute values may hold any
 * character; names, actors and refs no control character, but a server
 * that is not SVT may send anything, and its error messages echo what the
 * request held). Two languages hide in that output: terminal control
 * sequences (ESC [ ... moves the cursor, clears the screen, retitles the
 * window) and, in a GitHub Actions log, workflow commands (a line starting
 * with `::`). Both are neutralised here, for every line the CLI writes.
 */
import { randomUUID } from 'node:crypto';

/**
 * Control characters other than the line feed (C0, DEL, C1) and the
 * invisible characters that reorder text on screen (bidirectional marks,
 * embeddings, overrides and isolates).
 */
const HIDDEN = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `text` with each control or reordering character written as a `\uXXXX`
 * escape: visible, inert, and in `--json` output the same JSON string
 * (JSON.stringify escapes C0 already; this adds DEL, C1 and the bidi
 * controls, whose escapes mean the same characters).
 */
export function terminalText(text: string): string {
  return text.replace(HIDDEN, (c) =>
    c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A line the GitHub runner would read as a workflow command: `::` after leading spaces. */
const COMMAND_LINE = /^\s*::/m;

/**
 * `text` for a GitHub Actions log: as it is, unless a line would be read as
 * a workflow command (an app named `::error::...` at the start of a table
 * row); then it is wrapped in `::stop-commands::<token>` and `::<token>::`,
 * GitHub's way of printing untrusted lines, with a fresh random token that
 * nothing printed can know.
 */
export function withoutWorkflowCommands(text: string, token: () => string = randomUUID): string {
  if (!COMMAND_LINE.test(text)) return text;
  const stop = token();
  return `::stop-commands::${stop}\n${text}\n::${stop}::`;
}

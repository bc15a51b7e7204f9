/**
 * Text for the admin commands' terminal (svt-server token, import-legacy,
 * ...): their messages quote names and keys read from files and databases
 * (a seed export's key, a file name), which may hold control sequences. The
 * same rule as the CLI's (client/src/cli/terminal.ts), kept here because
 * the server imports only types from the client.
 */

/** Control characters but the line feed, and the bidirectional controls that reorder text. */
const HIDDEN = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with each control or reordering character (not the line feed) written as `\uXXXX`. */
export function terminalText(text: string): string {
  return text.replace(HIDDEN, (c) =>
    c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

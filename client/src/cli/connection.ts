/**
 * What every command that talks to the server takes (`--server`,
 * `--token`, `--timeout`, `--json`), and the SvtClient made from it. A
 * record from CI and a read a person waits for differ in how long they keep
 * trying and in what they print meanwhile. Also how an option shows its
 * default in `--help` (withDefault), for every command's options.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { SvtClient } from '../client.js';
import { VERSION } from '../version.js';
import type { CliIo } from './main.js';
import { DEFAULT_TIMEOUT, parseConnection } from './settings.js';
import type { ConnectionFlags } from './settings.js';

/** What a command does to the server: `record` writes from CI, the rest are reads a person waits for. */
export type Kind = keyof typeof DEFAULT_TIMEOUT;

/**
 * An option whose default `--help` shows as people write it (`10s`, `50`),
 * not as commander would (`"10s"`, with quotes).
 */
export function withDefault(flags: string, description: string, value: string): Option {
  return new Option(flags, description).default(value, value);
}

export function withConnection(command: Command, kind: Kind): Command {
  return command
    .option('--server <url>', 'SVT server URL (default: $SVT_URL)')
    .option('--token <token>', 'API token; none sent when empty (default: $SVT_TOKEN)')
    .addOption(
      withDefault(
        '--timeout <duration>',
        'give up after this long, retries included: 10s, 2m, or seconds',
        DEFAULT_TIMEOUT[kind],
      ),
    )
    .option(
      '--json',
      kind === 'record' ? "print the server's answer as JSON" : 'print JSON instead of a table',
    );
}

/** Where a command's connection settings end up, for the message that ends it. */
export interface Session {
  /** `--timeout` as given (or its default), once a client was made. */
  timeout: string | null;
}

export function clientFor(
  flags: ConnectionFlags,
  io: CliIo,
  kind: Kind,
  session: Session,
): SvtClient {
  const connection = parseConnection(flags, io.env, DEFAULT_TIMEOUT[kind]);
  session.timeout = flags.timeout ?? DEFAULT_TIMEOUT[kind];
  return new SvtClient({
    baseUrl: connection.baseUrl,
    token: connection.token,
    deadlineMs: connection.deadlineMs,
    timeoutMs: Math.min(10_000, connection.deadlineMs),
    userAgent: `svt-cli/${VERSION}`,
    // A CI log keeps each retry; a person reading gets one line at the end (run()).
    onRetry:
      kind === 'record'
        ? ({ attempt, delayMs, reason }) =>
            io.err(
              `svt: attempt ${attempt} failed (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
            )
        : undefined,
  });
}

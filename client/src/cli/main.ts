/**
 * The `svt` CLI: record a deployment from any CI, read what runs where.
 * Exit codes: 0 done; 1 refused by the server (its message printed);
 * 2 usage error; 3 server unreachable or failing after retries (at once for
 * a TLS certificate no retry can fix).
 */
import { Command, CommanderError } from 'commander';
import { detectCiContext } from '../ci-context.js';
import { SvtError } from '../errors.js';
import { recordedText } from '../recorded-text.js';
import type { Deployment } from '../types.js';
import { VERSION } from '../version.js';
import { ChangelogError, type ChangelogFlags, changelogOf, changelogText } from './changelog.js';
import { compareTable, currentTable, doraText, historyTable, instant } from './format.js';
import { clientFor, withConnection, withDefault } from './connection.js';
import type { Session } from './connection.js';
import { DEFAULT_TIMEOUT, parseRecord, parseStatus, UsageError } from './settings.js';
import type { ConnectionFlags, RecordFlags } from './settings.js';
import { terminalText, withoutWorkflowCommands } from './terminal.js';

export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

export interface CliIo {
  env: Record<string, string | undefined>;
  /** Receives whole lines or blocks, without the final newline. */
  out: (text: string) => void;
  err: (text: string) => void;
}

interface OutputFlags {
  json?: boolean | undefined;
}

function describeDeployment(d: Deployment): string {
  return `${d.app} ${d.version} in ${d.env} (${d.status}, deployed ${instant(d.deployedAt)})`;
}

function program(io: CliIo, session: Session): Command {
  const svt = new Command('svt')
    .description('Record and read deployments in SVT, the Stack Versions Tracker.')
    .version(VERSION)
    // Program options only before the command: `record --version 1.2.3` is the app's version.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `\nEnvironment: SVT_URL (server), SVT_TOKEN (token; none sent when empty).\n` +
        `Timeouts (--timeout): ${DEFAULT_TIMEOUT.record} for record, ${DEFAULT_TIMEOUT.read} for the reads.\n` +
        'Exit codes: 0 done, 1 refused by the server, 2 usage error, 3 server unreachable or failing.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });

  withConnection(
    svt
      .command('record')
      .description(
        'record a deployment; inside GitHub, GitLab or Jenkins, commit, ref, pipeline URL, actor and an idempotency key come from the CI context',
      )
      .requiredOption('--env <env>', 'environment, e.g. prod')
      .requiredOption('--app <app>', 'application name')
      .option(
        '--version <version>',
        "version deployed, e.g. 1.4.2 (default: from CI, the tag, else the commit's short SHA)",
      )
      .addOption(
        withDefault('--status <status>', 'outcome', 'success').choices([
          'success',
          'failure',
          'started',
          'rolled_back',
        ]),
      )
      .option('--url <url>', 'where the deployed app answers')
      .option('--pipeline-url <url>', 'link to the pipeline (default: from CI)')
      .option(
        '--commit <sha>',
        'commit deployed (default: from CI, the commit pushed, never a merge commit the CI made)',
      )
      .option(
        '--committed-at <instant>',
        'when that commit was made, for lead time (default: from GitLab, and GitHub events that carry it)',
      )
      .option('--ref <ref>', 'branch or tag the commit came from (default: from CI)')
      .option(
        '--repository <url>',
        "the repository's web page, or a clone URL made one, credentials removed (default: from CI)",
      )
      .option('--actor <name>', 'who deployed (default: from CI)')
      .option('--source <name>', 'what recorded it (default: github, gitlab or jenkins)')
      .option('--deployed-at <instant>', 'when, if not now (ISO 8601)')
      .option(
        '--attr <key=value>',
        'extra attribute, repeatable; added to those of SVT_ATTRIBUTES (one key=value per line)',
        (v: string, all?: string[]) => [...(all ?? []), v],
      )
      .option(
        '--idempotency-key <key>',
        'the same key twice records once (default: from the CI job run and the request sent)',
      )
      .option('--dry-run', 'print the request instead of sending it'),
    'record',
  ).action(async (flags: RecordFlags & ConnectionFlags & OutputFlags & { dryRun?: boolean }) => {
    const settings = parseRecord(flags, detectCiContext(io.env), Date.now(), io.env);
    for (const warning of settings.warnings) io.err(`svt: warning: ${warning}`);
    if (flags.dryRun === true) {
      const server = flags.server ?? io.env.SVT_URL ?? '$SVT_URL';
      io.out(`POST ${server.replace(/\/+$/, '')}/api/v1/deployments`);
      if (settings.idempotencyKey !== null) io.out(`Idempotency-Key: ${settings.idempotencyKey}`);
      io.out(JSON.stringify(settings.request, null, 2));
      return;
    }
    const outcome = await clientFor(flags, io, 'record', session).record(settings.request, {
      idempotencyKey: settings.idempotencyKey ?? undefined,
    });
    if (flags.json === true) {
      io.out(JSON.stringify(outcome, null, 2));
      return;
    }
    const what = describeDeployment(outcome.deployment);
    io.out(
      outcome.replayed ? `Already recorded: ${what}; nothing new stored.` : `Recorded ${what}.`,
    );
    // Whether it became current, in the words of the server's Slack webhook.
    io.out(recordedText(outcome));
    // In a GitLab or Jenkins job log, the way to what this deployment brought.
    if (outcome.links.changes !== null) {
      io.out(
        `Changes since ${outcome.previous?.version ?? 'the previous deployment'}: ${outcome.links.changes}`,
      );
    } else if (outcome.links.commit !== null) {
      io.out(`Commit: ${outcome.links.commit}`);
    }
  });

  withConnection(
    svt
      .command('list')
      .description(
        'what runs in an environment, now or at a past instant, with deployments in progress and failed attempts noted',
      )
      .argument('<env>', 'environment')
      .option('--at <instant>', 'as it was then (ISO 8601 instant, or a date)'),
    'read',
  ).action(async (env: string, flags: ConnectionFlags & OutputFlags & { at?: string }) => {
    const state = await clientFor(flags, io, 'read', session).current(env, { at: flags.at });
    if (flags.json === true) {
      io.out(JSON.stringify(state, null, 2));
    } else if (state.deployments.length === 0 && state.attempts.length === 0) {
      io.out(
        `Nothing runs in ${env}${flags.at === undefined ? '' : ` at ${flags.at}`}: no successful deployment.`,
      );
    } else {
      io.out(currentTable(state));
    }
  });

  withConnection(
    svt
      .command('history')
      .description('deployments, newest first')
      .option('--env <env>', 'only this environment')
      .option('--app <app>', 'only this application')
      .option('--status <status>', 'only this outcome')
      .option('--since <instant>', 'deployed at or after')
      .option('--until <instant>', 'deployed before')
      .addOption(withDefault('--limit <n>', 'how many (1-1000)', '50')),
    'read',
  ).action(
    async (
      flags: ConnectionFlags &
        OutputFlags & {
          env?: string;
          app?: string;
          status?: string;
          since?: string;
          until?: string;
          limit: string;
        },
    ) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new UsageError(
          `--limit must be an integer 1-1000, got ${JSON.stringify(flags.limit)}`,
        );
      }
      const client = clientFor(flags, io, 'read', session);
      const filters = {
        env: flags.env,
        app: flags.app,
        status: flags.status === undefined ? undefined : parseStatus('--status', flags.status),
        since: flags.since,
        until: flags.until,
      };
      const items: Deployment[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.history({
          ...filters,
          limit: Math.min(100, limit - items.length),
          cursor,
        });
        items.push(...page.items);
        cursor = page.next ?? undefined;
      } while (cursor !== undefined && items.length < limit);
      if (flags.json === true) io.out(JSON.stringify({ items }, null, 2));
      else if (items.length === 0) io.out('No deployment matches.');
      else io.out(historyTable(items));
    },
  );
  withConnection(
    svt
      .command('compare')
      .description('two environments side by side: what differs, and which side is newer')
      .argument('<from>', 'environment, e.g. staging')
      .argument('<to>', 'environment, e.g. prod')
      .option('--at <instant>', 'as they were then (ISO 8601 instant, or a date)'),
    'read',
  ).action(
    async (from: string, to: string, flags: ConnectionFlags & OutputFlags & { at?: string }) => {
      const comparison = await clientFor(flags, io, 'read', session).compare(from, to, {
        at: flags.at,
      });
      if (flags.json === true) io.out(JSON.stringify(comparison, null, 2));
      else if (comparison.items.length === 0) io.out(`Nothing runs in ${from} or ${to}.`);
      else io.out(compareTable(comparison));
    },
  );
  withConnection(
    svt
      .command('dora')
      .description(
        'DORA figures: deployment frequency, change failure rate, time to restore, lead time',
      )
      .option('--env <env>', 'only this environment (default: all)')
      .option('--app <app>', 'only this application (default: all)')
      .addOption(withDefault('--window <window>', 'how far back: 24h, 30d, 12w', '30d'))
      .option('--until <instant>', 'the end of the window (default: now)'),
    'read',
  ).action(
    async (
      flags: ConnectionFlags &
        OutputFlags & { env?: string; app?: string; window: string; until?: string },
    ) => {
      const report = await clientFor(flags, io, 'read', session).dora({
        env: flags.env,
        app: flags.app,
        window: flags.window,
        until: flags.until,
      });
      io.out(flags.json === true ? JSON.stringify(report, null, 2) : doraText(report));
    },
  );
  withConnection(
    svt
      .command('changelog')
      .description(
        "the commits an app's current deployment brought over the one before it, or those waiting to be promoted (--from, --to), from this directory's git clone",
      )
      .argument('<names...>', '<env> <app>, or <app> with --from and --to')
      .option('--from <env>', 'the environment whose deployment would be promoted, e.g. staging')
      .option('--to <env>', 'the environment it would be promoted to, e.g. prod'),
    'read',
  ).action(async (names: string[], flags: ConnectionFlags & OutputFlags & ChangelogFlags) => {
    const result = await changelogOf(names, flags, clientFor(flags, io, 'read', session), io);
    io.out(flags.json === true ? JSON.stringify(result, null, 2) : changelogText(result));
  });
  return svt;
}

/**
 * `io` with every line made safe for where it is read (terminal.ts): control
 * characters escaped; in GitHub Actions, no line read as a workflow command.
 */
function guarded(io: CliIo): CliIo {
  const github = io.env.GITHUB_ACTIONS === 'true';
  const safe = (text: string) =>
    github ? withoutWorkflowCommands(terminalText(text)) : terminalText(text);
  return { env: io.env, out: (text) => io.out(safe(text)), err: (text) => io.err(safe(text)) };
}

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function run(argv: readonly string[], raw: CliIo): Promise<number> {
  const io = guarded(raw);
  const session: Session = { timeout: null };
  try {
    await program(io, session).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.err(`svt: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof ChangelogError) {
      io.err(`svt: ${err.message}`);
      return EXIT.refused;
    }
    if (err instanceof SvtError) {
      // Given up on (not refused): say how long that was, and so how to wait longer.
      const budget =
        err.transient && session.timeout !== null
          ? `; gave up after --timeout ${session.timeout}`
          : '';
      io.err(`svt: ${err.message}${budget}`);
      // No answer at all (a TLS certificate refused) is unreachable, not refused.
      return err.transient || err.status === null ? EXIT.unavailable : EXIT.refused;
    }
    throw err;
  }
}

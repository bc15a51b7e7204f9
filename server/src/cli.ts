/**
 * `svt-server`: starts the server (the default command), and the admin
 * commands: tokens, export, import, import-legacy, backup. Only the server
 * creates its database (admin-database.ts).
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { CREATE_DB_FLAG, describeDatabase, refusedDatabase, sqlitePath } from './admin-database.js';
import { type Config, ConfigError, parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { backupFile, exportAll, importFile } from './data-commands.js';
import { importLegacyDir, importLegacyMongo } from './legacy-import.js';
import { packageVersion } from './version.js';
import { createStore } from './store/index.js';
import type { MigrationSummary } from './store/sqlite-connection.js';
import type { Store } from './store/types.js';
import {
  CommandError,
  createToken,
  listTokens,
  revokeToken,
  type Output,
} from './token-commands.js';
import { terminalText } from './terminal.js';
import { counted } from './words.js';

const ENVIRONMENT_HELP = `
Environment variables:
  SVT_PORT             port to listen on (default 5000; 0 picks a free port and logs it)
  SVT_HOST             address to listen on (default 127.0.0.1)
  SVT_DB               SQLite database file (default ./data/svt.db, relative to the working directory)
  SVT_MONGODB_URL      MongoDB connection string (a replica set); when set, MongoDB stores everything
  SVT_MONGODB_DB       MongoDB database name (default svt)
  SVT_VERSION_PATTERN  regular expression every version must match, on every route (default unset)
  SVT_LOG_LEVEL        fatal, error, warn, info, debug, trace or silent (default info)
  SVT_ENV_ORDER        environments in promotion order for the pages and the API's lists, e.g. dev,staging,prod;
                       others follow (default: by the stage names say, dev test qa staging uat prod, then first seen)
  SVT_RETENTION_DAYS   prune history older than this many days, never an app's current entry (default: keep all)
  SVT_WEBHOOKS         JSON array of hooks, [{"url","format","secret","token","dashboardUID"}], format json,
                       slack, mattermost, teams or grafana (default unset)
  SVT_WEBHOOK_GIVE_UP  how long a webhook delivery is retried before it is given up, 1s-30d (default 24h)
  SVT_PUBLIC_URL       this server's address as people reach it, for links in webhook messages (default unset)
  SVT_FORGES           more forges to link commits to, host=kind, e.g. gitlab.example.com=gitlab (kinds: github, gitlab, bitbucket, gitea)
  SVT_FLUX_HMAC_KEY    the key of Flux's generic-hmac provider: POST /api/v1/hooks/flux then needs a valid X-Signature (default unset)
  SVT_AUTH             on (default) or off: off accepts every request without a token
  SVT_READ_AUTH        open (default) or token: reads need a read token, the pages a login
  SVT_LEGACY_AUTH      on (default) or off: off leaves the seed's POST /create open
  SVT_TLS_CERT         PEM certificate file; with SVT_TLS_KEY the server speaks HTTPS (default unset)
  SVT_TLS_KEY          PEM private key file (default unset)
  SVT_TRUST_PROXY      on behind a reverse proxy: client address from X-Forwarded-For (default off)
  SVT_ALLOWED_HOSTS    host names requests may name in Host besides the loopback ones, e.g. svt.example.com (default: loopback names when bound to loopback)
  SVT_RATE_LIMIT       writes a minute per token or address (default 6000; 0 off)
  SVT_AUTH_FAIL_LIMIT  failed authentications a minute per address (default 10; 0 off)

Admin commands act on the database of SVT_DB or SVT_MONGODB_URL, named on their first line (stderr).
Run them from the directory the server runs in, or with its SVT_DB: they never create a database,
only the server does (token create, import and import-legacy do with ${CREATE_DB_FLAG}).
Tokens: svt-server token create --name <name> --scope <read|write:<env glob>|admin>, token list, token revoke <name>
Backup: svt-server backup <file>, while the server runs (MongoDB: mongodump). Restore: stop the server,
copy the backup over SVT_DB, delete SVT_DB's -wal and -shm files, start it (or point SVT_DB at the backup).
`;

async function serve(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`svt-server: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const newFile = sqlitePath(config);
  const created = newFile !== null && !existsSync(newFile);
  const store = await createStore(config, (m) => logger.info({ migration: m }, migrationText(m)));
  try {
    await store.open();
  } catch (err) {
    logger.fatal({ err }, `cannot open the ${store.kind} store`);
    process.stderr.write(
      `svt-server: cannot open the ${store.kind} store: ${(err as Error).message}\n`,
    );
    process.exit(1);
  }
  if (created) {
    // A server started from another directory than usual finds no data: said once, here.
    logger.info({ database: newFile }, `created a new, empty database at ${newFile}`);
  }
  const running = await startServer(config, store, logger).catch((err: unknown) => {
    process.stderr.write(`svt-server: cannot listen: ${(err as Error).message}\n`);
    process.exit(1);
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    running.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** Where admin commands write: each line through terminalText, so that no control sequence gets through. */
function adminOutput(): Output {
  // Messages quote names and keys read from files and databases.
  return {
    out: (text) => process.stdout.write(`${terminalText(text)}\n`),
    err: (text) => process.stderr.write(`${terminalText(text)}\n`),
  };
}

/**
 * Runs an admin command: reads the settings (exit 2 on a bad one), refuses
 * a database it must not open (exit 1, one line: admin-database.ts), names
 * the database on stderr, then runs `command`; exit 1 (or a CommandError's
 * code) when it throws, with its message.
 * @param create true when the command was given --create-db, false when
 *   not, null for a command that only reads (and so never creates one)
 */
async function adminCommand(
  create: boolean | null,
  command: (config: Config, io: Output) => Promise<void>,
): Promise<void> {
  const io = adminOutput();
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`svt-server: ${err.message}`);
    process.exit(2);
  }
  const refused = refusedDatabase(config, create);
  if (refused !== null) {
    io.err(`svt-server: ${refused}`);
    process.exitCode = 1;
    return;
  }
  // Said when --create-db starts a new file, so that a mistyped path shows at once.
  const path = sqlitePath(config);
  const isNew = path !== null && !existsSync(path) ? ` (new: created by ${CREATE_DB_FLAG})` : '';
  io.err(`svt-server: ${await describeDatabase(config)}${isNew}`);
  try {
    await command(config, io);
  } catch (err) {
    io.err(`svt-server: ${(err as Error).message}`);
    process.exitCode = err instanceof CommandError ? err.exitCode : 1;
  }
}

/**
 * The log line of a migration. From a version to the same one is the
 * VACUUM a migration left, done at this start because the last one was
 * stopped before it (sqlite-connection.ts).
 */
function migrationText(m: MigrationSummary): string {
  const what = `${counted(m.deployments, 'deployment')} in ${Math.round(m.ms)} ms`;
  return m.from === m.to
    ? `SQLite schema version ${m.to}: finished the VACUUM its migration left, ${what}`
    : `SQLite schema migrated from version ${m.from} to ${m.to}: ${what}`;
}

/** An admin command that works on the opened store (see adminCommand); the store is closed after it. */
function withStore(
  create: boolean | null,
  command: (store: Store, io: Output) => Promise<void>,
): Promise<void> {
  return adminCommand(create, async (config, io) => {
    const store = await createStore(config, (m) => io.err(`svt-server: ${migrationText(m)}`));
    try {
      await store.open();
      await command(store, io);
    } finally {
      await store.close();
    }
  });
}

/** Backup of a MongoDB store: MongoDB's own tool, one line. */
function mongodumpAdvice(config: Config): string {
  return (
    'backup copies the SQLite file, and this server stores in MongoDB (SVT_MONGODB_URL): ' +
    `back it up with mongodump --uri="$SVT_MONGODB_URL" --db=${config.mongodbDb} --gzip --archive=svt-backup.gz ` +
    `(restore: mongorestore --uri="$SVT_MONGODB_URL" --gzip --archive=svt-backup.gz --drop)`
  );
}

const CREATE_DB_HELP =
  'create the SQLite file if it does not exist (only the server does otherwise)';

export async function run(argv: string[]): Promise<void> {
  const program = new Command('svt-server')
    .description(
      'SVT, the Stack Versions Tracker server: what version of every app runs in every environment.',
    )
    .version(packageVersion())
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(serve);
  const token = program
    .command('token')
    .description(
      'create, list and revoke API tokens (in the store SVT_DB or SVT_MONGODB_URL names)',
    );
  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption(
      '--name <name>',
      'who uses it, e.g. gitlab-ci (recorded with each deployment it writes)',
    )
    .requiredOption(
      '--scope <scopes>',
      'comma-separated: read, write:<environment glob> (write:prod-*), admin',
    )
    .option(CREATE_DB_FLAG, CREATE_DB_HELP)
    .action((opts: { name: string; scope: string; createDb?: boolean }) =>
      withStore(opts.createDb === true, (store, io) =>
        createToken(store, opts.name, opts.scope, io),
      ),
    );
  token
    .command('list')
    .description('names, scopes, creation and last use; never the secret')
    .action(() => withStore(null, (store, io) => listTokens(store, io)));
  token
    .command('revoke')
    .description('refuse a token from now on')
    .argument('<name>', 'the token name')
    .action((name: string) => withStore(null, (store, io) => revokeToken(store, name, io)));
  program
    .command('export')
    .description(
      'write every deployment to stdout, one JSON object a line (from SVT_DB or SVT_MONGODB_URL)',
    )
    .action(() => withStore(null, (store, io) => exportAll(store, process.stdout, io)));
  program
    .command('import')
    .description(
      'add the deployments of an export file; those already present (same id) are skipped',
    )
    .argument('<file>', 'a file written by svt-server export')
    .option(CREATE_DB_FLAG, `${CREATE_DB_HELP}, e.g. on a new machine`)
    .action((file: string, opts: { createDb?: boolean }) =>
      withStore(opts.createDb === true, (store, io) => importFile(store, file, io)),
    );
  const legacy = program
    .command('import-legacy')
    .description(
      "import the original SVT's data: a folder of mongoexport --jsonArray files, one <environment>.json per collection of its stacks database, or that database itself with --mongodb-url",
    )
    .argument('[dir]', 'the folder of exported collections')
    .option('--mongodb-url <url>', "read the seed's MongoDB instead of files")
    .option('--mongodb-db <name>', 'its database', 'stacks')
    .option(CREATE_DB_FLAG, CREATE_DB_HELP);
  legacy.action(
    (
      dir: string | undefined,
      opts: { mongodbUrl?: string; mongodbDb: string; createDb?: boolean },
    ) => {
      // A usage error first, before anything about the database.
      if ((dir === undefined) === (opts.mongodbUrl === undefined)) {
        legacy.error('svt-server: give either a folder of exported files or --mongodb-url', {
          exitCode: 2,
        });
      }
      return withStore(opts.createDb === true, (store, io) =>
        opts.mongodbUrl === undefined
          ? importLegacyDir(store, dir ?? '', io)
          : importLegacyMongo(store, opts.mongodbUrl, opts.mongodbDb, io),
      );
    },
  );
  program
    .command('backup')
    .description(
      'copy the SQLite database (SVT_DB) to <file>, consistent while the server runs and writes',
    )
    .argument('<file>', 'the copy to write (refused if it exists)')
    .option('--overwrite', 'replace <file> if it exists')
    .action((file: string, opts: { overwrite?: boolean }) =>
      adminCommand(null, async (config, io) => {
        const source = sqlitePath(config);
        if (source === null) throw new CommandError(mongodumpAdvice(config), 1);
        await backupFile(source, file, opts.overwrite === true, io);
      }),
    );
  await program.parseAsync(argv);
}

/**
 * The database an admin command (`svt-server token ...`, `export`,
 * `import`, `import-legacy`, `backup`) acts on: named on its first line, and
 * never created by it. SVT_DB is relative to the working directory, so the
 * same command run from another directory would otherwise open (and
 * create) another, empty file, and a token made there would never work.
 * Only the server creates its database, unless the command is told to.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Config } from './config.js';

/** The flag that lets a command that adds data (token create, import, import-legacy) start a new SQLite file. */
export const CREATE_DB_FLAG = '--create-db';

/** The SQLite file of `config` as an absolute path (relative to the working directory); null with MongoDB. */
export function sqlitePath(config: Config): string | null {
  return config.mongodbUrl === null ? resolve(config.dbPath) : null;
}

/**
 * One line naming the database of `config`: `SQLite database <absolute
 * path>`, or `MongoDB database <name> at <URL>` with the URL's password
 * (and the secrets a URL's options may hold) masked by the driver's own
 * connection-string library, loaded only for MongoDB.
 */
export async function describeDatabase(config: Config): Promise<string> {
  if (config.mongodbUrl === null) return `SQLite database ${resolve(config.dbPath)}`;
  const { redactConnectionString } = await import('mongodb-connection-string-url');
  const url = redactConnectionString(config.mongodbUrl, {
    redactUsernames: false,
    replacementString: '****',
  });
  return `MongoDB database ${config.mongodbDb} at ${url}`;
}

/**
 * Why an admin command must not open the database of `config`, or null
 * when it may: a SQLite file that does not exist (unless `create` is true),
 * or a path that is a directory. MongoDB has no file to check: its
 * database is whatever the URL reaches. `create` is null for commands that
 * only read (a new database would be empty): their message names the
 * commands that take the flag instead.
 */
export function refusedDatabase(config: Config, create: boolean | null): string | null {
  const path = sqlitePath(config);
  if (path === null) return null;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) {
    return `SVT_DB must name a SQLite file, got ${path}, a directory`;
  }
  // An empty file is no database either (`: > svt.db`): SQLite would make
  // one inside it as readily as a new file.
  if ((stat !== undefined && stat.size > 0) || create === true) return null;
  const relative = !isAbsolute(config.dbPath);
  const given = relative ? `SVT_DB ${config.dbPath}, relative to the working directory` : 'SVT_DB';
  const point = relative
    ? "run this from the directory the server runs in, or set SVT_DB to the server's file"
    : "set SVT_DB to the server's file";
  const tail =
    create === null
      ? ` (this command never creates one; token create, import and import-legacy take ${CREATE_DB_FLAG})`
      : `, or pass ${CREATE_DB_FLAG} to create a new, empty one there`;
  return (
    `no database at ${path}${stat === undefined ? '' : ' (an empty file)'} (${given}). Only the server (svt-server with no command, npm start) ` +
    `creates its database: ${point}${tail}`
  );
}

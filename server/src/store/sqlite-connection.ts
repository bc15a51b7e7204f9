/**
 * Opening a SQLite connection the one way SVT accepts: WAL, and
 * synchronous=FULL set and checked on every connection (better-sqlite3 builds
 * SQLite with WAL's default of NORMAL, which a power loss can undo).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './sqlite-schema.js';

export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const sync: unknown = db.pragma('synchronous', { simple: true });
    if (sync !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${String(sync)})`);
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Brings the schema to the latest version; refuses a file from a newer SVT. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the database schema is version ${version}, newer than this server knows (${MIGRATIONS.length}): upgrade SVT`,
    );
  }
  MIGRATIONS.slice(version).forEach((migration, i) => {
    db.transaction(() => {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + i + 1}`);
    }).immediate();
  });
}

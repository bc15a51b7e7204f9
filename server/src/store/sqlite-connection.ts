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

/** What migrate() did, for the log: from and to schema versions, rows of the ledger, ms taken. */
export interface MigrationSummary {
  from: number;
  to: number;
  deployments: number;
  ms: number;
}

/**
 * Brings the schema to the latest version, every pending migration in one
 * immediate transaction, so that a kill at any moment leaves the schema it
 * found or the latest one (the next start begins again from the former).
 * When the compact ledger replaced the old tables, VACUUM then returns their
 * pages to the file system (its own transaction; a kill leaves a correct,
 * larger file). Returns what it did, or null when there was nothing to do.
 * Throws for a file from a newer SVT.
 */
export function migrate(db: Database.Database): MigrationSummary | null {
  const started = performance.now();
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the database schema is version ${version}, newer than this server knows (${MIGRATIONS.length}): upgrade SVT`,
    );
  }
  if (version === MIGRATIONS.length) return null;
  db.transaction(() => {
    for (const migration of MIGRATIONS.slice(version)) {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  const deployments = db.prepare('SELECT COUNT(*) FROM ledger').pluck().get() as number;
  if (version > 0 && version < COMPACT_VERSION) {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return { from: version, to: MIGRATIONS.length, deployments, ms: performance.now() - started };
}

/** The schema version whose migration made the compact ledger. */
const COMPACT_VERSION = 7;

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
 * Then the tasks a migration left for after its transaction (pending_tasks):
 * a VACUUM, when the compact ledger replaced the old tables, returns their
 * pages to the file system. A kill during it leaves a correct, larger file
 * and the task still pending, so the next start does it again. Returns what
 * it did, or null when there was nothing to do. Throws for a file from a
 * newer SVT.
 */
export function migrate(db: Database.Database): MigrationSummary | null {
  const started = performance.now();
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the database schema is version ${version}, newer than this server knows (${MIGRATIONS.length}): upgrade SVT`,
    );
  }
  if (version === MIGRATIONS.length) return pendingTasks(db) ? summary(db, version, started) : null;
  db.transaction(() => {
    for (const migration of MIGRATIONS.slice(version)) {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  pendingTasks(db);
  return summary(db, version, started);
}

function summary(db: Database.Database, from: number, started: number): MigrationSummary {
  const deployments = db.prepare('SELECT COUNT(*) FROM ledger').pluck().get() as number;
  return { from, to: MIGRATIONS.length, deployments, ms: performance.now() - started };
}

/** Runs the tasks a migration left (pending_tasks); true when there were any. */
function pendingTasks(db: Database.Database): boolean {
  const tasks = db.prepare('SELECT task FROM pending_tasks').pluck().all() as string[];
  for (const task of tasks) {
    if (task !== 'vacuum') throw new Error(`unknown pending task ${JSON.stringify(task)}`);
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('DELETE FROM pending_tasks WHERE task = ?').run(task);
  }
  return tasks.length > 0;
}

/**
 * A copy of the SQLite file through SQLite's online backup API
 * (better-sqlite3's `db.backup`), taken beside a running server: it reads
 * one snapshot, so it is consistent whatever the server writes meanwhile,
 * and in WAL mode it never blocks the server's writes.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from './sqlite-connection.js';

/** What a backup wrote. */
export interface BackupSummary {
  /** The file written (as given). */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Deployments it holds. */
  deployments: number;
}

/**
 * Pages per step of the backup: all of them in one. SQLite restarts a
 * backup whenever another connection writes between two steps, so in
 * better-sqlite3's default steps of 100 pages a backup beside a busy
 * server may never end (measured here: a 20 MB file beside one write
 * every 5 ms took 9,275 steps and 1.9 s instead of 51 steps; in one step,
 * 70 ms). One step reads one snapshot in one read transaction, which in
 * WAL mode the server's writer goes on beside.
 */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database at `source` (which must exist: opened as the server
 * opens it, never migrated, so that a backup taken before an upgrade is
 * the file as it was) to `target`, through `<target>.partial` renamed
 * into place once complete, so that `target` is never a half-written
 * file. The caller checks that `target` may be replaced: its `-wal` and
 * `-shm` files, if any, are removed just before the rename (SQLite would
 * apply a stale log to the new file). Throws SQLite's or the file
 * system's errors; until the rename, an existing `target` stays as it was.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupSummary> {
  const partial = `${target}.partial`;
  // Left by a backup that was killed: ours to replace.
  for (const file of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`]) {
    rmSync(file, { force: true });
  }
  const db = openDatabase(source);
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  // Opening the copy proves it is a database; closing it (its last
  // connection) leaves one self-contained file, without -wal or -shm.
  const copy = new Database(partial, { fileMustExist: true });
  let deployments: number;
  try {
    deployments = countDeployments(copy);
  } finally {
    copy.close();
  }
  for (const file of [`${target}-wal`, `${target}-shm`]) rmSync(file, { force: true });
  renameSync(partial, target);
  syncDirectory(dirname(target));
  return { path: target, bytes: statSync(target).size, deployments };
}

/** Rows of the ledger: `ledger` since schema 7, `deployments` before. */
function countDeployments(db: Database.Database): number {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('ledger', 'deployments')",
    )
    .pluck()
    .all() as string[];
  const table = tables.includes('ledger') ? 'ledger' : tables[0];
  if (table === undefined) return 0;
  return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
}

/** Makes a rename in `dir` survive a power loss, as the copy's own commit does. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

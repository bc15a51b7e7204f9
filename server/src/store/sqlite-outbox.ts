/**
 * The SQLite webhook outbox (table `outbox`, migration 9; the contract is
 * outbox-types.ts). Synchronous, one connection: the writer thread
 * (sqlite-writer-thread.ts) runs every change, each in its own immediate
 * transaction (deliveries are inserted within the deployment's, by
 * LedgerWriter); reader threads run the lists and counts, whose cost grows
 * with the backlog, off the HTTP thread.
 */
import type Database from 'better-sqlite3';
import {
  type DeliveryOutcome,
  type DeliveryRecord,
  type OutboxItem,
  type OutboxStat,
  eventId,
} from './outbox-types.js';

const PENDING = 0;
const FAILED = 1;

type Row = [string, string, string, number, number, number, number, number, number | null];
type RecordRow = [...Row, string | null, number | null];

const ITEM = 'id, hook, event, created_at, since, attempts, state, next_at, failed_at';
const RECORD = `${ITEM}, last_error, last_status`;

function itemOf([id, hook, event, createdAt, since, attempts]: Row | RecordRow): OutboxItem {
  return { id, hook, event, createdAt, since, attempts };
}

function recordOf(row: RecordRow): DeliveryRecord {
  const [, , , , , , state, nextAt, failedAt, lastError, lastStatus] = row;
  return {
    ...itemOf(row),
    state: state === FAILED ? 'failed' : 'pending',
    nextAt,
    failedAt,
    lastError,
    lastStatus,
  };
}

export class OutboxTable {
  private readonly s: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.s = prepare(db);
  }

  /** One pending delivery per hook key, due now. Inside the caller's transaction. */
  enqueue(deploymentId: string, hooks: readonly string[], event: string, now: number): void {
    for (const hook of hooks) {
      this.s.insert.run(eventId(deploymentId, hook), hook, event, now, now, now);
    }
  }

  claim(hook: string, owner: string, now: number, leaseMs: number, limit: number): OutboxItem[] {
    return this.inTransaction(() => {
      const rows = this.s.due.all(hook, now, now, limit) as Row[];
      for (const [id] of rows) this.s.lease.run(owner, now + leaseMs, id);
      return rows.map(itemOf);
    });
  }

  finish(id: string, owner: string, outcome: DeliveryOutcome, now: number): boolean {
    return this.inTransaction(() => {
      switch (outcome.kind) {
        case 'delivered':
          return this.s.delivered.run(id, owner).changes === 1;
        case 'released':
          return this.s.released.run(id, owner).changes === 1;
        case 'retry':
          return (
            this.s.retry.run(outcome.at, outcome.error, outcome.status, id, owner).changes === 1
          );
        case 'failed':
          return this.s.failed.run(now, outcome.error, outcome.status, id, owner).changes === 1;
      }
    });
  }

  release(owner: string | null): number {
    return this.inTransaction(
      () => (owner === null ? this.s.releaseAll.run() : this.s.releaseOwner.run(owner)).changes,
    );
  }

  expire(before: number, now: number, limit: number, reason: string): string[] {
    return this.inTransaction(() => this.s.expire.all(now, reason, before, now, limit) as string[]);
  }

  trimFailed(keep: number): number {
    return this.inTransaction(() => this.s.trim.run(keep).changes);
  }

  redeliver(id: string, now: number): DeliveryRecord | null {
    return this.inTransaction(() => {
      if (this.s.redeliver.run(now, now, id).changes === 0) return null;
      return recordOf(this.s.byId.get(id) as RecordRow);
    });
  }

  list(state: 'pending' | 'failed', limit: number): DeliveryRecord[] {
    const rows = (state === 'failed' ? this.s.failedList : this.s.pendingList).all(
      limit,
    ) as RecordRow[];
    return rows.map(recordOf);
  }

  stats(): OutboxStat[] {
    const byHook = new Map<string, OutboxStat>();
    for (const [state, hook, count, oldest] of this.s.stats.all() as [
      number,
      string,
      number,
      number,
    ][]) {
      const stat = byHook.get(hook) ?? { hook, pending: 0, oldestSince: null, failed: 0 };
      if (state === FAILED) stat.failed = count;
      else {
        stat.pending = count;
        stat.oldestSince = oldest;
      }
      byHook.set(hook, stat);
    }
    return [...byHook.values()];
  }

  private inTransaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}

function prepare(db: Database.Database) {
  const leaseFree = '(lease_owner IS NULL OR lease_until <= ?)';
  return {
    insert: db.prepare(
      `INSERT INTO outbox (id, hook, event, state, created_at, since, next_at)
       VALUES (?, ?, ?, ${PENDING}, ?, ?, ?)`,
    ),
    due: db
      .prepare(
        `SELECT ${ITEM} FROM outbox
         WHERE hook = ? AND state = ${PENDING} AND next_at <= ? AND ${leaseFree}
         ORDER BY next_at, seq LIMIT ?`,
      )
      .raw(),
    lease: db.prepare('UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?'),
    delivered: db.prepare(`DELETE FROM outbox WHERE id = ? AND lease_owner = ?`),
    released: db.prepare(
      `UPDATE outbox SET lease_owner = NULL, lease_until = 0
       WHERE id = ? AND lease_owner = ? AND state = ${PENDING}`,
    ),
    retry: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, last_status = ?,
         lease_owner = NULL, lease_until = 0
       WHERE id = ? AND lease_owner = ? AND state = ${PENDING}`,
    ),
    failed: db.prepare(
      `UPDATE outbox SET state = ${FAILED}, attempts = attempts + 1, failed_at = ?,
         last_error = ?, last_status = ?, lease_owner = NULL, lease_until = 0
       WHERE id = ? AND lease_owner = ? AND state = ${PENDING}`,
    ),
    releaseAll: db.prepare(
      `UPDATE outbox SET lease_owner = NULL, lease_until = 0 WHERE lease_owner IS NOT NULL`,
    ),
    releaseOwner: db.prepare(
      `UPDATE outbox SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?`,
    ),
    expire: db
      .prepare(
        `UPDATE outbox SET state = ${FAILED}, failed_at = ?, last_error = COALESCE(last_error, ?),
           lease_owner = NULL, lease_until = 0
         WHERE seq IN (
           SELECT seq FROM outbox WHERE state = ${PENDING} AND since < ? AND ${leaseFree}
           LIMIT ?)
         RETURNING hook`,
      )
      .pluck(),
    trim: db.prepare(
      `DELETE FROM outbox WHERE state = ${FAILED} AND seq NOT IN (
         SELECT seq FROM outbox WHERE state = ${FAILED} ORDER BY failed_at DESC, seq DESC LIMIT ?)`,
    ),
    // A failed one starts over; a pending one is brought forward, its lease kept.
    redeliver: db.prepare(
      `UPDATE outbox SET state = ${PENDING}, next_at = ?, since = ?, failed_at = NULL WHERE id = ?`,
    ),
    byId: db.prepare(`SELECT ${RECORD} FROM outbox WHERE id = ?`).raw(),
    failedList: db
      .prepare(
        `SELECT ${RECORD} FROM outbox WHERE state = ${FAILED}
         ORDER BY failed_at DESC, seq DESC LIMIT ?`,
      )
      .raw(),
    pendingList: db
      .prepare(`SELECT ${RECORD} FROM outbox WHERE state = ${PENDING} ORDER BY since, seq LIMIT ?`)
      .raw(),
    stats: db
      .prepare('SELECT state, hook, COUNT(*), MIN(since) FROM outbox GROUP BY state, hook')
      .raw(),
  };
}

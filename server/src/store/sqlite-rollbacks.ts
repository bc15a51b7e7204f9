/**
 * The derived `rollback` flag in the SQLite ledger. Each row carries it (so
 * that every read passes rows on as they are); the writer sets it on insert,
 * from the success before the new one and from whether its version had
 * succeeded in that env and app before it (pair_versions.first_seq, the
 * first success of each version). A success that arrives out of order
 * changes at most two other flags, looked up by index (Reflagging). Only
 * the flag changes: the event's own fields never do.
 */
import type Database from 'better-sqlite3';
import { isRollback, rollbackFlags } from '../rollback.js';
import type { WriterStatements } from './sqlite-writer-statements.js';

/** What a pair knew of a version before a success of it is inserted. */
export interface VersionBefore {
  /** pair_versions has a row for it: a success of it was recorded there, pruned or not. */
  known: boolean;
  /** Whether one of those successes comes before the new one (rollback.ts `ranBefore`). */
  ranBefore: boolean;
  /**
   * The seq of its first success so far when the new one comes before it
   * (the new one becomes the first), else null.
   */
  laterFirst: number | null;
}

/**
 * The flags of a pair's successes kept equal to rollbackFlags over them in
 * (deployed_at, id) order, by the writer, in its transaction. A success
 * recorded after the pair's current one (nearly all) touches nothing else;
 * one recorded out of order changes only: the next success's (it replaces
 * the new one now), and the flag of the first success of the same version
 * after it (that version now ran before it). Both are found by index: the
 * writer's time per write does not grow with the pair's history. (It used
 * to recompute the pair: 0.43-0.57 s per back-dated success at 200,000
 * deployments of one env and app, every other write waiting behind it.)
 */
export class Reflagging {
  constructor(private readonly s: WriterStatements) {}

  /**
   * Before a success of `version` at (at, id) is inserted in `pair`.
   * @param afterEverySuccess it comes after the pair's current success
   *   (then every stored success of its version is before it)
   */
  before(
    pair: number,
    version: string,
    at: number,
    id: Buffer,
    afterEverySuccess: boolean,
  ): VersionBefore {
    const row = this.s.versionFirst.get(pair, version) as [number | null] | undefined;
    if (row === undefined) return { known: false, ranBefore: false, laterFirst: null };
    const [first] = row;
    // It ran before anything kept when its first success is gone: NULL for
    // a version whose successes were all pruned before migration 11, a seq
    // of no row (isBefore answers nothing) for one pruned since.
    if (afterEverySuccess || first === null)
      return { known: true, ranBefore: true, laterFirst: null };
    const firstIsBefore = this.s.isBefore.get(at, id, first) as number | undefined;
    if (firstIsBefore === undefined || firstIsBefore === 1) {
      return { known: true, ranBefore: true, laterFirst: null };
    }
    return { known: true, ranBefore: false, laterFirst: first };
  }

  /**
   * After the success `seq` (`version` at (at, id)) is inserted: records it
   * as its version's first when it is, and, when it came out of order,
   * reflags the two successes it can change. Returns whether a stored flag
   * changed (the caller's cached texts of the pair are then stale).
   */
  after(
    pair: number,
    seq: number,
    version: string,
    at: number,
    id: Buffer,
    was: VersionBefore,
    outOfOrder: boolean,
  ): boolean {
    const s = this.s;
    if (!was.known) s.addVersion.run(pair, version, seq);
    else if (was.laterFirst !== null) s.setVersionFirst.run(seq, pair, version);
    if (!outOfOrder) return false;
    let changed = false;
    // The next success now replaces this one.
    const next = s.nextSuccess.get(pair, at, at, id) as [number, string, number] | undefined;
    if (next !== undefined) {
      const [nextSeq, nextVersion, stored] = next;
      const [firstOfNext] = (s.versionFirst.get(pair, nextVersion) as [number | null]) ?? [null];
      const ranBefore = nextVersion === version || firstOfNext !== nextSeq;
      changed = this.reflag(nextSeq, stored, isRollback(nextVersion, version, ranBefore));
    }
    // The first success of this version after it: that version ran before it now.
    if (was.laterFirst !== null && was.laterFirst !== next?.[0]) {
      const [stored, zAt, zId] = s.rollbackAt.get(was.laterFirst) as [number, number, Buffer];
      const before = s.previousSuccess.get(pair, zAt, zAt, zId) as number | undefined;
      const replaced = before === undefined ? null : (s.versionOf.get(before) as string);
      changed = this.reflag(was.laterFirst, stored, isRollback(version, replaced, true)) || changed;
    }
    return changed;
  }

  private reflag(seq: number, stored: number, flag: boolean): boolean {
    if (stored === (flag ? 1 : 0)) return false;
    this.s.setRollback.run(flag ? 1 : 0, seq);
    return true;
  }
}

/**
 * Migration 5, as released: every document of the version-4 `deployments`
 * table gets `"rollback": false`, then each pair's successes their flags.
 * Frozen with the schema it ran on (JSON documents keyed by names).
 */
export function backfillRollbacks(db: Database.Database): void {
  db.exec(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json('false'))
     WHERE json_extract(doc, '$.rollback') IS NULL`,
  );
  const pairs = db.prepare('SELECT env, app FROM env_apps').all() as { env: string; app: string }[];
  const select = db.prepare(
    `SELECT seq, json_extract(doc, '$.version') AS version, json_extract(doc, '$.rollback') AS flag
     FROM deployments WHERE app = ? AND env = ? AND status = 'success'
     ORDER BY deployed_at, id`,
  );
  const update = db.prepare(
    `UPDATE deployments SET doc = json_set(doc, '$.rollback', json(?)) WHERE seq = ?`,
  );
  for (const { env, app } of pairs) {
    const rows = select.all(app, env) as { seq: number; version: string; flag: number | null }[];
    const flags = rollbackFlags(rows.map((r) => r.version));
    rows.forEach((row, i) => {
      const flag = flags[i] === true;
      if (row.flag !== (flag ? 1 : 0)) update.run(flag ? 'true' : 'false', row.seq);
    });
  }
}

/**
 * The SQLite ledger's write side: records a batch of deployments in one
 * immediate transaction (group commit) and keeps the env/app projection in
 * step. Synchronous and thread-agnostic; sqlite-writer-thread.ts runs it in a
 * worker so that inserts and commits never block the HTTP thread.
 *
 * A refused write (an idempotency key reused with another body) is refused
 * before it writes anything, so it fails alone; any other error aborts the
 * whole batch, none of which was acknowledged.
 */
import type Database from 'better-sqlite3';
import { takesEffect } from '../clock.js';
import { isRollback } from '../rollback.js';
import { idFactory } from './ids.js';
import { deploymentOf } from './shared.js';
import { recomputeRollbacks } from './sqlite-rollbacks.js';
import type { IdempotencyClaim, ImportItem, NewDeployment } from './types.js';

export interface WriteRequest {
  n: number;
  input: NewDeployment;
  claim: IdempotencyClaim | undefined;
}

/** A recorded (or replayed) write; deployments as their stored JSON text. */
export interface WrittenText {
  deployment: string;
  previous: string | null;
  /** Whether it became (or, replayed, had become) its env and app's current deployment. */
  current: boolean;
  /** When not current: the deployment that was current instead, if any. */
  currentDeployment: string | null;
  firstInEnv: boolean;
  replayed: boolean;
}

export type WriteOutcome =
  | { n: number; ok: true; written: WrittenText }
  /** `reusedKey`: the idempotency key that was reused with another body. */
  | { n: number; ok: false; reusedKey: string };

interface EnvAppRow {
  current_seq: number | null;
  current_at: number | null;
  current_id: string | null;
  latest_seq: number;
  latest_at: number;
  latest_id: string;
  /** The current deployment's stored JSON, when there is one. */
  current_doc: string | null;
  /** The current deployment's version, when there is one. */
  current_version: string | null;
}

/** The projection row as the statement returns it: columns in EnvAppRow's order. */
type EnvAppTuple = [
  number | null,
  number | null,
  string | null,
  number,
  number,
  string,
  string | null,
  string | null,
];

/**
 * The projection row is read once per deployment, as an array: better-sqlite3
 * builds an object per row by interning each column name again, which cost
 * the writer 4-5% of its CPU (bench/writer-pair.mjs, both orders).
 */
function envAppRow(row: EnvAppTuple | undefined): EnvAppRow | undefined {
  if (row === undefined) return undefined;
  const [
    current_seq,
    current_at,
    current_id,
    latest_seq,
    latest_at,
    latest_id,
    current_doc,
    current_version,
  ] = row;
  return {
    current_seq,
    current_at,
    current_id,
    latest_seq,
    latest_at,
    latest_id,
    current_doc,
    current_version,
  };
}

interface KeyedRow {
  id: string;
  env: string;
  app: string;
  seq: number;
  previous_id: string | null;
  idem_hash: string | null;
  doc: string;
}

/** (at1, id1) after (at2, id2) in the ledger's order. */
function isAfter(at1: number, id1: string, at2: number, id2: string): boolean {
  return at1 > at2 || (at1 === at2 && id1 > id2);
}

export class LedgerWriter {
  private readonly s: ReturnType<typeof prepare>;
  private readonly nextId = idFactory();

  constructor(private readonly db: Database.Database) {
    this.s = prepare(db);
  }

  /** Writes the batch in one transaction; returns one outcome per request, in order. */
  write(batch: WriteRequest[]): WriteOutcome[] {
    return this.db
      .transaction(() =>
        batch.map((req): WriteOutcome => {
          const earlier = req.claim === undefined ? null : this.replay(req.claim);
          if (earlier === 'reused') return { n: req.n, ok: false, reusedKey: req.claim?.key ?? '' };
          return { n: req.n, ok: true, written: earlier ?? this.insert(req.input, req.claim) };
        }),
      )
      .immediate();
  }

  /** The first answer for a claim already recorded, 'reused' for another body, null if new. */
  private replay(claim: IdempotencyClaim): WrittenText | 'reused' | null {
    const earlier = this.s.byIdempotency.get(claim.scope, claim.key) as KeyedRow | undefined;
    if (earlier === undefined) return null;
    if (earlier.idem_hash !== claim.fingerprint) return 'reused';
    const previous =
      earlier.previous_id === null
        ? undefined
        : (this.s.docById.get(earlier.previous_id) as string);
    // The first answer's "current": the pair's latest success among the
    // deployments recorded up to this one.
    const then = this.s.currentAsOf.get(earlier.app, earlier.env, earlier.seq) as
      { seq: number; doc: string } | undefined;
    return {
      deployment: earlier.doc,
      previous: previous ?? null,
      current: then?.seq === earlier.seq,
      currentDeployment: then === undefined || then.seq === earlier.seq ? null : then.doc,
      firstInEnv: this.s.earlierInEnv.get(earlier.env, earlier.app, earlier.seq) === undefined,
      replayed: true,
    };
  }

  /**
   * Imports deployments exported from an SVT store, keeping their ids and
   * instants (one dated after now takes effect now: clock.ts), in one
   * transaction; one already present (same id) is skipped. Returns how many
   * were added.
   */
  importMany(items: readonly ImportItem[]): number {
    return this.db
      .transaction(() => {
        let added = 0;
        const now = Date.now();
        for (const item of items) {
          if (this.s.docById.get(item.id) !== undefined) continue;
          const input = { ...item.input, deployedAt: takesEffect(item.input.deployedAt, now) };
          this.insertWith(input, item.id, item.recordedAt, item.idempotencyKey, undefined);
          added += 1;
        }
        return added;
      })
      .immediate();
  }

  /**
   * Deletes at most `limit` deployments deployed before `before` (epoch ms)
   * that are no env and app's current or latest one, in one immediate
   * transaction; returns how many. Retention calls it slice after slice, so
   * that writes run between slices.
   */
  pruneSlice(before: number, limit: number): number {
    return this.db.transaction(() => this.s.pruneSlice.run(before, limit).changes).immediate();
  }

  private insert(input: NewDeployment, claim: IdempotencyClaim | undefined): WrittenText {
    return this.insertWith(input, this.nextId(), Date.now(), claim?.key ?? null, claim);
  }

  /**
   * The latest success of the env and app before (deployedAt, id). A
   * deployment recorded after its app's current one (nearly every one) has
   * that one as previous, read with the projection row; only one recorded
   * out of order searches the per-app index.
   */
  private previousSuccess(
    known: EnvAppRow | undefined,
    input: NewDeployment,
    id: string,
  ): { id: string; seq: number; doc: string } | undefined {
    if (
      known === undefined ||
      known.current_id === null ||
      known.current_at === null ||
      known.current_seq === null
    )
      return undefined;
    if (
      known.current_doc !== null &&
      isAfter(input.deployedAt, id, known.current_at, known.current_id)
    )
      return { id: known.current_id, seq: known.current_seq, doc: known.current_doc };
    return this.s.previousSuccess.get(input.env, input.app, input.deployedAt, id) as
      { id: string; seq: number; doc: string } | undefined;
  }

  /** One insert with the projection kept in step; `claim` is what enforces the key (imports have none). */
  private insertWith(
    input: NewDeployment,
    id: string,
    recordedAt: number,
    idempotencyKey: string | null,
    claim: IdempotencyClaim | undefined,
  ): WrittenText {
    const s = this.s;
    const at = input.deployedAt;
    const known = envAppRow(s.envApp.get(input.env, input.app) as EnvAppTuple | undefined);
    const previous = this.previousSuccess(known, input, id);
    const success = input.status === 'success';
    const becomesCurrent =
      success &&
      (known === undefined ||
        known.current_at === null ||
        isAfter(at, id, known.current_at, known.current_id ?? ''));
    // A success after every other one (nearly all) is judged against the one
    // it replaces; one recorded out of order changes the flags of those after
    // it too, so the pair is recomputed below. Adding the version to the set
    // of those that ran there tells, in one statement, whether it had run.
    const ranBefore =
      success && s.addVersion.run(input.env, input.app, input.version).changes === 0;
    const rollback =
      becomesCurrent && isRollback(input.version, known?.current_version ?? null, ranBefore);
    const deployment = deploymentOf(input, id, recordedAt, idempotencyKey, rollback);
    const seq = Number(
      s.insert.run(
        id,
        input.env,
        input.app,
        input.status,
        at,
        previous?.id ?? null,
        claim?.scope ?? null,
        claim?.key ?? null,
        claim?.fingerprint ?? null,
        JSON.stringify(deployment),
      ).lastInsertRowid,
    );
    const reordered =
      success && !becomesCurrent && recomputeRollbacks(this.db, input.env, input.app) > 0;
    if (known === undefined) {
      s.insertEnvApp.run(
        input.env,
        input.app,
        seq,
        success ? seq : null,
        success ? at : null,
        success ? id : null,
        seq,
        at,
        id,
      );
    } else {
      const becomesLatest = isAfter(at, id, known.latest_at, known.latest_id);
      if (becomesCurrent || becomesLatest) {
        s.updateEnvApp.run(
          becomesCurrent ? seq : known.current_seq,
          becomesCurrent ? at : known.current_at,
          becomesCurrent ? id : known.current_id,
          becomesLatest ? seq : known.latest_seq,
          becomesLatest ? at : known.latest_at,
          becomesLatest ? id : known.latest_id,
          input.env,
          input.app,
        );
      }
    }
    const docOf = (rowSeq: number) => s.docBySeq.get(rowSeq) as string;
    return {
      deployment: reordered ? docOf(seq) : JSON.stringify(deployment),
      previous: previous === undefined ? null : reordered ? docOf(previous.seq) : previous.doc,
      current: becomesCurrent,
      currentDeployment:
        becomesCurrent || known?.current_seq == null
          ? null
          : reordered
            ? docOf(known.current_seq)
            : known.current_doc,
      firstInEnv: known === undefined,
      replayed: false,
    };
  }
}

function prepare(db: Database.Database) {
  return {
    pruneSlice: db.prepare(
      `DELETE FROM deployments WHERE seq IN (
         SELECT seq FROM deployments WHERE deployed_at < ?
           AND seq NOT IN (SELECT current_seq FROM env_apps WHERE current_seq IS NOT NULL)
           AND seq NOT IN (SELECT latest_seq FROM env_apps)
         LIMIT ?)`,
    ),
    byIdempotency: db.prepare(
      `SELECT id, env, app, seq, previous_id, idem_hash, doc FROM deployments
       WHERE idem_scope = ? AND idem_key = ?`,
    ),
    docById: db.prepare('SELECT doc FROM deployments WHERE id = ?').pluck(),
    docBySeq: db.prepare('SELECT doc FROM deployments WHERE seq = ?').pluck(),
    currentAsOf: db.prepare(
      `SELECT seq, doc FROM deployments WHERE app = ? AND env = ? AND status = 'success'
         AND seq <= ? ORDER BY deployed_at DESC, id DESC LIMIT 1`,
    ),
    addVersion: db.prepare(
      'INSERT OR IGNORE INTO env_app_versions (env, app, version) VALUES (?, ?, ?)',
    ),
    earlierInEnv: db.prepare(
      'SELECT 1 FROM deployments WHERE env = ? AND app = ? AND seq < ? LIMIT 1',
    ),
    previousSuccess: db.prepare(
      `SELECT id, seq, doc FROM deployments WHERE env = ? AND app = ? AND status = 'success'
         AND (deployed_at, id) < (?, ?) ORDER BY deployed_at DESC, id DESC LIMIT 1`,
    ),
    insert: db.prepare(
      `INSERT INTO deployments (id, env, app, status, deployed_at, previous_id, idem_scope, idem_key,
         idem_hash, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    envApp: db
      .prepare(
        `SELECT ea.current_seq, ea.current_at, ea.current_id, ea.latest_seq, ea.latest_at,
           ea.latest_id, d.doc AS current_doc, json_extract(d.doc, '$.version') AS current_version
         FROM env_apps ea LEFT JOIN deployments d ON d.seq = ea.current_seq
         WHERE ea.env = ? AND ea.app = ?`,
      )
      .raw(),
    insertEnvApp: db.prepare(
      `INSERT INTO env_apps (env, app, first_seq, current_seq, current_at, current_id, latest_seq,
         latest_at, latest_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateEnvApp: db.prepare(
      `UPDATE env_apps SET current_seq = ?, current_at = ?, current_id = ?, latest_seq = ?,
         latest_at = ?, latest_id = ? WHERE env = ? AND app = ?`,
    ),
  };
}

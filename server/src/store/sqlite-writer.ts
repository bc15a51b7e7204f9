/**
 * The SQLite ledger's write side: records a batch of deployments in one
 * immediate transaction (group commit) and keeps the env/app projection in
 * step. Synchronous and thread-agnostic; sqlite-writer-thread.ts runs it in a
 * worker so that inserts and commits never block the HTTP thread.
 *
 * A refused write (an idempotency key reused with another body) is refused
 * before it writes anything, so it fails alone; any other error aborts the
 * whole batch, none of which was acknowledged.
 *
 * Tables (sqlite-compact.ts, migrations 7 to 12): names live once in `envs`
 * and `apps`, each (env, app) once in `pairs` with its current and latest
 * deployment; `ledger` rows refer to their pair, a URL used again and a
 * claim's scope by integer; deliveries go into `outbox` (sqlite-outbox.ts).
 */
import type Database from 'better-sqlite3';
import { takesEffect } from '../clock.js';
import { isRollback } from '../rollback.js';
import { idFactory } from './ids.js';
import { deploymentOf } from './shared.js';
import { CurrentTexts } from './sqlite-current-texts.js';
import { type DocRow, STATUS_CODE, docText } from './sqlite-docs.js';
import { decodeId, encodeId, idTime } from './sqlite-ids.js';
import { Reflagging } from './sqlite-rollbacks.js';
import { OutboxTable } from './sqlite-outbox.js';
import { prepare, type WriterStatements } from './sqlite-writer-statements.js';
import { eventText } from './outbox-types.js';
import type { IdempotencyClaim, ImportItem, NewDeployment } from './types.js';

export interface WriteRequest {
  n: number;
  input: NewDeployment;
  claim: IdempotencyClaim | undefined;
  /** Keys of the hooks to deliver it to (sqlite-outbox.ts), in the same transaction. */
  hooks: readonly string[];
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

/** The pair's projection row: its id, latest and current deployments (seq, epoch ms, id text). */
interface PairState {
  pair: number;
  latestSeq: number;
  latestAt: number;
  latestId: string;
  currentSeq: number | null;
  currentAt: number;
  currentId: string;
  currentVersion: string | null;
}

type PairTuple = [
  number,
  number,
  number,
  Uint8Array,
  number | null,
  number | null,
  Uint8Array | null,
  string | null,
];

/** (at1, id1) after (at2, id2) in the ledger's order. */
function isAfter(at1: number, id1: string, at2: number, id2: string): boolean {
  return at1 > at2 || (at1 === at2 && id1 > id2);
}

/** Where a stored fingerprint (a SHA-256 in hex) takes 32 bytes instead of 64. */
export function packHash(hex: string | null): Buffer | string | null {
  return hex !== null && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : hex;
}

function unpackHash(stored: Uint8Array | string | null): string | null {
  return stored === null || typeof stored === 'string'
    ? stored
    : Buffer.from(stored).toString('hex');
}

export class LedgerWriter {
  private readonly s: WriterStatements;
  /** The rollback flags an insert sets and changes (sqlite-rollbacks.ts). */
  private readonly rollbacks: Reflagging;
  private readonly nextId = idFactory();
  /** Name -> integer key; names are never deleted, so only a rolled-back batch invalidates them. */
  private readonly envIds = new Map<string, number>();
  private readonly appIds = new Map<string, number>();
  private readonly repositoryIds = new Map<string, number>();
  private readonly urlIds = new Map<string, number>();
  private readonly scopeIds = new Map<string, number>();
  /** Each pair's current deployment as JSON text: the next one's `previous`, without a read. */
  private readonly currentTexts = new CurrentTexts();
  /** The webhook outbox on this connection: deliveries go in with their deployment. */
  readonly outbox: OutboxTable;

  constructor(private readonly db: Database.Database) {
    this.s = prepare(db);
    this.rollbacks = new Reflagging(this.s);
    this.outbox = new OutboxTable(db);
  }

  /** Writes the batch in one transaction; returns one outcome per request, in order. */
  write(batch: WriteRequest[]): WriteOutcome[] {
    return this.inTransaction(() =>
      batch.map((req): WriteOutcome => {
        const earlier = req.claim === undefined ? null : this.replay(req.claim);
        if (earlier === 'reused') return { n: req.n, ok: false, reusedKey: req.claim?.key ?? '' };
        return {
          n: req.n,
          ok: true,
          written: earlier ?? this.insert(req.input, req.claim, req.hooks),
        };
      }),
    );
  }

  /**
   * Deletes at most `limit` deployments dated before `before` (epoch ms) that
   * are no env and app's current or latest one, in one immediate
   * transaction of its own, so that the writer thread never waits long.
   * Walks each environment's time index. Returns how many it deleted.
   */
  pruneSlice(before: number, limit: number): number {
    return this.inTransaction(() => {
      let deleted = 0;
      for (const env of this.s.allEnvs.all() as number[]) {
        if (deleted >= limit) break;
        deleted += this.s.prune.run(env, before, limit - deleted).changes;
      }
      return deleted;
    });
  }

  /**
   * The caches hold only committed rows: a failed transaction empties them.
   * The current texts are checked inside the transaction, once it holds the
   * write lock, so that no other connection can commit between the check
   * and the writes.
   */
  private inTransaction<T>(work: () => T): T {
    try {
      return this.db
        .transaction(() => {
          this.currentTexts.sync(this.db);
          return work();
        })
        .immediate();
    } catch (err) {
      this.envIds.clear();
      this.appIds.clear();
      this.repositoryIds.clear();
      this.urlIds.clear();
      this.scopeIds.clear();
      this.currentTexts.clear();
      throw err;
    }
  }

  /** Row `seq` of `pair` as JSON text: remembered if it is the pair's current one, else read. */
  private docOf(seq: number, pair: number): string | null {
    const known = this.currentTexts.get(pair, seq);
    if (known !== undefined) return known;
    const row = this.s.docBySeq.get(seq) as DocRow | undefined;
    return row === undefined ? null : docText(row);
  }

  /** The first answer for a claim already recorded, 'reused' for another body, null if new. */
  private replay(claim: IdempotencyClaim): WrittenText | 'reused' | null {
    const earlier = this.s.byIdempotency.get(claim.scope, claim.key) as
      [number, number, number, Uint8Array, Uint8Array | string | null] | undefined;
    if (earlier === undefined) return null;
    const [seq, pair, at, id, hash] = earlier;
    if (unpackHash(hash) !== claim.fingerprint) return 'reused';
    // The first answer's "previous" and "current": the pair's latest success
    // before it, and its latest success, among the deployments recorded up
    // to this one.
    const previousSeq = this.s.previousAsOf.get(pair, seq, at, at, id) as number | undefined;
    const then = this.s.currentAsOf.get(pair, seq) as number | undefined;
    return {
      deployment: this.docOf(seq, pair) ?? '',
      previous: previousSeq === undefined ? null : this.docOf(previousSeq, pair),
      current: then === seq,
      currentDeployment: then === undefined || then === seq ? null : this.docOf(then, pair),
      firstInEnv: this.s.earlierInPair.get(pair, seq) === undefined,
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
    return this.inTransaction(() => {
      let added = 0;
      const now = Date.now();
      for (const item of items) {
        if (this.s.idExists.get(encodeId(item.id)) !== undefined) continue;
        const input = { ...item.input, deployedAt: takesEffect(item.input.deployedAt, now) };
        this.insertWith(input, item.id, item.recordedAt, item.idempotencyKey, undefined);
        added += 1;
      }
      return added;
    });
  }

  /** A new deployment, and its deliveries to `hooks` in the same transaction. */
  private insert(
    input: NewDeployment,
    claim: IdempotencyClaim | undefined,
    hooks: readonly string[],
  ): WrittenText {
    // The id is made at the recording instant, which it then holds (idTime).
    const now = Date.now();
    const id = this.nextId(now);
    const written = this.insertWith(input, id, now, claim?.key ?? null, claim);
    if (hooks.length > 0) this.outbox.enqueue(id, hooks, eventText(written), now);
    return written;
  }

  /** The integer key of a name (a repository's URL, a claim's scope), added on first use. */
  private keyOf(
    cache: Map<string, number>,
    name: string,
    table: 'env' | 'app' | 'repository' | 'scope',
  ): number {
    let key = cache.get(name);
    if (key === undefined) {
      const s = this.s;
      const [find, add] = {
        env: [s.envId, s.addEnv] as const,
        app: [s.appId, s.addApp] as const,
        repository: [s.repositoryId, s.addRepository] as const,
        scope: [s.scopeId, s.addScope] as const,
      }[table];
      key = (find.get(name) as number | undefined) ?? Number(add.run(name).lastInsertRowid);
      cache.set(name, key);
    }
    return key;
  }

  private pairState(env: number, app: number): PairState | undefined {
    const row = this.s.pairState.get(env, app) as PairTuple | undefined;
    if (row === undefined) return undefined;
    const [pair, latestSeq, latestAt, latestId, currentSeq, currentAt, currentId, version] = row;
    return {
      pair,
      latestSeq,
      latestAt,
      latestId: decodeId(latestId),
      currentSeq,
      currentAt: currentAt ?? 0,
      currentId: currentId === null ? '' : decodeId(currentId),
      currentVersion: version,
    };
  }

  /**
   * The latest success of the pair before (deployedAt, id). A deployment
   * recorded after its pair's current one (nearly every one) has that one as
   * previous; only one recorded out of order searches the pair's index.
   */
  private previousSuccess(known: PairState | undefined, at: number, id: string): number | null {
    if (known === undefined || known.currentSeq === null) return null;
    if (isAfter(at, id, known.currentAt, known.currentId)) return known.currentSeq;
    return (this.s.previousSuccess.get(known.pair, at, at, encodeId(id)) as number) ?? null;
  }

  /**
   * A row's url (migration 12): its key in `urls` once a third deployment
   * uses it (two of the pair's latest URL_WINDOW have it: blue/green and
   * started-then-success too), its text until then. An app's address is
   * held once; a preview's, used once or twice (started, success), stays in
   * its rows, out of the dictionary, which retention does not prune.
   */
  private urlOf(url: string | null, pair: number | undefined): number | string | null {
    if (url === null) return null;
    const key = this.urlIds.get(url) ?? (this.s.urlId.get(url) as number | undefined);
    if (
      key === undefined &&
      (pair === undefined || (this.s.recentUses.get(pair, url) as number) < 2)
    ) {
      return url;
    }
    const kept = key ?? Number(this.s.addUrl.run(url).lastInsertRowid);
    if (this.urlIds.size >= 10_000) this.urlIds.clear(); // a miss is one index read
    this.urlIds.set(url, kept);
    return kept;
  }

  /** The version of success `seq` of a pair: its current one's is known without a read. */
  private versionOf(seq: number | null, known: PairState | undefined): string | null {
    if (seq === null) return null;
    return seq === known?.currentSeq ? known.currentVersion : (this.s.versionOf.get(seq) as string);
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
    const env = this.keyOf(this.envIds, input.env, 'env');
    const app = this.keyOf(this.appIds, input.app, 'app');
    const known = this.pairState(env, app);
    const pair = known?.pair ?? Number(s.addPair.run(env, app).lastInsertRowid);
    const previous = this.previousSuccess(known, at, id);
    const success = input.status === 'success';
    const becomesCurrent =
      success && (known?.currentSeq == null || isAfter(at, id, known.currentAt, known.currentId));
    // A success is judged against the one it replaces (the success before
    // it) and the versions that succeeded before it; one recorded out of
    // order changes at most two flags after it, reflagged below.
    const storedId = encodeId(id);
    const ran = success
      ? this.rollbacks.before(pair, input.version, at, storedId, becomesCurrent)
      : null;
    const rollback =
      ran !== null && isRollback(input.version, this.versionOf(previous, known), ran.ranBefore);
    const attributes = Object.keys(input.attributes).length === 0 ? null : input.attributes;
    const seq = Number(
      s.insert.run(
        storedId,
        pair,
        env,
        STATUS_CODE[input.status],
        at,
        recordedAt - idTime(storedId),
        input.version,
        rollback ? 1 : 0,
        input.commit,
        input.committedAt,
        input.ref,
        this.urlOf(input.url, known?.pair),
        input.pipelineUrl,
        input.actor,
        input.source,
        attributes === null ? null : JSON.stringify(attributes),
        input.recordedBy,
        idempotencyKey,
        claim === undefined ? null : this.keyOf(this.scopeIds, claim.scope, 'scope'),
        packHash(claim?.fingerprint ?? null),
        input.repository === null
          ? null
          : this.keyOf(this.repositoryIds, input.repository, 'repository'),
      ).lastInsertRowid,
    );
    const reordered =
      ran !== null &&
      this.rollbacks.after(pair, seq, input.version, at, storedId, ran, !becomesCurrent);
    if (reordered) this.currentTexts.forget(pair);
    const becomesLatest = known === undefined || isAfter(at, id, known.latestAt, known.latestId);
    if (known === undefined) {
      s.setPair.run(seq, success ? seq : null, seq, pair);
    } else if (becomesCurrent || becomesLatest) {
      s.updatePair.run(
        becomesCurrent ? seq : known.currentSeq,
        becomesLatest ? seq : known.latestSeq,
        pair,
      );
    }
    const currentSeq = known?.currentSeq ?? null;
    const deployment = JSON.stringify(
      deploymentOf(input, id, recordedAt, idempotencyKey, rollback),
    );
    const previousText = previous === null ? null : this.docOf(previous, pair);
    if (becomesCurrent) this.currentTexts.set(pair, seq, deployment);
    return {
      deployment,
      previous: previousText,
      current: becomesCurrent,
      currentDeployment:
        becomesCurrent || currentSeq === null ? null : this.docOf(currentSeq, pair),
      firstInEnv: known === undefined,
      replayed: false,
    };
  }
}

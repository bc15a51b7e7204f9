/**
 * Every read of the SQLite ledger, synchronous, on one connection. The HTTP
 * thread's store (sqlite.ts) runs the cheap ones itself; reads whose cost
 * grows with history run in reader threads (sqlite-reader-thread.ts), each
 * with its own connection and its own LedgerReads. Deployments come out as
 * JSON text built from the ledger's columns (sqlite-docs.ts), byte for byte
 * what the API answers, so that nothing is parsed here.
 */
import type Database from 'better-sqlite3';
import {
  DOC_COLUMNS,
  DOC_JOINS,
  type DocRow,
  STATUS_CODE,
  STATUSES,
  docText,
} from './sqlite-docs.js';
import { sortByName } from '../names.js';
import { prepare } from './sqlite-read-statements.js';
import { decodeId, encodeId } from './sqlite-ids.js';
import type { DoraPage } from '../dora-report.js';
import type { HistoryPosition, HistoryQuery } from './types.js';

/** One page of history as JSON texts, newest first, and where the next page starts. */
export interface HistoryText {
  docs: string[];
  next: HistoryPosition | null;
}

export interface EnvRowText {
  env: string;
  apps: number;
  last: number;
}

export interface AppEnvRow {
  app: string;
  env: string;
  latest_at: number;
}

/**
 * What a DORA report reads of a row, in DoraRow's order: the id first and
 * deployed_at sixth (KeyedRow), names by pair, no join. All of it is in
 * the ledger_env_dora index, so a year of an environment is read from that
 * index alone. The id comes as hex text, which orders as its bytes do: a
 * blob costs better-sqlite3 a Buffer per row, which was a third of reading
 * 104,000 rows (BENCHMARKS.md, DORA).
 */
const DORA_COLUMNS =
  'hex(d.id), d.pair, d.version, d.status, d.rollback, d.deployed_at, d.committed_at';
type DoraRow = [string, number, string, number, number, number, number | null];

/**
 * A row of any history query: the id first (its stored bytes, or those as
 * hex text), deployed_at sixth, as in DOC_COLUMNS.
 */
type KeyedRow = [Uint8Array | string, unknown, unknown, unknown, unknown, number, ...unknown[]];

/** The id of a KeyedRow, as stored or as hex text, back to its text. */
const idOfRow = (stored: Uint8Array | string): string =>
  decodeId(typeof stored === 'string' ? Buffer.from(stored, 'hex') : stored);

/** The keys of a merged history page, in KeyedRow's places: id, seq, and deployed_at sixth. */
const KEY_COLUMNS = 'd.id, d.seq, NULL, NULL, NULL, d.deployed_at';
type KeyRow = [Uint8Array, number, null, null, null, number];

/** Newest first by (deployed_at, id): the row's 5 and 0, ids compared as stored (bytewise). */
function newestFirst(a: KeyRow, b: KeyRow): number {
  return b[5] - a[5] || Buffer.compare(b[0], a[0]);
}

/** A ledger row's seq and rollback flag: what identifies its JSON text. */
type SeqRow = [number, number];

/** A SeqRow with its app's name. */
type NamedRow = [number, number, string];

/** Rows of an environment's apps by name as people read them (names.ts), not SQL's byte order. */
function byAppName(rows: NamedRow[]): SeqRow[] {
  return sortByName(rows, (r) => r[2]).map(([seq, rollback]) => [seq, rollback]);
}

/**
 * UTF-16 code units of text a LedgerReads caches at most (2 bytes each in
 * memory): 16 MB, 20 environments of 1,000 apps of the usual 400 bytes. By
 * size, not count: a deployment may carry 20 KB of attributes. Each reader
 * thread and the HTTP thread hold one cache.
 */
const CACHE_UNITS = 8 * 1024 * 1024;

export class LedgerReads {
  private readonly s: ReturnType<typeof prepare>;
  private readonly docs = new Map<number, { rollback: number; text: string }>();
  private cachedUnits = 0;
  /** History statements by SQL text. */
  private readonly pages = new Map<string, Database.Statement>();
  /** Env and app names by pair id. */
  private readonly pairNames = new Map<number, [string, string]>();

  constructor(readonly db: Database.Database) {
    this.s = prepare(db);
  }

  ping(): void {
    this.s.ping.get();
  }

  /** SQLite's data_version: changes whenever any connection commits. */
  dataVersion(): number {
    return this.s.dataVersion.get() as number;
  }

  /** Each app's current deployment (at `at`, epoch ms); null for an unknown environment. */
  currentDocs(env: string, at: number | undefined): string[] | null {
    const id = this.s.envId.get(env) as number | undefined;
    if (id === undefined) return null;
    const rows = at === undefined ? this.s.current.all(id) : this.s.currentAt.all({ at, env: id });
    return this.texts(byAppName(rows as NamedRow[]));
  }

  /** Each app's latest deployment whatever its status (at `at`); null for an unknown environment. */
  latestDocs(env: string, at: number | undefined): string[] | null {
    const id = this.s.envId.get(env) as number | undefined;
    if (id === undefined) return null;
    const rows = at === undefined ? this.s.latest.all(id) : this.s.latestAt.all({ at, env: id });
    return this.texts(byAppName(rows as NamedRow[]));
  }

  /** The JSON text of the deployment with this id (16 bytes, sqlite-ids.ts), or null. */
  docById(id: Buffer): string | null {
    const row = this.s.seqById.get(id) as SeqRow | undefined;
    return row === undefined ? null : (this.texts([row])[0] ?? null);
  }

  /**
   * The latest deployments of `env` (at `at`, epoch ms) that are not its
   * current ones, by app: attempts.ts `openAttempts` of `latestDocs`, with
   * only those rows' documents built. None for an unknown environment.
   */
  attemptsDocs(env: string, at?: number): string[] {
    if (at === undefined) return this.texts(byAppName(this.s.attempts.all(env) as NamedRow[]));
    const id = this.s.envId.get(env) as number | undefined;
    if (id === undefined) return [];
    return this.texts(byAppName(this.s.attemptsAt.all({ at, env: id }) as NamedRow[]));
  }

  /**
   * The JSON texts of ledger rows, from the cache where it holds them. A
   * row never changes but for its rollback flag, which is part of the key,
   * and a seq is never reused (AUTOINCREMENT): so a cached text is always
   * the row's. Current state comes back to the
   * same rows read after read, and a write changes one of them: building
   * each text anew took about 7 us a row, 7 ms for 1,000 apps, where the
   * cache answers in about 0.5 ms.
   */
  private texts(rows: readonly SeqRow[]): string[] {
    return rows.map(([seq, rollback]) => {
      const hit = this.docs.get(seq);
      if (hit !== undefined && hit.rollback === rollback) return hit.text;
      const text = docText(this.s.docBySeq.get(seq) as DocRow);
      if (hit !== undefined) this.cachedUnits -= hit.text.length;
      if (this.cachedUnits + text.length > CACHE_UNITS) {
        this.docs.clear();
        this.cachedUnits = 0;
      }
      this.docs.set(seq, { rollback, text });
      this.cachedUnits += text.length;
      return text;
    });
  }

  /** One page of a history query. */
  history(query: HistoryQuery): HistoryText {
    const { rows, next } = this.historyRows(query, DOC_COLUMNS);
    return { docs: (rows as DocRow[]).map(docText), next };
  }

  /**
   * One page of a history query as DoraEvents: only the columns a DORA report
   * reads, no document built (a year of a 1,000-app environment is about
   * 100,000 of them).
   */
  doraEvents(query: HistoryQuery): DoraPage {
    const { rows, next } = this.historyRows(query, DORA_COLUMNS, '');
    return {
      events: (rows as DoraRow[]).map((r) => {
        const [env, app] = this.namesOf(r[1]);
        return {
          // The id's bytes as hex orders as the id does: no decoding.
          id: r[0],
          env,
          app,
          version: r[2],
          status: STATUSES[r[3]] ?? 'success',
          deployedAt: r[5],
          committedAt: r[6],
          rollback: r[4] === 1,
        };
      }),
      next,
    };
  }

  /** A pair's env and app names, from a map filled again on a miss (pairs are never deleted). */
  private namesOf(pair: number): [string, string] {
    let names = this.pairNames.get(pair);
    if (names === undefined) {
      for (const [id, env, app] of this.s.pairNames.all() as [number, string, string][]) {
        this.pairNames.set(id, [env, app]);
      }
      names = this.pairNames.get(pair) ?? ['', ''];
    }
    return names;
  }

  /** Up to `query.limit` rows of `columns` (whose first is the id and sixth deployed_at), newest first. */
  private historyRows(
    query: HistoryQuery,
    columns: string,
    joins = DOC_JOINS,
  ): { rows: KeyedRow[]; next: HistoryPosition | null } {
    let rows: KeyedRow[];
    if (query.env !== undefined && query.app !== undefined) {
      const pair = this.s.pairOf.get(query.env, query.app) as number | undefined;
      rows = pair === undefined ? [] : this.historyPage(query, columns, joins, 'd.pair = ?', pair);
    } else {
      // An app's history, or everything's: one ordered page from each of the
      // app's pairs (or each environment), merged, so that every scan follows
      // a time index and no index over all deployments is needed.
      const parts: [string, number][] =
        query.app !== undefined
          ? (this.s.pairsOfApp.all(query.app) as number[]).map((p) => ['d.pair = ?', p])
          : query.env !== undefined
            ? (this.s.envId.all(query.env) as number[]).map((e) => ['d.env = ?', e])
            : (this.s.allEnvs.all() as number[]).map((e) => ['d.env = ?', e]);
      rows =
        parts.length === 1 && parts[0] !== undefined
          ? this.historyPage(query, columns, joins, ...parts[0])
          : this.mergedPage(query, columns, joins, parts);
    }
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return {
      rows: page,
      next: more && last !== undefined ? { deployedAt: last[5], id: idOfRow(last[0]) } : null,
    };
  }

  /**
   * Up to limit + 1 rows of `columns` over several scopes, newest first: the
   * keys of each scope's page first (from its time index alone, no join), then
   * the full rows of the ones that made the merged page. Building every
   * scope's rows and keeping a fifth of them cost 3 times as much over 5
   * environments at 2.6M (1.33 ms a page against 0.4 for one environment).
   */
  private mergedPage(
    query: HistoryQuery,
    columns: string,
    joins: string,
    parts: [string, number][],
  ): KeyedRow[] {
    const keys = parts
      .flatMap(([clause, key]) => this.historyPage(query, KEY_COLUMNS, '', clause, key) as KeyRow[])
      .sort(newestFirst)
      .slice(0, query.limit + 1);
    if (keys.length === 0) return [];
    const seqs = keys.map((k) => k[1]);
    const byKey = new Map<number, KeyedRow>();
    const sql = `SELECT d.seq, ${columns} FROM ledger d ${joins}
      WHERE d.seq IN (SELECT value FROM json_each(?))`;
    for (const row of this.statement(sql).all(JSON.stringify(seqs)) as [number, ...KeyedRow][]) {
      byKey.set(row[0], row.slice(1) as KeyedRow);
    }
    return seqs.flatMap((seq): KeyedRow[] => {
      const row = byKey.get(seq);
      return row === undefined ? [] : [row];
    });
  }

  /** A statement of history's SQL texts, prepared once (a few dozen shapes at most). */
  private statement(sql: string): Database.Statement {
    let statement = this.pages.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql).raw();
      this.pages.set(sql, statement);
    }
    return statement;
  }

  /** Up to limit + 1 rows of `columns` of one history query over one pair or env (`scope`), newest first. */
  private historyPage(
    query: HistoryQuery,
    columns: string,
    joins: string,
    scope: string,
    key: number,
  ): KeyedRow[] {
    const where: string[] = [scope];
    const params: (string | number | Buffer)[] = [key];
    const add = (clause: string, ...values: (string | number | Buffer)[]): void => {
      where.push(clause);
      params.push(...values);
    };
    if (query.status !== undefined) add('d.status = ?', STATUS_CODE[query.status] ?? -1);
    if (query.since !== undefined) add('d.deployed_at >= ?', query.since);
    // One upper bound on deployed_at, the tighter of `until` and the cursor:
    // SQLite starts the index scan at one bound only, and with the row value
    // alone it scanned down from `until` on every page (measured: a page in
    // the middle of a year of 2.6M took 24 ms, 4 ms at its top).
    const after = query.after;
    if (after !== undefined && (query.until === undefined || after.deployedAt < query.until)) {
      add('d.deployed_at <= ?', after.deployedAt);
    } else if (query.until !== undefined) {
      add('d.deployed_at < ?', query.until);
    }
    if (after !== undefined) {
      add('(d.deployed_at, d.id) < (?, ?)', after.deployedAt, encodeId(after.id));
    }
    // Only fixed SQL text is assembled here; every value is a bound parameter.
    const sql = `SELECT ${columns} FROM ledger d ${joins}
      WHERE ${where.join(' AND ')} ORDER BY d.deployed_at DESC, d.id DESC LIMIT ?`;
    return this.statement(sql).all(...params, query.limit + 1) as KeyedRow[];
  }

  /** Every environment with its number of apps and last deployment (epoch ms), first seen first. */
  environments(): EnvRowText[] {
    return this.s.environments.all() as EnvRowText[];
  }

  /** Every (app, env) pair, by app, environments in first-seen order. */
  appEnvs(): AppEnvRow[] {
    return this.s.appEnvs.all() as AppEnvRow[];
  }

  /** The app's current deployment (JSON text, or null) in each environment it was recorded in. */
  appState(name: string): { env: string; doc: string | null }[] {
    const rows = this.s.appState.all(name) as [string, number | null, number | null][];
    return rows.map(([env, seq, rollback]) => ({
      env,
      doc: seq === null || rollback === null ? null : (this.texts([[seq, rollback]])[0] ?? null),
    }));
  }

  /** Every deployment's JSON text, in order of arrival. */
  *exportDocs(): IterableIterator<string> {
    for (const row of this.s.exportDocs.iterate() as IterableIterator<DocRow>) yield docText(row);
  }
}

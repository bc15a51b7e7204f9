/**
 * The reads a reader thread runs (sqlite-reader-thread.ts), as plain data in
 * and plain data out, so that they cross threads by structured clone. Also
 * the mappings from LedgerReads rows to the Store's shapes, shared by the
 * HTTP thread's store (sqlite.ts) and the reader threads.
 */
import type { Deployment, DoraReport } from '@svt/client';
import { csvRow, type CsvPage } from '../csv.js';
import type { DoraWindow } from '../dora.js';
import { doraReport, type DoraSource } from '../dora-report.js';
import { HttpProblem } from '../errors.js';
import type { LedgerReads } from './sqlite-reads.js';
import { sortByName } from '../names.js';
import type {
  AppRow,
  DeliveryRecord,
  EnvironmentRow,
  HistoryPosition,
  HistoryQuery,
  HistoryResult,
  OutboxStat,
} from './types.js';
import { OutboxTable } from './sqlite-outbox.js';
import {
  jsonArrayLength,
  sharedJsonArray,
  writeJsonArray,
  type SharedBytes,
} from './sqlite-shared-bytes.js';

export const parse = (doc: string): Deployment => JSON.parse(doc) as Deployment;

/**
 * A read for a reader thread. `heavy` ones (a DORA report, a page of a CSV
 * download) may take every reader but one, so that a light read (a history
 * page, a past instant) always finds one free.
 */
export type ReadJob =
  | { op: 'history'; query: HistoryQuery }
  | { op: 'current'; env: string; at: number }
  | { op: 'state'; env: string; at: number; into?: SharedArrayBuffer }
  | { op: 'latest'; env: string; at: number }
  | { op: 'attempts'; env: string; at: number }
  | { op: 'csv'; query: HistoryQuery }
  | { op: 'dora'; window: DoraWindow }
  | { op: 'outboxStats' }
  | { op: 'deliveries'; state: 'pending' | 'failed'; limit: number };

/** The job of one kind. */
export type JobOf<K extends ReadJob['op']> = Extract<ReadJob, { op: K }>;

/** What each job answers. */
export interface ReadResults {
  /** The page's deployments as one JSON array text. */
  history: HistoryJson;
  current: string[] | null;
  /**
   * `current` as the bytes of one JSON array in shared memory (`into` when
   * it is large enough: sqlite-shared-bytes.ts), and the open attempts as
   * one JSON array text, of one snapshot.
   */
  state: { current: SharedBytes; attemptsJson: string } | null;
  latest: string[] | null;
  attempts: string[];
  /** CSV rows (no header) of one page, and where the next page starts. */
  csv: CsvPage;
  dora: DoraReport;
  outboxStats: OutboxStat[];
  deliveries: DeliveryRecord[];
}

export const isHeavy = (job: ReadJob): boolean => job.op === 'csv' || job.op === 'dora';

/** A page of history as it crosses threads: one string, not one per deployment. */
export interface HistoryJson {
  itemsJson: string;
  next: HistoryPosition | null;
}

/**
 * JSON texts as the UTF-8 bytes of one JSON array, each written straight
 * into one Buffer. Joining them first made a string of the whole state
 * (600 KB for 1,000 apps, in V8's heap) only to copy it into a Buffer.
 */
export const jsonArray = (texts: readonly string[]): Buffer =>
  writeJsonArray(texts, Buffer.allocUnsafe(jsonArrayLength(texts)));

/** A history query as a text that names its page: every field, in a fixed order. */
export const historyKey = (q: HistoryQuery): string =>
  JSON.stringify([
    q.env,
    q.app,
    q.status,
    q.since,
    q.until,
    q.after?.deployedAt,
    q.after?.id,
    q.limit,
  ]);

/**
 * A HistoryResult over a page's JSON text: `items` is parsed only when asked
 * for, and an answer that passes the deployments on uses `itemsJson` as it is.
 */
export class TextHistoryResult implements HistoryResult {
  private parsed: Deployment[] | null = null;
  readonly itemsJson: string;
  readonly next: HistoryPosition | null;

  constructor({ itemsJson, next }: HistoryJson) {
    this.itemsJson = itemsJson;
    this.next = next;
  }

  get items(): Deployment[] {
    this.parsed ??= JSON.parse(this.itemsJson) as Deployment[];
    return this.parsed;
  }
}

/** A failed job as it crosses threads: an HttpProblem keeps its status and fields. */
export interface ReadFailure {
  message: string;
  problem?: { status: number; code: string; title: string; detail: string | undefined };
}

export function failureOf(err: unknown): ReadFailure {
  if (err instanceof HttpProblem) {
    const { status, code, title, detail } = err;
    return { message: err.message, problem: { status, code, title, detail } };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

export function errorOf(failure: ReadFailure): Error {
  const p = failure.problem;
  if (p === undefined) return new Error(`SQLite read failed: ${failure.message}`);
  return new HttpProblem(p.status, {
    code: p.code,
    title: p.title,
    ...(p.detail === undefined ? {} : { detail: p.detail }),
  });
}

/** Every environment as the Store answers it. */
export function environmentRows(reads: LedgerReads): EnvironmentRow[] {
  return reads.environments().map((r) => ({ name: r.env, apps: r.apps, lastDeployedAt: r.last }));
}

/** Every app with its environments (first seen first) and last deployment (epoch ms), by name. */
export function appRows(reads: LedgerReads): AppRow[] {
  const apps = new Map<string, AppRow>();
  for (const r of reads.appEnvs()) {
    const app = apps.get(r.app);
    if (app === undefined) {
      apps.set(r.app, { name: r.app, environments: [r.env], lastDeployedAt: r.latest_at });
    } else {
      app.environments.push(r.env);
      app.lastDeployedAt = Math.max(app.lastDeployedAt, r.latest_at);
    }
  }
  return sortByName([...apps.values()], (a) => a.name);
}

/** An app's current deployment in each of its environments; null when never recorded. */
export function appState(
  reads: LedgerReads,
  name: string,
): { env: string; current: Deployment | null }[] | null {
  const rows = reads.appState(name);
  if (rows.length === 0) return null;
  return rows.map((r) => ({ env: r.env, current: r.doc === null ? null : parse(r.doc) }));
}

/** The Store methods a DORA report reads, over one connection. */
function doraSource(reads: LedgerReads): DoraSource {
  return {
    events: async (query) => reads.doraEvents(query),
    environments: async () => environmentRows(reads),
    app: async (name) => appState(reads, name),
  };
}

/** The outbox of each reader connection, prepared once. */
const outboxes = new WeakMap<LedgerReads, OutboxTable>();

function outboxOf(reads: LedgerReads): OutboxTable {
  let table = outboxes.get(reads);
  if (table === undefined) {
    table = new OutboxTable(reads.db);
    outboxes.set(reads, table);
  }
  return table;
}

/** Runs one job on `reads`. Synchronous but for DORA, whose source is promise-shaped. */
export async function runRead(
  reads: LedgerReads,
  job: ReadJob,
): Promise<ReadResults[ReadJob['op']]> {
  switch (job.op) {
    case 'history': {
      const { docs, next } = reads.history(job.query);
      return { itemsJson: `[${docs.join(',')}]`, next };
    }
    case 'current':
      return reads.currentDocs(job.env, job.at);
    case 'state': {
      // One job, so one snapshot (sqlite-reader-thread.ts): its attempts agree with its current.
      const current = reads.currentDocs(job.env, job.at);
      if (current === null) return null;
      return {
        current: sharedJsonArray(current, job.into),
        attemptsJson: `[${reads.attemptsDocs(job.env, job.at).join(',')}]`,
      };
    }
    case 'latest':
      return reads.latestDocs(job.env, job.at);
    case 'attempts':
      return reads.attemptsDocs(job.env, job.at);
    case 'csv': {
      const page = reads.history(job.query);
      return { text: page.docs.map((doc) => csvRow(parse(doc))).join(''), next: page.next };
    }
    case 'dora':
      return doraReport(doraSource(reads), job.window);
    case 'outboxStats':
      return outboxOf(reads).stats();
    case 'deliveries':
      return outboxOf(reads).list(job.state, job.limit);
  }
}

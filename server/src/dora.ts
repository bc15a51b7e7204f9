/**
 * DORA figures over a window of history: deployment frequency, change
 * failure rate, time to restore and lead time for changes. Pure: the route
 * feeds it the window's deployments newest first (the history order), one
 * page at a time, so memory grows with the number of apps and failures, not
 * with the deployments read.
 *
 * Definitions (the README's DORA section says the same, with a worked example):
 * - a change is a `success` that is not a rollback, or a `failure`; a
 *   rollback (rollback.ts) restores an earlier change and is no change of
 *   its own; `started` is an attempt in flight and counts nowhere but in
 *   `deployments.started`;
 * - a failed change is a `failure`, or a success that was rolled back:
 *   replaced by a rollback, or marked by a later `rolled_back` event (which
 *   names the latest deployment of its version before it, whenever the mark
 *   comes); either way, or both, it counts once. A rollback undone by
 *   another rollback is no change, so no failed change either;
 * - at the window's start: a rollback whose undone change lies before the
 *   window counts as one failed change (with the marks of that env and app
 *   there), and a mark whose deployment is not in the window as a failed
 *   change of its own; what is undone after the window's end is not known;
 * - change failure rate = failed changes / changes;
 * - the failed changes that one success restores (the next success after
 *   them that did not fail) are one incident: time to restore runs from the
 *   first of them to that success; an incident with none yet is
 *   `unrestored`, and a rollback of a change before the window opens none;
 * - lead time = deployedAt - committedAt of each change that succeeded and
 *   carries a committedAt (a negative one within the 5-minute clock skew
 *   counts as 0; one further off, or before 2000, stored by an older
 *   release, is left out).
 */
import type {
  Deployment,
  DeploymentStatus,
  DoraApp,
  DoraDay,
  DoraDurations,
  DoraReport,
} from '@svt/client';
import { compareNames } from './names.js';

const DAY_MS = 24 * 3600 * 1000;
/** Clock skew allowed between a commit and its deployment (the write rule's 5 minutes). */
const MAX_SKEW_MS = 5 * 60 * 1000;
/** Commits before this are no real lead time (an older release stored them): 2000-01-01. */
const MIN_COMMIT_MS = Date.UTC(2000, 0, 1);

/** Durations in seconds, summarised. */
class Durations {
  private readonly seconds: number[] = [];

  add(ms: number): void {
    this.seconds.push(Math.max(0, ms) / 1000);
  }

  summary(): DoraDurations {
    const sorted = [...this.seconds].sort((a, b) => a - b);
    return {
      count: sorted.length,
      medianSeconds: percentile(sorted, 0.5),
      p90Seconds: percentile(sorted, 0.9),
    };
  }
}

/** Nearest-rank percentile of sorted values, rounded to the second; null when none. */
function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (q === 0.5 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2;
    return Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
  }
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
}

interface Tally {
  success: number;
  rollbacks: number;
  changes: number;
  failed: number;
  restore: Durations;
  unrestored: number;
  lead: Durations;
}

const newTally = (): Tally => ({
  success: 0,
  rollbacks: 0,
  changes: 0,
  failed: 0,
  restore: new Durations(),
  unrestored: 0,
  lead: new Durations(),
});

/** Where one env and app stands, walking back in time. */
interface PairState {
  app: string;
  /**
   * The oldest success seen so far that did not fail: the one that restores
   * every failed change older than it and newer than the next such success.
   */
  restoredAt: number | null;
  /** The instant of a rollback seen last: the next older success is the change it undid. */
  undoneBy: number | null;
  /** `rolled_back` events waiting for the deployment of their version that they mark. */
  marks: Map<string, { at: number; restoredAt: number | null }>;
  /**
   * Incidents: for each restoring success (or 'open' for none yet), the
   * earliest failed change it restores. Failed changes restored by the same
   * success are one run, one incident.
   */
  runs: Map<number | 'open', number>;
}

/** One UTC day being counted. */
type DayTally = Omit<DoraDay, 'leadTimeMedianSeconds'> & { lead: Durations };

export interface DoraWindow {
  env: string | null;
  app: string | null;
  /** As asked, e.g. `30d`. */
  window: string;
  since: number;
  until: number;
}

/**
 * What a DORA report reads of a deployment: its fields that the rules
 * above use, instants in epoch ms. A store may read these alone, without
 * the whole document (sqlite-reads.ts).
 */
export interface DoraEvent {
  /** The deployment's id, or any string that orders as the id does (SQLite: its stored bytes in hex). */
  id: string;
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
  deployedAt: number;
  committedAt: number | null;
  rollback: boolean;
}

/** A deployment as a DoraEvent. */
export const doraEvent = (d: Deployment): DoraEvent => ({
  id: d.id,
  env: d.env,
  app: d.app,
  version: d.version,
  status: d.status,
  deployedAt: Date.parse(d.deployedAt),
  committedAt: d.committedAt === null ? null : Date.parse(d.committedAt),
  rollback: d.rollback,
});

export class DoraAccumulator {
  private readonly total = newTally();
  private readonly byApp = new Map<string, Tally>();
  private readonly pairs = new Map<string, PairState>();
  private readonly counts = { success: 0, rollbacks: 0, failure: 0, rolledBack: 0, started: 0 };
  /** UTC days by their number since the epoch (dayNumber). */
  private readonly days: Map<number, DayTally>;
  /** Each environment's last deployment added: the order the rules need. */
  private readonly last = new Map<string, { at: number; id: string }>();

  constructor(private readonly w: DoraWindow) {
    this.days = new Map();
    for (let t = startOfDay(w.since); t < w.until; t += DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      this.days.set(dayNumber(t), { date, success: 0, failed: 0, lead: new Durations() });
    }
  }

  /**
   * The next deployment: each environment's newest first (the rules follow
   * each env and app's events backwards), environments in any order, or
   * interleaved; each must be in the window. Throws otherwise.
   */
  add(d: DoraEvent): void {
    const at = d.deployedAt;
    if (at < this.w.since || at >= this.w.until) throw new Error('deployment outside the window');
    const last = this.last.get(d.env);
    if (last !== undefined && (at > last.at || (at === last.at && d.id > last.id))) {
      throw new Error('deployments must come newest first');
    }
    this.last.set(d.env, { at, id: d.id });
    if (d.status === 'started') {
      this.counts.started += 1;
      return;
    }
    const pair = this.pair(d.env, d.app);
    if (d.status === 'rolled_back') {
      this.counts.rolledBack += 1;
      // Older events come next: an older mark of the same version replaces this one.
      pair.marks.set(d.version, { at, restoredAt: pair.restoredAt });
      return;
    }
    const app = this.tally(d.app);
    const day = this.days.get(dayNumber(at));
    const tallies = [this.total, app];
    // A mark names the latest deployment of its version before it.
    const marked = pair.marks.delete(d.version);
    if (d.status === 'failure') {
      this.counts.failure += 1;
      this.failedChange(pair, at);
      return;
    }
    this.counts.success += 1;
    for (const t of tallies) t.success += 1;
    if (day !== undefined) day.success += 1;
    // A rollback is no change, so one undone by another rollback is no failed change either.
    const failed = !d.rollback && (pair.undoneBy !== null || marked);
    pair.undoneBy = d.rollback ? at : null;
    if (d.rollback) {
      this.counts.rollbacks += 1;
      for (const t of tallies) t.rollbacks += 1;
    } else if (d.committedAt !== null) {
      const lead = at - d.committedAt;
      if (lead >= -MAX_SKEW_MS && d.committedAt >= MIN_COMMIT_MS) {
        for (const t of tallies) t.lead.add(lead);
        day?.lead.add(lead);
      }
    }
    if (failed) {
      this.failedChange(pair, at);
      return;
    }
    if (!d.rollback) for (const t of tallies) t.changes += 1;
    pair.restoredAt = at;
  }

  /**
   * A change that failed at `at`: counted once, in the run of the success
   * that restores it (`restoredAt`, by default the pair's so far), unless
   * `incident` is false.
   */
  private failedChange(
    pair: PairState,
    at: number,
    restoredAt = pair.restoredAt,
    incident = true,
  ): void {
    for (const t of [this.total, this.tally(pair.app)]) {
      t.changes += 1;
      t.failed += 1;
    }
    const day = this.days.get(dayNumber(at));
    if (day !== undefined) day.failed += 1;
    if (!incident) return;
    const key = restoredAt ?? 'open';
    pair.runs.set(key, Math.min(at, pair.runs.get(key) ?? Infinity));
  }

  /**
   * What the window could not match: a rollback whose undone change lies
   * before the window is one failed change (it and the marks of that app
   * there name the same change, so they count once, with no incident: it
   * began before the window); a mark whose deployment is not in the window
   * is a failed change of its own, restored by the next success after it.
   */
  private settle(pair: PairState): void {
    if (pair.undoneBy !== null) {
      this.failedChange(pair, pair.undoneBy, null, false);
      pair.marks.clear();
    }
    for (const mark of pair.marks.values()) this.failedChange(pair, mark.at, mark.restoredAt);
    const app = this.tally(pair.app);
    for (const [restoredAt, start] of pair.runs) {
      for (const t of [this.total, app]) {
        if (restoredAt === 'open') t.unrestored += 1;
        else t.restore.add(restoredAt - start);
      }
    }
  }

  report(): DoraReport {
    for (const pair of this.pairs.values()) this.settle(pair);
    const windowDays = (this.w.until - this.w.since) / DAY_MS;
    const perDay = this.total.success / windowDays;
    const daily = [...this.days.values()].map(({ lead, ...day }): DoraDay => ({
      ...day,
      leadTimeMedianSeconds: lead.summary().medianSeconds,
    }));
    return {
      env: this.w.env,
      app: this.w.app,
      window: this.w.window,
      since: new Date(this.w.since).toISOString(),
      until: new Date(this.w.until).toISOString(),
      deployments: { ...this.counts },
      deploymentFrequency: {
        perDay: round(perDay, 3),
        perWeek: round(perDay * 7, 2),
        activeDays: daily.filter((d) => d.success > 0).length,
      },
      changes: this.total.changes,
      failedChanges: this.total.failed,
      changeFailureRate: failureRate(this.total),
      timeToRestore: { ...this.total.restore.summary(), unrestored: this.total.unrestored },
      leadTime: this.total.lead.summary(),
      daily,
      apps: [...this.byApp.entries()]
        .sort(([a], [b]) => compareNames(a, b))
        .map(([name, t]): DoraApp => ({
          app: name,
          success: t.success,
          rollbacks: t.rollbacks,
          changes: t.changes,
          failed: t.failed,
          changeFailureRate: failureRate(t),
          timeToRestore: { ...t.restore.summary(), unrestored: t.unrestored },
          leadTime: t.lead.summary(),
        })),
    };
  }

  private tally(app: string): Tally {
    let t = this.byApp.get(app);
    if (t === undefined) {
      t = newTally();
      this.byApp.set(app, t);
    }
    return t;
  }

  private pair(env: string, app: string): PairState {
    const key = `${env}\u0000${app}`;
    let p = this.pairs.get(key);
    if (p === undefined) {
      p = { app, restoredAt: null, undoneBy: null, marks: new Map(), runs: new Map() };
      this.pairs.set(key, p);
    }
    return p;
  }
}

function failureRate(t: Tally): number | null {
  return t.changes === 0 ? null : round(t.failed / t.changes, 4);
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;
/** The UTC day of an instant, as a number of days since the epoch. */
const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

const WINDOW = /^([1-9][0-9]{0,3})([hdw])$/;
const UNIT_MS = { h: 3600 * 1000, d: DAY_MS, w: 7 * DAY_MS } as const;
export const MAX_WINDOW_DAYS = 366;

/** `30d`, `12w`, `48h` in milliseconds; null when malformed or longer than MAX_WINDOW_DAYS. */
export function parseWindow(raw: string): number | null {
  const m = WINDOW.exec(raw);
  if (m === null) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > MAX_WINDOW_DAYS * DAY_MS ? null : ms;
}

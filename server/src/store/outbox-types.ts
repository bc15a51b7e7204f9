/**
 * The webhook outbox, part of the Store interface: every recorded
 * deployment leaves one delivery per configured hook, written in the same
 * transaction as the deployment, so that a deployment acknowledged to its
 * caller is never lost to its hooks, whatever happens to the process next.
 * The delivery loop (webhooks.ts) claims due deliveries with a lease, posts
 * them, and finishes each: delivered (deleted), retried later, or given up
 * (kept, bounded, for the admin API to list and redeliver).
 *
 * Leases make several SVT instances over one MongoDB share the work: a
 * claimed delivery belongs to its owner until the lease ends; a delivery
 * whose owner died is claimed again once its lease has run out. Instants
 * are epoch milliseconds of the caller's clock (`now`), never the
 * database's, so that tests can drive time and every adapter agrees.
 */

/** A delivery as claimed for sending. */
export interface OutboxItem {
  /**
   * The event id, `<deployment id>-<hook key>`: the same on every attempt
   * and redelivery (the `X-SVT-Event-Id` header), so that a receiver can
   * drop a delivery it already had.
   */
  id: string;
  /** The key of the hook it goes to (webhook-config.ts `hookKey`). */
  hook: string;
  /** The event as JSON text: `{"deployment", "previous", "current", "currentDeployment"}`. */
  event: string;
  /** When it was recorded (epoch ms). */
  createdAt: number;
  /**
   * Start of its retry window: `createdAt`, or the instant an admin asked for
   * a redelivery. It is given up once this is older than the give-up time.
   */
  since: number;
  /** Attempts made before this claim. */
  attempts: number;
}

/** How an attempt ended, told to `finishDelivery`. */
export type DeliveryOutcome =
  /** The receiver took it: the delivery is deleted. */
  | { kind: 'delivered' }
  /** Not attempted (the loop stopped, or its hook paused): back to the queue as it was. */
  | { kind: 'released' }
  /** Failed; tried again from `at` (epoch ms). */
  | { kind: 'retry'; at: number; error: string; status: number | null }
  /** Failed for good (refused, or out of time): kept as failed. */
  | { kind: 'failed'; error: string; status: number | null };

/** A delivery as the admin API lists it. */
export interface DeliveryRecord extends OutboxItem {
  /** `pending`: waiting or being retried; `failed`: given up. */
  state: 'pending' | 'failed';
  /** When it is next tried (epoch ms); for a failed one, meaningless. */
  nextAt: number;
  failedAt: number | null;
  /** The last attempt's error (a status line or a network error), if any. */
  lastError: string | null;
  /** The last attempt's HTTP status, when the receiver answered. */
  lastStatus: number | null;
}

/** One hook's deliveries in the outbox, for `/metrics`. */
export interface OutboxStat {
  hook: string;
  pending: number;
  /** The oldest pending delivery's `since` (epoch ms), or null with none pending. */
  oldestSince: number | null;
  failed: number;
}

/** The outbox methods of the Store. */
export interface OutboxStore {
  /**
   * Leases up to `limit` of `hook`'s pending deliveries that are due
   * (`nextAt <= now`) and not leased by anyone (a lease that ended at or
   * before `now` counts as none) to `owner` until `now + leaseMs`, oldest
   * due first. Atomic per delivery: two owners never hold one at once.
   */
  claimDeliveries(
    hook: string,
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
  ): Promise<OutboxItem[]>;
  /**
   * Records how `owner`'s attempt ended. False when the delivery is no longer
   * `owner`'s (its lease ran out and another owner claimed it, or it was
   * delivered or given up meanwhile): nothing is changed then.
   */
  finishDelivery(
    id: string,
    owner: string,
    outcome: DeliveryOutcome,
    now: number,
  ): Promise<boolean>;
  /**
   * Ends the leases of `owner` (null: every owner's, for a SQLite file, which
   * one process serves, at its start after a crash). Returns how many.
   */
  releaseDeliveries(owner: string | null): Promise<number>;
  /**
   * Gives up, as failed, up to `limit` pending deliveries whose `since` is
   * before `before` and that no live lease holds (at `now`); their last
   * error is kept, or else set to `reason`. Returns the hook of each.
   */
  expireDeliveries(before: number, now: number, limit: number, reason: string): Promise<string[]>;
  /** Deletes failed deliveries beyond the `keep` most recently failed. Returns how many. */
  trimFailedDeliveries(keep: number): Promise<number>;
  /**
   * Makes delivery `id` pending again, due at `now`, its retry window
   * starting at `now`; a pending one is only brought forward (a lease in
   * force is kept, so that it is never sent twice at once). Null when there
   * is no such delivery (delivered ones are deleted).
   */
  redeliver(id: string, now: number): Promise<DeliveryRecord | null>;
  /**
   * Up to `limit` deliveries in `state`: failed ones most recently failed
   * first, pending ones the longest waiting first.
   */
  deliveries(state: 'pending' | 'failed', limit: number): Promise<DeliveryRecord[]>;
  /** Pending and failed counts by hook (hooks with neither are absent). */
  outboxStats(): Promise<OutboxStat[]>;
}

/** The event id of `deploymentId`'s delivery to the hook of key `hook`. */
export function eventId(deploymentId: string, hook: string): string {
  return `${deploymentId}-${hook}`;
}

/** What an event id looks like: a ULID, `-`, a hook key (12 hex digits). */
export const EVENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}-[0-9a-f]{12}$/;

/**
 * The event text of a recorded deployment, from the JSON texts of its
 * parts (the write's answer): what every format is rendered from.
 */
export function eventText(parts: {
  deployment: string;
  previous: string | null;
  current: boolean;
  currentDeployment: string | null;
}): string {
  const { deployment, previous, current, currentDeployment } = parts;
  return `{"deployment":${deployment},"previous":${previous ?? 'null'},"current":${current},"currentDeployment":${currentDeployment ?? 'null'}}`;
}

/**
 * The storage interface: small, storage-neutral, written for what the routes
 * need. Routes and pages see only this file, never an adapter.
 */
import type { AttributeValue, Deployment, DeploymentStatus, DoraReport } from '@svt/client';
import type { DoraWindow } from '../dora.js';
import type { OutboxStore } from './outbox-types.js';

/**
 * A validated deployment to record. Instants are epoch milliseconds;
 * `deployedAt` is never after the server's receipt (routes/record.ts).
 */
export interface NewDeployment {
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
  deployedAt: number;
  commit: string | null;
  committedAt: number | null;
  ref: string | null;
  /** The repository's web page, as forges.ts `repositoryPage` gives it. */
  repository: string | null;
  url: string | null;
  pipelineUrl: string | null;
  actor: string | null;
  source: string | null;
  attributes: Record<string, AttributeValue>;
  recordedBy: string | null;
}

/**
 * An Idempotency-Key with what it guards: the same `key` in the same `scope`
 * (the token's name, or '' without one) records once; `fingerprint` is a hash
 * of the request body, so that a reuse with another body is refused.
 */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  fingerprint: string;
}

export interface RecordResult {
  readonly deployment: Deployment;
  /** The latest success of the same env and app ordered before this one. */
  readonly previous: Deployment | null;
  /** Whether it became the current deployment of its env and app (as of its first answer, replayed). */
  readonly current: boolean;
  /** When not current: the env and app's current deployment then, if any; else null. */
  readonly currentDeployment: Deployment | null;
  /** True when the app had never been recorded in that environment before. */
  readonly firstInEnv: boolean;
  /** True when an earlier request with the same idempotency key recorded it. */
  readonly replayed: boolean;
  /**
   * The RecordDeploymentResponse as JSON text, from
   * an adapter that holds deployments as text already: the v1 answer passes
   * it on instead of serializing the two objects again.
   */
  readonly responseJson?: string;
}

/** A position in the history order (deployedAt, then id), both descending. */
export interface HistoryPosition {
  deployedAt: number;
  id: string;
}

export interface HistoryQuery {
  env?: string;
  app?: string;
  status?: DeploymentStatus;
  /** Inclusive, on deployedAt. */
  since?: number;
  /** Exclusive, on deployedAt. */
  until?: number;
  /** Return only deployments strictly after this position in newest-first order. */
  after?: HistoryPosition;
  limit: number;
}

/** An environment's state in one snapshot (Store.snapshot). */
export interface EnvironmentSnapshot {
  /** Its current deployments, as `currentJson` gives them: the UTF-8 bytes of one JSON array. */
  currentJson: Buffer;
  /** Its open attempts, as `attempts` gives them. */
  readonly attempts: Deployment[];
  /**
   * The same attempts as one JSON array text, when the adapter has them as
   * text (SQLite at an instant): an answer passes it on as it is.
   */
  readonly attemptsJson?: string;
  /**
   * When present, `currentJson` is on loan (shared memory a reader thread
   * writes answers into, sqlite-shared-bytes.ts): call it once nothing
   * reads those bytes any more (a response: once it is done, or its client
   * gone: `stream.finished`). `readState` (shared.ts) reads and releases in
   * one step. A snapshot dropped without it gives them back only once
   * collected.
   */
  release?: () => void;
}

export interface HistoryResult {
  readonly items: Deployment[];
  /** Position of the last item when more follow, else null. */
  readonly next: HistoryPosition | null;
  /**
   * The same deployments as `items`, as one JSON array text, when the
   * adapter has them as text (SQLite): an answer that only passes them on
   * uses it, sparing the parse and re-serialization of each (about 0.13 ms
   * of the HTTP thread for a page of 50).
   */
  readonly itemsJson?: string;
}

export interface EnvironmentRow {
  name: string;
  apps: number;
  lastDeployedAt: number;
}

export interface AppRow {
  name: string;
  environments: string[];
  lastDeployedAt: number;
}

/** An API token as stored: never the token itself, only its SHA-256. */
export interface TokenRecord {
  name: string;
  /** SHA-256 of the token, hex. */
  hash: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/**
 * A login session as stored: never its id (the cookie's value), only the
 * id's SHA-256, so that a copy of the database opens no session.
 */
export interface SessionRecord {
  /** SHA-256 of the session id, hex. */
  hash: string;
  /**
   * The `hash` of the token it was opened with: a session belongs to that
   * token, not to its name, so that a new token given a revoked one's name
   * inherits none of its sessions.
   */
  tokenHash: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the session works strictly before this instant only. */
  expiresAt: number;
}

/** A deployment exported from an SVT store, validated, ready to import as it was. */
export interface ImportItem {
  input: NewDeployment;
  id: string;
  recordedAt: number;
  idempotencyKey: string | null;
}

export interface Store extends OutboxStore {
  /** Which adapter this is, for logs and readiness. */
  readonly kind: 'sqlite' | 'mongodb';
  /** Connects and migrates (SQLite) or creates indexes (MongoDB). Safe to call again. */
  open(): Promise<void>;
  /**
   * Records one deployment and keeps current state in step, atomically,
   * with one outbox delivery for each key of `hooks` (the webhooks
   * configured at the time of the write; outbox-types.ts) in the same
   * transaction. A replay adds no delivery.
   * Throws HttpProblem 422 when `claim.key` was used with another body.
   */
  record(
    input: NewDeployment,
    claim?: IdempotencyClaim,
    hooks?: readonly string[],
  ): Promise<RecordResult>;
  /**
   * Current state of `env` (or its state at instant `at`): the latest success
   * of each app by (deployedAt, id), ordered by app as people read them
   * (names.ts). Null for an environment never recorded.
   */
  current(env: string, at?: number): Promise<Deployment[] | null>;
  /**
   * The same deployments as `current`, as the UTF-8 bytes of one JSON array,
   * for answers that only pass them on: it spares parsing and re-serializing
   * every one, which for an environment of 1,000 apps is most of the cost.
   */
  currentJson(env: string, at?: number): Promise<Buffer | null>;
  /**
   * `currentJson` and `attempts` of `env` now (or at instant `at`) read
   * from one snapshot of the ledger, for an answer that shows both: every
   * attempt is then newer than its app's current deployment, even while
   * back-dated writes arrive. Null for an environment never recorded.
   * MongoDB reads them with two queries (mongo.ts says why).
   */
  snapshot(env: string, at?: number): Promise<EnvironmentSnapshot | null>;
  /**
   * Each app's latest deployment of `env` (or at instant `at`) whatever its
   * status, ordered by app (names.ts): where it differs from `current`, the latest
   * attempt did not succeed. Null for an environment never recorded.
   */
  latest(env: string, at?: number): Promise<Deployment[] | null>;
  /**
   * The latest deployments of `env` (or at instant `at`) that are not
   * successes, so not current: attempts in progress, failed or rolled back
   * (attempts.ts reads them). Usually none; ordered by app (names.ts).
   */
  attempts(env: string, at?: number): Promise<Deployment[]>;
  history(query: HistoryQuery): Promise<HistoryResult>;
  /** One deployment by its id; null for an id never recorded (or pruned), or not an id at all. */
  deployment(id: string): Promise<Deployment | null>;
  /**
   * Every deployment `query` matches from its cursor on, as CSV text
   * (csv.ts `csvPages`): the header, then one chunk per page of
   * `query.limit` rows, newest first. The SQLite adapter reads and formats
   * each page in a reader thread.
   */
  historyCsv(query: HistoryQuery): AsyncIterable<string>;
  /**
   * DORA figures over a window (dora.ts), computed where the deployments
   * are: the SQLite adapter runs the whole report in a reader thread, so
   * that a year of history never holds the HTTP thread. Throws HttpProblem
   * 404 for an environment or app never recorded.
   */
  dora(window: DoraWindow): Promise<DoraReport>;
  /** Every environment, in first-seen order. */
  environments(): Promise<EnvironmentRow[]>;
  /** Every app, ordered by name as people read them (names.ts). */
  apps(): Promise<AppRow[]>;
  /** The app's current deployment in each environment it was recorded in; null when unknown. */
  app(name: string): Promise<{ env: string; current: Deployment | null }[] | null>;
  /**
   * Deletes deployments deployed before `before`, except each env and app's
   * current and latest one, so that current state never changes. Returns how many.
   */
  prune(before: number): Promise<number>;
  /** Every deployment as its JSON text, in order of arrival, streamed (constant memory). */
  exportJson(): AsyncIterable<string>;
  /**
   * Adds the deployments whose id is not stored yet, as they were (id,
   * instants; one dated after now takes effect now, clock.ts); returns how many.
   */
  importMany(items: readonly ImportItem[]): Promise<number>;
  /** Stores a new token; throws TokenNameTaken when an active token has that name (a revoked one is replaced). */
  createToken(token: TokenRecord): Promise<void>;
  /** Every token, revoked ones included, by name. */
  listTokens(): Promise<TokenRecord[]>;
  /**
   * Revokes the active token of that name and ends its sessions; false when
   * there is none. The revoked token stays listed (and keeps
   * `everHadTokens` true).
   */
  revokeToken(name: string, at: number): Promise<boolean>;
  /** The active token with this hash, or null. */
  tokenByHash(hash: string): Promise<TokenRecord | null>;
  /**
   * Whether any token was ever stored here, revoked ones included: once one
   * was, every write needs a token, even after every token is revoked (the
   * loopback rule never comes back). Tokens are never deleted, only revoked.
   */
  everHadTokens(): Promise<boolean>;
  /** Records when tokens were last used (name to instant), keeping the later instant. */
  touchTokens(uses: ReadonlyMap<string, number>): Promise<void>;
  /**
   * Stores a new login session. A token keeps at most SESSIONS_PER_TOKEN
   * sessions (shared.ts): beyond that, its oldest are deleted, so that
   * logging in again and again cannot grow the store without bound.
   */
  createSession(session: SessionRecord): Promise<void>;
  /**
   * The token of the session whose id hashes to `hash`, when that session
   * has not expired at `now` (epoch ms; `now < expiresAt`) and its token is
   * still active; else null. Never extends the session.
   */
  tokenBySession(hash: string, now: number): Promise<TokenRecord | null>;
  /** Deletes the session whose id hashes to `hash` (a logout); false when there was none. */
  deleteSession(hash: string): Promise<boolean>;
  /** Deletes every session expired at `now` (epoch ms, `expiresAt <= now`); returns how many. */
  purgeSessions(now: number): Promise<number>;
  /**
   * The server's secret key for `purpose` (`^[a-z][a-z0-9-]{0,31}$`, e.g.
   * `history-cursor`): 32 random bytes made on first ask and kept in the
   * store, so that it survives restarts and every instance over the same
   * store gets the same key. Throws on a malformed purpose.
   */
  serverKey(purpose: string): Promise<Buffer>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Finishes pending writes and releases the database. Safe to call twice. */
  close(): Promise<void>;
}

export type {
  DeliveryOutcome,
  DeliveryRecord,
  OutboxItem,
  OutboxStat,
  OutboxStore,
} from './outbox-types.js';

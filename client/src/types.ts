/**
 * The request and response types of the SVT HTTP API, shared by the server
 * (which produces them) and the client (which consumes them). Types only: the
 * server imports nothing else from this package.
 */

/** What happened to a deployment. Only `success` ever becomes current. */
export type DeploymentStatus = 'success' | 'failure' | 'started' | 'rolled_back';

/** An attribute value: flat, never an object or an array. */
export type AttributeValue = string | number | boolean;

/** One recorded deployment: an immutable event. Instants are ISO 8601 UTC strings. */
export interface Deployment {
  /** Server-assigned ULID, sortable by arrival. */
  id: string;
  env: string;
  app: string;
  version: string;
  status: DeploymentStatus;
  /** When it was deployed: the client's instant, or the server's time of receipt. */
  deployedAt: string;
  /** The server's time of receipt. */
  recordedAt: string;
  commit: string | null;
  committedAt: string | null;
  ref: string | null;
  /** The repository's web page (`https://github.com/acme/api`), for links to its commits. */
  repository: string | null;
  url: string | null;
  pipelineUrl: string | null;
  actor: string | null;
  source: string | null;
  attributes: Record<string, AttributeValue>;
  /** Name of the token that recorded it; null where no token was used. */
  recordedBy: string | null;
  /** The Idempotency-Key it was recorded with, if any. */
  idempotencyKey: string | null;
  /**
   * Derived, never sent: true for a success whose version differs from the
   * one it replaced and either ranks older than it or ran in that
   * environment before (a redeploy of the same version is not a rollback).
   * Recomputed when deployments arrive out of order.
   */
  rollback: boolean;
}

/** Body of `POST /api/v1/deployments`. */
export interface RecordDeploymentRequest {
  env: string;
  app: string;
  version: string;
  /** Default `success`. */
  status?: DeploymentStatus;
  /** Default: the server's time of receipt. At most 5 minutes in the future. */
  deployedAt?: string;
  commit?: string;
  committedAt?: string;
  ref?: string;
  /**
   * The repository's web page, http or https (`https://gitlab.example.com/group/api`):
   * stored without credentials, `.git` suffix, trailing slash, query or fragment.
   */
  repository?: string;
  url?: string;
  pipelineUrl?: string;
  actor?: string;
  source?: string;
  /** At most 20 keys matching `^[A-Za-z][A-Za-z0-9_-]{0,63}$`. */
  attributes?: Record<string, AttributeValue>;
}

/** Answer to `POST /api/v1/deployments` (201). */
export interface RecordDeploymentResponse {
  deployment: Deployment;
  /**
   * The success that ran in that env and app before this one, by deployedAt
   * (what it replaced, when it became current), if any.
   */
  previous: Deployment | null;
  /**
   * Whether it became the app's current deployment in that environment:
   * false for a status other than success, and for a success dated before
   * the current one (a back-dated record).
   */
  current: boolean;
  /** Present when `current` is false: the deployment that runs there instead (null when none succeeded). */
  currentDeployment?: Deployment | null;
  /**
   * Pages on the repository's forge (SVT_FORGES), null where there is none:
   * no repository, an unknown host, no commit (or, for `changes`, no
   * previous deployment with a commit of the same repository).
   */
  links: DeploymentLinks;
}

/** Answer to `GET /api/v1/deployments/{id}`. */
export interface DeploymentDetail {
  deployment: Deployment;
  /** The success before it in its env and app, by deployedAt (what it followed), if any. */
  previous: Deployment | null;
  links: DeploymentLinks;
}

/** Links from a deployment to its repository's forge. */
export interface DeploymentLinks {
  /** The deployed commit's page. */
  commit: string | null;
  /** What changed from the previous deployment's commit to this one's. */
  changes: string | null;
}

/** Answer to `GET /api/v1/environments/{env}`. */
export interface EnvironmentState {
  env: string;
  /** The instant asked for with `?at=`, or null for now. */
  at: string | null;
  /**
   * Each app whose latest deployment (at that instant) is not its current
   * one, that latest attempt: `started` is in progress; `failure` and
   * `rolled_back` are the warnings the environment page shows. By app.
   */
  attempts: Deployment[];
  /** The current deployment of each app, ordered by app name. */
  deployments: Deployment[];
}

/** Answer to `GET /api/v1/deployments`, newest first. */
export interface HistoryPage {
  items: Deployment[];
  /** Opaque cursor of the next page, or null on the last page. */
  next: string | null;
}

/** One entry of `GET /api/v1/environments`. */
export interface EnvironmentSummary {
  name: string;
  /** Number of apps ever recorded in it. */
  apps: number;
  lastDeployedAt: string;
}

/** Answer to `GET /api/v1/environments`, in first-seen order. */
export interface EnvironmentList {
  items: EnvironmentSummary[];
}

/** One entry of `GET /api/v1/apps`. */
export interface AppSummary {
  name: string;
  /** Environments it was ever recorded in, in first-seen order. */
  environments: string[];
  lastDeployedAt: string;
}

/** Answer to `GET /api/v1/apps`, ordered by name. */
export interface AppList {
  items: AppSummary[];
}

/** Answer to `GET /api/v1/apps/{app}`. */
export interface AppState {
  app: string;
  /** Its current deployment in every environment it was recorded in (null when none succeeded). */
  environments: { env: string; current: Deployment | null }[];
}

/** RFC 9457 problem details, the body of every API error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Validation errors, one per offending field. */
  errors?: { path: string; message: string }[];
}

/** One item of the legacy `GET /list/{env}` answer (the seed's shape). */
export interface LegacyListItem {
  name: string;
  version: string;
  date: string;
  url?: string;
  [attribute: string]: AttributeValue | undefined;
}

/**
 * How an app compares between two environments: `ahead` when `from` runs a
 * newer version than `to` (what is waiting to be promoted), `behind` when
 * older. Newer: semantic-version order when both versions parse as semver
 * (a leading `v` allowed), else the later deployedAt.
 */
export type CompareState = 'only_in_from' | 'only_in_to' | 'ahead' | 'behind' | 'same';

export interface CompareItem {
  app: string;
  state: CompareState;
  /** The app's current deployment in `from`, null when none. */
  from: Deployment | null;
  /** The app's current deployment in `to`, null when none. */
  to: Deployment | null;
}

/** Answer to `GET /api/v1/compare?from=&to=`: one item per app of either environment, by app name. */
export interface Comparison {
  from: string;
  to: string;
  /** The instant asked for with `?at=`, or null for now. */
  at: string | null;
  items: CompareItem[];
}

/** Answer to `GET /api/v1/changes?env=&since=&until=`: every deployment event in the window, newest first. */
export interface ChangesPage {
  env: string;
  /** Start of the window, inclusive. */
  since: string;
  /** End of the window, exclusive; null for now. */
  until: string | null;
  items: Deployment[];
  /** Opaque cursor of the next page, or null on the last page. */
  next: string | null;
}

/** Durations of one kind over a window, in seconds; null figures when there are none. */
export interface DoraDurations {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** Time to restore: the incidents that ended, and those still open at the end of the window. */
export interface DoraRestore extends DoraDurations {
  unrestored: number;
}

/** One UTC day of a DORA window: successes and failed changes, by their own instant. */
export interface DoraDay {
  /** `YYYY-MM-DD` */
  date: string;
  success: number;
  failed: number;
  /** Median lead time of that day's successes that carry committedAt; null without any. */
  leadTimeMedianSeconds: number | null;
}

/** One app's DORA figures over the window. */
export interface DoraApp {
  app: string;
  /** Successful deployments, rollbacks included. */
  success: number;
  /** Successful deployments that were rollbacks. */
  rollbacks: number;
  /** Changes: successes that are not rollbacks, and failures. */
  changes: number;
  /** Failed changes, each counted once. */
  failed: number;
  changeFailureRate: number | null;
  timeToRestore: DoraRestore;
  leadTime: DoraDurations;
}

/** Answer to `GET /api/v1/dora?env=&app=&window=30d&until=`. */
export interface DoraReport {
  /** The environment asked for, or null for all. */
  env: string | null;
  /** The app asked for, or null for all. */
  app: string | null;
  /** The window as asked, e.g. `30d`. */
  window: string;
  /** Start of the window, inclusive. */
  since: string;
  /** End of the window, exclusive (now unless `until` was given). */
  until: string;
  /** Events by status; `rollbacks` of the successes were rollbacks. */
  deployments: {
    success: number;
    rollbacks: number;
    failure: number;
    rolledBack: number;
    started: number;
  };
  deploymentFrequency: {
    /** Successful deployments per day of the window. */
    perDay: number;
    perWeek: number;
    /** UTC days with at least one successful deployment. */
    activeDays: number;
  };
  /** Successes that are not rollbacks, and failures (a `rolled_back` event of no success seen counts too). */
  changes: number;
  /**
   * Failures, and successes rolled back (replaced by a rollback, or marked
   * by a `rolled_back` event): each bad change once.
   */
  failedChanges: number;
  /** failedChanges / changes, 0-1; null without any. */
  changeFailureRate: number | null;
  timeToRestore: DoraRestore;
  /** deployedAt - committedAt of the successes that carry committedAt, rollbacks left out. */
  leadTime: DoraDurations;
  daily: DoraDay[];
  /** Each app's figures, by name. */
  apps: DoraApp[];
}

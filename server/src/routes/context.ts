/** What every route module is given by createApp. */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { HistoryCursors } from '../http/cursor.js';
import type { HeavyReads } from '../http/heavy-reads.js';
import type { InFlight } from '../idempotency.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/types.js';
import type { Webhooks } from '../webhooks.js';

/** Process lifecycle seen by the routes: readiness turns false once shutdown begins. */
export interface Lifecycle {
  shuttingDown: boolean;
  /**
   * Work the app hands over for shutdown, run after the last request and
   * before the store closes (server.ts): the last minute of token use.
   * Absent in apps built without a process around them (tests).
   */
  beforeClose?: (() => Promise<void>)[];
}

export interface RouteDeps {
  /** The webhook delivery loop: its hook keys go with each write, and it is poked after each. */
  webhooks: Webhooks;
  store: Store;
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
  inFlight: InFlight;
  metrics: Metrics;
  /** Signs and checks history cursors with the store's key, loaded once. */
  cursors: HistoryCursors;
  /** The cap on DORA reports and CSV downloads running at once. */
  heavyReads: HeavyReads;
}

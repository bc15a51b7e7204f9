/** The one place that picks a storage adapter from the configuration. */
import type { Config } from '../config.js';
import type { MigrationSummary } from './sqlite-connection.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/**
 * MongoDB when SVT_MONGODB_URL is set, else the embedded SQLite file. Not yet
 * opened. `onMigrated` hears what a SQLite schema migration did at open.
 */
export async function createStore(
  config: Config,
  onMigrated?: (summary: MigrationSummary) => void,
): Promise<Store> {
  if (config.mongodbUrl !== null) {
    // Loaded only when selected: the embedded default never pays for the driver.
    const { MongoStore } = await import('./mongo.js');
    return new MongoStore(config.mongodbUrl, config.mongodbDb);
  }
  return new SqliteStore(config.dbPath, onMigrated);
}

export type { Store } from './types.js';
export type { MigrationSummary } from './sqlite-connection.js';

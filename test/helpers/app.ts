/** An app over a real SQLite file, for HTTP tests through `app.callback()`. */
import { pino } from 'pino';
import type Koa from 'koa';
import { createApp } from '../../server/src/app.js';
import { type Config, parseConfig } from '../../server/src/config.js';
import { SqliteStore } from '../../server/src/store/sqlite.js';
import { tempDbPath } from './tmp.js';

export interface TestApp {
  app: Koa;
  store: SqliteStore;
  config: Config;
  callback: ReturnType<Koa['callback']>;
}

export async function testApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = parseConfig({ SVT_DB: tempDbPath(), ...env });
  const store = new SqliteStore(config.dbPath);
  await store.open();
  const app = createApp({ store, config, logger: pino({ level: 'silent' }) });
  return { app, store, config, callback: app.callback() };
}

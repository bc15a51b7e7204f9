/** The server as a library: what tests and embedding code use. */
export { createApp, type AppOptions } from './app.js';
export { parseConfig, ConfigError, type Config } from './config.js';
export { createLogger } from './logger.js';
export { startServer, type Running } from './server.js';
export { createStore } from './store/index.js';
export type * from './store/types.js';

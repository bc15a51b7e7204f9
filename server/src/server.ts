/**
 * Listening and stopping. On SIGTERM or SIGINT: readiness turns 503, the
 * listener stops accepting connections, idle keep-alive connections close,
 * in-flight requests finish, the store closes, and the process exits 0.
 * Connections still busy after SHUTDOWN_GRACE_MS are cut, so that the
 * process is gone well within 10 s.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { describeDatabase } from './admin-database.js';
import { createApp } from './app.js';
import { hostAllowList } from './http/hosts.js';
import type { Config } from './config.js';
import type { Lifecycle } from './routes/context.js';
import type { Store } from './store/types.js';

export const SHUTDOWN_GRACE_MS = 8000;

export interface Running {
  server: Server;
  port: number;
  /** Stops as on SIGTERM; resolves once the store is closed. */
  stop(reason: string): Promise<void>;
}

/** Says at start who can write, when that is anyone or nearly anyone. */
async function warnAboutAccess(config: Config, store: Store, logger: Logger): Promise<void> {
  if (!config.auth) {
    logger.warn('SVT_AUTH=off: anyone who reaches this server can record and read deployments');
    return;
  }
  if (!(await store.everHadTokens())) {
    logger.warn(
      'no API token was ever created: writes are accepted from this machine (loopback) only; ' +
        'create one with: npx svt-server token create --name <name> --scope write:<env>',
    );
  }
  if (!config.legacyAuth) {
    logger.warn('SVT_LEGACY_AUTH=off: POST /create accepts writes without a token');
  }
  // Said once, since a proxy on this machine that passes its own Host on gets 400s until it is listed.
  if (hostAllowList(config.host, config.allowedHosts) !== null) {
    logger.info(
      { allowedHosts: config.allowedHosts ?? [] },
      'requests must name this server in Host by a loopback name or one in SVT_ALLOWED_HOSTS (against DNS rebinding)',
    );
  }
}

/** SVT_RETENTION_DAYS: prunes old history now and every hour; never in the way of requests. */
function scheduleRetention(config: Config, store: Store, logger: Logger): NodeJS.Timeout | null {
  const days = config.retentionDays;
  if (days === null) return null;
  const prune = () => {
    const before = Date.now() - days * 24 * 3600 * 1000;
    store.prune(before).then(
      (deleted) =>
        logger.info(
          { deleted, before: new Date(before).toISOString() },
          'retention: pruned old history',
        ),
      (err: unknown) =>
        logger.warn({ err }, 'retention: pruning failed; will try again in an hour'),
    );
  };
  setImmediate(prune);
  const timer = setInterval(prune, 3600 * 1000);
  timer.unref();
  return timer;
}

/** Inactivity after which a socket is closed (ms); far above a year of DORA's few seconds. */
const IDLE_SOCKET_MS = 60_000;

export async function startServer(config: Config, store: Store, logger: Logger): Promise<Running> {
  const lifecycle: Lifecycle = { shuttingDown: false, beforeClose: [] };
  const app = createApp({ store, config, logger, lifecycle });
  const timeouts = {
    // Slow or stalled clients must not hold connections forever.
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    keepAliveTimeout: 5_000,
  };
  let server: Server;
  if (config.tls === null) {
    server = createServer(timeouts, app.callback());
  } else {
    let tls: { cert: Buffer; key: Buffer };
    try {
      tls = { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) };
    } catch (err) {
      throw new Error(`cannot read SVT_TLS_CERT or SVT_TLS_KEY: ${(err as Error).message}`, {
        cause: err,
      });
    }
    server = createHttpsServer({ ...timeouts, ...tls }, app.callback());
  }
  // A socket with nothing sent or received for a minute is closed: a client
  // that stops reading a CSV download would otherwise hold its heavy-read
  // slot (http/heavy-reads.ts) for as long as it keeps the connection.
  server.setTimeout(IDLE_SOCKET_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const scheme = config.tls === null ? 'http' : 'https';
  // The database as the admin commands name it, so that an operator can check they agree.
  const database = await describeDatabase(config);
  logger.info(
    { host: config.host, port, store: store.kind, database, tls: config.tls !== null },
    `listening on ${scheme}://${config.host}:${port}`,
  );
  await warnAboutAccess(config, store, logger);
  const retention = scheduleRetention(config, store, logger);

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      lifecycle.shuttingDown = true;
      logger.info({ reason }, 'shutting down: finishing in-flight requests');
      const cut = setTimeout(() => {
        logger.warn('shutdown grace period over: closing remaining connections');
        server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      cut.unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(cut);
      if (retention !== null) clearInterval(retention);
      for (const task of lifecycle.beforeClose ?? []) {
        await task().catch((err: unknown) => logger.warn({ err }, 'shutdown task failed'));
      }
      await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, port, stop };
}

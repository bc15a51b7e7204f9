// An experiment, not a design: how far a write route outside Koa could take
// SVT. The server as shipped (the Koa app serves every other request), but
// POST /api/v1/deployments is answered by a node:http handler in front of
// it that does the route's own work with SVT's code: request id, body,
// validation, rate limit, the store (the real SQLite writer), metrics, the
// security headers and the request log line. It skips Koa and its
// middleware, and it is only a bound: access is open (no token check, as a
// server without tokens on loopback), and a bad request gets a bare 500,
// not a problem+json answer. Prints its port, as the SVT server does.
// `node bench/ab-servers.mjs '{}' '{"script":"bench/fastpath-bound-server.mjs"}'`
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createApp } from '../server/dist/app.js';
import { Limits } from '../server/dist/auth/rate-limits.js';
import { parseConfig } from '../server/dist/config.js';
import { createLogger } from '../server/dist/logger.js';
import { Metrics } from '../server/dist/metrics.js';
import { createStore } from '../server/dist/store/index.js';
import { parseDeployment } from '../server/dist/validation/deployment.js';

const config = parseConfig(process.env);
const logger = createLogger(config.logLevel);
const store = await createStore(config);
const koa = createApp({ store, config, logger }).callback();
// A registry of its own (the app's is private to it), counted as the app counts.
const metrics = new Metrics();
const timed = metrics.instrument(store);
const limits = new Limits(config.rateLimit, config.authFailLimit);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ROUTE = '/api/v1/deployments';

function fast(req, res) {
  const start = performance.now();
  const callerId = req.headers['x-request-id'] ?? '';
  const reqId = CALLER_ID.test(callerId) ? callerId : randomUUID();
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    chunks.push(c);
    size += c.length;
  });
  req.on('end', async () => {
    try {
      if (!/^application\/json/.test(req.headers['content-type'] ?? '')) throw new Error('415');
      const body = JSON.parse(utf8.decode(Buffer.concat(chunks, size)));
      await limits.write(req.socket.remoteAddress ?? '');
      const parsed = parseDeployment(body, {
        versionPattern: config.versionPattern,
        now: Date.now(),
        recordedBy: null,
      });
      const input = { ...parsed, recordedBy: null };
      const result = await timed.record(input, undefined);
      metrics.recorded(input);
      const out = result.responseJson;
      res.writeHead(201, {
        'X-Request-Id': reqId,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'same-origin',
        'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(out),
      });
      res.end(out);
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
    const ms = performance.now() - start;
    metrics.requestSeconds.observe({ method: 'POST', route: ROUTE }, ms / 1000);
    metrics.requests.inc({ method: 'POST', route: ROUTE, status: String(res.statusCode) });
    logger.info(
      { reqId, method: 'POST', path: ROUTE, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  });
}

const server = createServer(
  { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
  (req, res) => (req.method === 'POST' && req.url === ROUTE ? fast(req, res) : koa(req, res)),
);
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => server.close(() => store.close().then(() => process.exit(0))));

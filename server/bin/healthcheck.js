#!/usr/bin/env node
// The container's HEALTHCHECK: GET /healthz on this machine's SVT, over
// HTTPS when SVT_TLS_CERT is set (its certificate is not checked: the call
// never leaves the loopback interface). Exit 0 when healthy, 1 otherwise.
import { request as http } from 'node:http';
import { request as https } from 'node:https';

const port = Number(process.env.SVT_PORT || 5000);
const tls = Boolean(process.env.SVT_TLS_CERT);
const req = (tls ? https : http)(
  { host: '127.0.0.1', port, path: '/healthz', timeout: 2000, rejectUnauthorized: false },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  console.error(`svt healthcheck: ${err.message}`);
  process.exit(1);
});
req.end();

/**
 * A self-signed certificate made by openssl for the tests, and an HTTPS
 * server of the SVT app with it, on 127.0.0.1: what a company's own CA
 * looks like to a client that does not know it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { closeServer, listen } from './listen.js';
import { tempDir } from './tmp.js';

export interface Certificate {
  /** PEM file of the certificate: what NODE_EXTRA_CA_CERTS names. */
  certFile: string;
  cert: string;
  key: string;
}

/** A certificate for `names` (host names, or IP addresses) valid for a day. */
export function selfSigned(names: readonly string[]): Certificate {
  const dir = tempDir('svt-tls-');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${names[0]}`,
    ].concat(['-addext', `subjectAltName=${san}`, '-keyout', keyFile, '-out', certFile]),
    { stdio: 'ignore' },
  );
  return { certFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

export interface HttpsListening {
  port: number;
  close: () => Promise<void>;
}

/** `callback` (an app's) over HTTPS with `certificate`, on 127.0.0.1. */
export async function listenHttps(
  callback: Parameters<typeof createServer>[1],
  certificate: Certificate,
): Promise<HttpsListening> {
  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, callback);
  const port = await listen(server);
  return { port, close: () => closeServer(server) };
}

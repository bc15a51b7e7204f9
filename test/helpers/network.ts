/**
 * SVT behind the networks CI runners sit in: the test app over HTTP and
 * over HTTPS (a self-signed certificate for `svt.invalid` and 127.0.0.1, as
 * a company's own CA would sign it), and a forward proxy that alone can
 * reach `svt.invalid`. One per test file, started before its tests.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { httpProxy, type HttpProxy } from './http-proxy.js';
import { type Listening, useListeningApp } from './listen.js';
import { type Certificate, type HttpsListening, listenHttps, selfSigned } from './tls-cert.js';

/** The name only the proxy resolves (RFC 6761 reserves `.invalid`). */
export const PROXIED_HOST = 'svt.invalid';

export interface Network {
  svt: Listening;
  proxy: HttpProxy;
  certificate: Certificate;
  /** The app over HTTPS on 127.0.0.1. */
  httpsPort: number;
  /** `http://svt.invalid:<port>`: reachable through the proxy only. */
  proxiedHttpUrl: string;
  /** `https://svt.invalid:<port>`: through the proxy, trusted with NODE_EXTRA_CA_CERTS only. */
  proxiedHttpsUrl: string;
}

/** Starts the network before the file's tests; the getter is for inside tests. */
export function useNetwork(): () => Network {
  const svt = useListeningApp({ SVT_ALLOWED_HOSTS: PROXIED_HOST });
  let proxy: HttpProxy | undefined;
  let https: HttpsListening | undefined;
  let certificate: Certificate | undefined;
  beforeAll(async () => {
    certificate = selfSigned([PROXIED_HOST, '127.0.0.1']);
    https = await listenHttps(svt().callback, certificate);
    proxy = await httpProxy([PROXIED_HOST]);
  });
  afterAll(async () => {
    await proxy?.close();
    await https?.close();
  });
  return () => {
    if (proxy === undefined || https === undefined || certificate === undefined) {
      throw new Error('the network is started in beforeAll: use it inside a test');
    }
    return {
      svt: svt(),
      proxy,
      certificate,
      httpsPort: https.port,
      proxiedHttpUrl: `http://${PROXIED_HOST}:${svt().port}`,
      proxiedHttpsUrl: `https://${PROXIED_HOST}:${https.port}`,
    };
  };
}

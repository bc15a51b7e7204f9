/**
 * `svt` as a real process on the networks CI runners have: behind a
 * forward proxy (HTTP_PROXY, HTTPS_PROXY), and facing a server whose TLS
 * certificate a company's own CA signed. A certificate error ends the
 * command at once, naming NODE_EXTRA_CA_CERTS, instead of retrying until
 * the deadline (120 s for a record) as for an outage.
 */
import { describe, expect, test } from '@jest/globals';
import { useNetwork } from '../helpers/network.js';
import { CLI, runNode } from '../helpers/run-node.js';

const net = useNetwork();
const record = (
  env: string,
  server: string,
  vars: Record<string, string> = {},
  more: string[] = [],
) =>
  runNode(
    CLI,
    ['record', '--env', env, '--app', 'shop', '--version', '1.0.0', '--server', server, ...more],
    vars,
  );
const stored = async (env: string) => (await net().svt.store.current(env)) ?? [];

describe('behind a proxy', () => {
  test('HTTP_PROXY: the record goes through it (and nowhere else could reach svt.invalid)', async () => {
    const { proxy, proxiedHttpUrl } = net();
    const before = proxy.seen.length;
    const run = await record('cli-proxy-http', proxiedHttpUrl, {
      HTTP_PROXY: `http://user:p%40ss@127.0.0.1:${proxy.port}`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(proxy.seen.slice(before)).toEqual([
      // @actions/http-client tunnels plain HTTP too; the credentials decoded, as Basic.
      {
        method: 'CONNECT',
        target: proxiedHttpUrl.slice('http://'.length),
        auth: 'Basic dXNlcjpwQHNz',
      },
    ]);
    expect((await stored('cli-proxy-http')).map((d) => d.version)).toEqual(['1.0.0']);

    // Without the proxy, or with NO_PROXY naming the host, the name does not even resolve.
    const seen = proxy.seen.length;
    const unproxied: Record<string, string>[] = [
      {},
      { HTTP_PROXY: proxy.url, NO_PROXY: '.invalid' },
    ];
    for (const vars of unproxied) {
      const direct = await record('cli-proxy-http', proxiedHttpUrl, vars, ['--timeout', '1s']);
      expect(direct.code).toBe(3);
      expect(direct.stderr).toMatch(/ENOTFOUND|EAI_AGAIN/);
    }
    expect(proxy.seen.length).toBe(seen);
  });

  test('HTTPS_PROXY with a CA given in NODE_EXTRA_CA_CERTS: a tunnel, and TLS inside it', async () => {
    const { proxy, proxiedHttpsUrl, certificate } = net();
    const before = proxy.seen.length;
    const run = await record('cli-proxy-https', proxiedHttpsUrl, {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(proxy.seen.slice(before).map((s) => [s.method, s.target])).toEqual([
      ['CONNECT', proxiedHttpsUrl.slice('https://'.length)],
    ]);
    expect((await stored('cli-proxy-https')).map((d) => d.version)).toEqual(['1.0.0']);
  });
});

describe('a TLS certificate no retry can fix', () => {
  test('one signed by an unknown CA: exit 3 at once, naming NODE_EXTRA_CA_CERTS; with it, recorded', async () => {
    const url = `https://127.0.0.1:${net().httpsPort}`;
    const run = await record('cli-tls', url); // the default --timeout, 120s
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toBe(
      `svt: SVT at ${url} cannot be reached safely: its TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate), which no retry can fix: if your organisation's own CA signed it, give node that CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment (node reads it when it starts)\n`,
    );
    expect(await stored('cli-tls')).toEqual([]);

    const trusted = await record('cli-tls', url, {
      NODE_EXTRA_CA_CERTS: net().certificate.certFile,
    });
    expect(trusted.code).toBe(0);
    expect((await stored('cli-tls')).map((d) => d.version)).toEqual(['1.0.0']);
  });

  test('one for another host name: at once too, and not blamed on the CA', async () => {
    // The CA is trusted, but the certificate names svt.invalid and 127.0.0.1, not localhost.
    const url = `https://localhost:${net().httpsPort}`;
    const env = { NODE_EXTRA_CA_CERTS: net().certificate.certFile };
    const run = await record('cli-tls-name', url, env);
    expect(run.code).toBe(3);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toContain(
      `svt: SVT at ${url} cannot be reached safely: its TLS certificate is refused (ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:svt.invalid, IP Address:127.0.0.1), which no retry can fix: the server's certificate must be renewed, or name the host of the server URL (NODE_EXTRA_CA_CERTS, which adds trusted CAs, cannot help here)\n`,
    );
    // The reads stop at once as well.
    const list = await runNode(CLI, ['list', 'prod', '--server', url, '--timeout', '1m'], env);
    expect(list.code).toBe(3);
    expect(list.ms).toBeLessThan(10_000);
    expect(list.stderr).toContain('its TLS certificate is refused (ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

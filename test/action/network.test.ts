/**
 * The bundled action on a self-hosted runner's network: behind a proxy
 * (HTTPS_PROXY), and facing a certificate from the company's own CA. A
 * certificate error is reported at once, naming NODE_EXTRA_CA_CERTS, not
 * after the 120 s the action keeps trying through an outage.
 */
import { expect, test } from '@jest/globals';
import { GITHUB_CONTEXT, runAction } from '../helpers/github-runner.js';
import { useNetwork } from '../helpers/network.js';

const net = useNetwork();

test('behind HTTPS_PROXY, with the CA in NODE_EXTRA_CA_CERTS: recorded through the tunnel', async () => {
  const { proxy, proxiedHttpsUrl, certificate, svt } = net();
  const before = proxy.seen.length;
  const run = await runAction(
    { 'server-url': proxiedHttpsUrl, environment: 'action-proxy', version: '1.0.0' },
    { ...GITHUB_CONTEXT, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: certificate.certFile },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).not.toContain('::warning');
  expect(proxy.seen.slice(before).map((s) => [s.method, s.target])).toEqual([
    ['CONNECT', proxiedHttpsUrl.slice('https://'.length)],
  ]);
  expect((await svt.store.current('action-proxy'))?.map((d) => d.version)).toEqual(['1.0.0']);
});

test('a certificate from an unknown CA: reported at once, naming NODE_EXTRA_CA_CERTS', async () => {
  const url = `https://127.0.0.1:${net().httpsPort}`;
  const inputs = { 'server-url': url, environment: 'action-tls', version: '1.0.0' };
  const soft = await runAction(inputs); // the default timeout, 120 s
  expect(soft.code).toBe(0);
  expect(soft.ms).toBeLessThan(10_000);
  expect(soft.stdout).toContain(
    `::warning::SVT could not record the deployment: SVT at ${url} cannot be reached safely: its TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate), which no retry can fix: if your organisation's own CA signed it, give node that CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment (node reads it when it starts) (the step succeeds anyway; set fail-on-error: true to fail it)\n`,
  );
  expect(soft.stdout).not.toContain('retrying');

  const strict = await runAction({ ...inputs, 'fail-on-error': 'true' });
  expect(strict.code).toBe(1);
  expect(strict.ms).toBeLessThan(10_000);
  expect(strict.stdout).toMatch(
    /::error::SVT could not record the deployment: .*NODE_EXTRA_CA_CERTS/,
  );
  expect(await net().svt.store.current('action-tls')).toBeNull();
});

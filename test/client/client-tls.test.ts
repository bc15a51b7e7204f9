/**
 * SvtClient facing a TLS certificate it refuses: one attempt, then an
 * SvtError that says no retry can fix it and names NODE_EXTRA_CA_CERTS,
 * for every call (a write and a read), long before its deadline.
 */
import { expect, test } from '@jest/globals';
import { SvtClient } from '../../client/src/client.js';
import { SvtError } from '../../client/src/errors.js';
import { useNetwork } from '../helpers/network.js';

const net = useNetwork();

test('a self-signed certificate: no retry, not transient, no status, NODE_EXTRA_CA_CERTS named', async () => {
  const retries: string[] = [];
  const client = new SvtClient({
    baseUrl: `https://127.0.0.1:${net().httpsPort}`,
    deadlineMs: 60_000,
    onRetry: ({ reason }) => retries.push(reason),
  });
  for (const call of [
    () => client.record({ env: 'prod', app: 'api', version: '1.0.0' }),
    () => client.current('prod'),
  ]) {
    const started = Date.now();
    const err = await call().then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(SvtError);
    expect(err).toMatchObject({ status: null, transient: false, attempts: 1, problem: null });
    expect((err as SvtError).message).toMatch(
      /cannot be reached safely: its TLS certificate is not trusted here \(DEPTH_ZERO_SELF_SIGNED_CERT: .*NODE_EXTRA_CA_CERTS=/,
    );
  }
  expect(retries).toEqual([]);
  expect(await net().svt.store.current('prod')).toBeNull();
});

/**
 * The signature of Flux's `generic-hmac` provider (notification-controller
 * `internal/notifier/forwarder.go`): `X-Signature: <hash>=<hex>`, an HMAC of
 * the exact body bytes keyed with the provider Secret's `token`. Flux signs
 * with sha256 today and documents that this may change, so the hash named
 * in the header is used, among those its documentation lists.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from '../errors.js';

const HASHES = new Set(['sha224', 'sha256', 'sha384', 'sha512']);

function refuse(code: string, detail: string): HttpProblem {
  return new HttpProblem(401, { code, title: 'Unauthorized', detail });
}

/**
 * Returns when `header` (the X-Signature value, '' when absent) is a valid
 * HMAC of `body` under `key`; throws a 401 HttpProblem saying what is wrong
 * (missing, malformed, an unknown hash, or no match) otherwise. The key is
 * tried as given and trimmed: notification-controller before v1.7 trimmed
 * the Secret's token and later ones do not, and an operator may set
 * SVT_FLUX_HMAC_KEY from the same Secret either way. Constant-time compare.
 */
export function checkSignature(header: string, body: Buffer, key: string): void {
  if (header === '') {
    throw refuse(
      'signature-missing',
      'this server checks the signature of Flux events (SVT_FLUX_HMAC_KEY is set), and the request has no ' +
        'X-Signature header: use a Flux Provider of type generic-hmac whose Secret holds that key as `token`',
    );
  }
  const match = /^([A-Za-z0-9-]{1,16})=([0-9A-Fa-f]{2,256})$/.exec(header.trim());
  const hash = match?.[1]?.toLowerCase() ?? '';
  const hex = match?.[2]?.toLowerCase() ?? '';
  if (match === null) {
    throw refuse(
      'signature-malformed',
      'X-Signature must be "<hash>=<hex HMAC of the body>", as Flux sends it (sha256=...); this one is not',
    );
  }
  if (!HASHES.has(hash)) {
    throw refuse(
      'signature-unsupported',
      `X-Signature uses the hash "${hash}"; SVT checks sha224, sha256, sha384 and sha512`,
    );
  }
  // Compared as the hex text it came as: Buffer.from(hex, 'hex') would drop
  // an odd last digit, and take a signature with one more digit as valid.
  const given = Buffer.from(hex, 'latin1');
  for (const candidate of new Set([key, key.trim()])) {
    const expected = Buffer.from(createHmac(hash, candidate).update(body).digest('hex'), 'latin1');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return;
  }
  throw refuse(
    'signature-mismatch',
    "X-Signature does not match the body: the Flux Provider Secret's `token` is not the key set in " +
      'SVT_FLUX_HMAC_KEY, or something between them changed the body',
  );
}

/**
 * TLS certificate errors: the ones no retry can fix. A client that retried
 * them would wait out its whole deadline (120 s for a record) and then
 * blame the network; one sentence that says what is wrong, and names
 * NODE_EXTRA_CA_CERTS, saves the user that wait and the search.
 */

/** Codes of a certificate signed by a CA node does not know: NODE_EXTRA_CA_CERTS fixes these. */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);

/** Codes of a certificate that is wrong in itself (OpenSSL's X509 errors, node's host name check). */
const REFUSED = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

/**
 * The first error in `err`'s cause chain whose code is a certificate's, if
 * any (fetch wraps it once). Read by shape, not `instanceof Error`: an error
 * made in another realm (a vm context, a test runner's sandbox) is still one.
 */
function certificateError(err: unknown): { code: string; message: string } | null {
  let current = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (UNTRUSTED.has(code) || REFUSED.has(code))) {
      return { code, message: typeof message === 'string' ? message : code };
    }
    current = cause;
  }
  return null;
}

/**
 * What is wrong, in one sentence naming NODE_EXTRA_CA_CERTS, when `err` is
 * a TLS certificate error; null for any other error (those may pass, and
 * are retried). A certificate from an unknown CA (a company's own, a
 * self-signed one) is fixed by giving node that CA; an expired one, or one
 * for another host name, only by the server's owner.
 */
export function certificateProblem(err: unknown): string | null {
  const found = certificateError(err);
  if (found === null) return null;
  const what = found.message.includes(found.code)
    ? found.message
    : `${found.code}: ${found.message}`;
  return UNTRUSTED.has(found.code)
    ? `its TLS certificate is not trusted here (${what}), which no retry can fix: if your organisation's own CA signed it, give node that CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment (node reads it when it starts)`
    : `its TLS certificate is refused (${what}), which no retry can fix: the server's certificate must be renewed, or name the host of the server URL (NODE_EXTRA_CA_CERTS, which adds trusted CAs, cannot help here)`;
}

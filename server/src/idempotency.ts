/**
 * Idempotency-Key handling above the store: the header's rules, the body
 * fingerprint, and the in-flight guard. The store answers replays (same key,
 * same body) and refuses reuse with another body; the guard answers 409 to a
 * second request with a key whose first request is still being written, in
 * this process.
 *
 * Across instances (MongoDB) the same holds, at once: the second writer's
 * insert of the key meets the first one's on the unique index, as a write
 * conflict while the first is uncommitted, and the adapter answers 409
 * (store/mongo-writes.ts) instead of letting the driver retry the
 * transaction until the first one ends (withTransaction retries a write
 * conflict for up to 120 s, and an instance that died mid-write holds the
 * key until the server aborts its transaction, 60 s by default). The client
 * retries a 409 after `Retry-After` and then gets the first answer.
 */
import { createHash } from 'node:crypto';
import { HttpProblem, validationProblem } from './errors.js';
import type { IdempotencyClaim } from './store/types.js';

const KEY = /^[\x20-\x7E]{1,255}$/;

export function inFlightProblem(key: string): HttpProblem {
  return new HttpProblem(409, {
    code: 'idempotency-key-in-flight',
    title: 'Request with this idempotency key in progress',
    detail: `a request with Idempotency-Key ${JSON.stringify(key)} is still being processed; retry shortly`,
    headers: { 'Retry-After': '1' },
  });
}

/** Sorted-key JSON, so that the same body with keys in another order has the same fingerprint. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * The claim for a write, or undefined without a header. `route` keeps a key
 * used on the legacy route apart from the same key on the v1 route.
 */
export function claimFor(
  header: string,
  scope: string,
  route: string,
  body: unknown,
): IdempotencyClaim | undefined {
  if (header === '') return undefined;
  if (!KEY.test(header)) {
    throw validationProblem([
      { path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' },
    ]);
  }
  const fingerprint = createHash('sha256')
    .update(`${route}\n${canonical(body)}`)
    .digest('hex');
  return { scope, key: header, fingerprint };
}

/** Runs `write` unless another request with the same claim is in progress here. */
export class InFlight {
  private readonly keys = new Set<string>();

  async run<T>(claim: IdempotencyClaim | undefined, write: () => Promise<T>): Promise<T> {
    if (claim === undefined) return write();
    const id = `${claim.scope}\u0000${claim.key}`;
    if (this.keys.has(id)) throw inFlightProblem(claim.key);
    this.keys.add(id);
    try {
      return await write();
    } finally {
      this.keys.delete(id);
    }
  }
}

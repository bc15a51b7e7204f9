/** What every adapter shares: the domain errors of a write. */
import { HttpProblem } from '../errors.js';

export function idempotencyMismatch(key: string): HttpProblem {
  return new HttpProblem(422, {
    code: 'idempotency-key-reused',
    title: 'Idempotency key reused',
    detail: `Idempotency-Key ${JSON.stringify(key)} was already used with a different request body`,
  });
}

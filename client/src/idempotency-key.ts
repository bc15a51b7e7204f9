/**
 * The Idempotency-Key a CI job sends when the user names none. It names the
 * job run and attempt, and the request as sent: a retried request (same
 * run, same body) records once, while a re-run job, a new status (started,
 * then success), or another leg of a matrix job that sends something else
 * (`region=eu-west-1`, then `region=us-east-1`, under the same job name)
 * records anew. Two legs that send the very same body record once: they
 * describe one deployment.
 */
import { createHash } from 'node:crypto';
import type { CiContext } from './ci-context.js';
import type { RecordDeploymentRequest } from './types.js';

/**
 * JSON with every object's keys sorted and undefined members left out, so
 * that two requests that mean the same thing give the same text, whatever
 * order their fields were set in.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The default key for `request` in the CI run `ctx`: `<provider>-` and 40
 * hex digits of a SHA-256 over the run id and the request as it will be
 * sent (complete, CI defaults filled in: call it after withCiDefaults). A
 * request without a status counts as `success`, as the server reads it.
 * Null outside CI, where nothing identifies a run: the caller can still pass
 * a key of its own.
 */
export function defaultIdempotencyKey(
  ctx: CiContext,
  request: RecordDeploymentRequest,
): string | null {
  if (ctx.runId === null || ctx.provider === null) return null;
  const body = canonicalJson({ ...request, status: request.status ?? 'success' });
  const digest = createHash('sha256').update(`${ctx.runId}\n${body}`).digest('hex').slice(0, 40);
  return `${ctx.provider}-${digest}`;
}

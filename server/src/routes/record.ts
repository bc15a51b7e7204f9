/**
 * The one path of a write, shared by `POST /api/v1/deployments` and the
 * seed's `POST /create`: the time model (clock.ts), authorization, idempotency, the
 * store, metrics and webhooks, in that order.
 */
import type { Context } from 'koa';
import { type AuthState, authorizeWrite } from '../auth/policy.js';
import { takesEffect } from '../clock.js';
import { claimFor } from '../idempotency.js';
import type { NewDeployment, RecordResult } from '../store/types.js';
import type { RouteDeps } from './context.js';

/**
 * Records a validated write: its `recordedBy` comes from the token (which
 * must allow the environment: 401/403 otherwise), its idempotency claim from
 * the `Idempotency-Key` header scoped to that token (its hash; '' without
 * one). Sets the `Idempotent-Replayed` header on a replay.
 * @param surface the route family, part of the idempotency fingerprint
 * @param body the parsed body, fingerprinted for the claim
 */
export async function recordWrite(
  ctx: Context,
  { store, inFlight, webhooks, metrics }: RouteDeps,
  parsed: NewDeployment,
  receivedAt: number,
  surface: 'v1' | 'legacy',
  body: unknown,
): Promise<RecordResult> {
  const input: NewDeployment = {
    ...parsed,
    deployedAt: takesEffect(parsed.deployedAt, receivedAt),
    recordedBy: authorizeWrite(ctx, parsed.env),
  };
  // Keys belong to the token itself (its stored hash), not to its name: a
  // new token given a revoked one's name must not replay or block its keys.
  const principal = (ctx.state.auth as AuthState | undefined)?.principal ?? null;
  const claim = claimFor(ctx.get('idempotency-key'), principal?.hash ?? '', surface, body);
  // Its webhook deliveries are stored with it, for the hooks configured now (webhooks.ts).
  const result = await inFlight.run(claim, () => store.record(input, claim, webhooks.keys));
  if (!result.replayed) metrics.recorded(input);
  // Committed: the delivery loop looks now rather than at its next poll.
  if (!result.replayed && webhooks.keys.length > 0) webhooks.poke();
  if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
  return result;
}

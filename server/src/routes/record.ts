/**
 * The one path of a write, shared by `POST /api/v1/deployments`, the
 * seed's `POST /create` and the GitOps hooks (`/api/v1/hooks/*`): the time
 * model (clock.ts), authorization, idempotency, the store, metrics and
 * webhooks, in that order.
 */
import type { DeploymentLinks, RecordDeploymentResponse } from '@svt/client';
import type { Context } from 'koa';
import { type AuthState, authorizeWrite } from '../auth/policy.js';
import { takesEffect } from '../clock.js';
import { deploymentLinks, NO_LINKS } from '../forges.js';
import { claimFor } from '../idempotency.js';
import type { NewDeployment, RecordResult } from '../store/types.js';
import type { RouteDeps } from './context.js';

/**
 * The route families that write. The hooks' keys are kept apart from the
 * others' (and each other's): a key a client sends to the API can never
 * block, nor replay, an event's key derived by a hook.
 */
export type WriteSurface = 'v1' | 'legacy' | 'flux' | 'argocd';

/**
 * Records a validated write: its `recordedBy` comes from the token (which
 * must allow the environment: 401/403 otherwise), its idempotency claim from
 * `idempotencyKey` scoped to that token (its hash; '' without one). Sets the
 * `Idempotent-Replayed` header on a replay.
 * @param surface the route family, part of the idempotency fingerprint
 * @param body the parsed body, fingerprinted for the claim: the same key
 *   with another fingerprint is a 422
 * @param idempotencyKey default: the `Idempotency-Key` header ('' for none);
 *   the hooks pass a key they derive from the event (gitops/identity.ts)
 */
export async function recordWrite(
  ctx: Context,
  { store, inFlight, webhooks, metrics }: RouteDeps,
  parsed: NewDeployment,
  receivedAt: number,
  surface: WriteSurface,
  body: unknown,
  idempotencyKey: string = ctx.get('idempotency-key'),
): Promise<RecordResult> {
  const input: NewDeployment = {
    ...parsed,
    deployedAt: takesEffect(parsed.deployedAt, receivedAt),
    recordedBy: authorizeWrite(ctx, parsed.env),
  };
  // Keys belong to the token itself (its stored hash), not to its name: a
  // new token given a revoked one's name must not replay or block its keys.
  const principal = (ctx.state.auth as AuthState | undefined)?.principal ?? null;
  const token = principal?.hash ?? '';
  const scope = surface === 'flux' || surface === 'argocd' ? `${token}/${surface}` : token;
  const claim = claimFor(idempotencyKey, scope, surface, body);
  // Its webhook deliveries are stored with it, for the hooks configured now (webhooks.ts).
  const result = await inFlight.run(claim, () => store.record(input, claim, webhooks.keys));
  if (!result.replayed) metrics.recorded(input);
  // Committed: the delivery loop looks now rather than at its next poll.
  if (!result.replayed && webhooks.keys.length > 0) webhooks.poke();
  if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
  return result;
}

/**
 * The answer to a recorded write on the JSON API (201): the
 * RecordDeploymentResponse, with `links` to the commit and its changes when
 * the deployment names a repository. The same for `POST /api/v1/deployments`
 * and the hooks, so that a client reads one shape.
 */
export function answerRecorded(
  ctx: Context,
  { config }: RouteDeps,
  parsed: NewDeployment,
  result: RecordResult,
): void {
  // Links need the stored deployment and its previous one: read (parsed)
  // only when this one names a repository, which a replay's body does too.
  const links: DeploymentLinks =
    parsed.repository === null
      ? NO_LINKS
      : deploymentLinks(result.deployment, result.previous, config.forges);
  ctx.status = 201;
  ctx.type = 'application/json';
  ctx.body =
    result.responseJson === undefined
      ? JSON.stringify({
          deployment: result.deployment,
          previous: result.previous,
          current: result.current,
          ...(result.current ? {} : { currentDeployment: result.currentDeployment }),
          links,
        } satisfies RecordDeploymentResponse)
      : `${result.responseJson.slice(0, -1)},"links":${JSON.stringify(links)}}`;
}

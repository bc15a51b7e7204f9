/**
 * Deployments from where they happen: `POST /api/v1/hooks/flux` takes the
 * events of a Flux notification-controller `generic` or `generic-hmac`
 * provider, `POST /api/v1/hooks/argocd` the Application that Argo CD
 * notifications send with deploy/argocd/argocd-notifications-cm.yaml. Both
 * `?env=` (the environment), both `write` routes: the same token check,
 * environment scope, rate limit, idempotency, metrics and webhooks as
 * `POST /api/v1/deployments` (record.ts), and the same 201 answer.
 *
 * GitOps tools repeat themselves: Flux resends a failed delivery with the
 * same bytes, re-emits a lasting error every few minutes and reports each
 * Kustomization run, change or not; Argo CD resends when a delivery failed.
 * Two rules keep each deployment recorded once:
 * - the idempotency key is derived from the event's identity
 *   (gitops/verdict.ts), never from a header (a tool sends the same headers
 *   with every event), so that a resend replays;
 * - an event whose version and status are those of the app's latest
 *   deployment in that environment is acknowledged and not recorded
 *   ("no change"): a no-op reconciliation, a repeated failure. A sync in
 *   progress (`started`) of the latest deployment's version that began
 *   after it, whatever that one's status, is no change either: a re-sync
 *   of what runs, or a retry of what failed, would otherwise make its end
 *   (the same version and status again) a new deployment, counted again by
 *   DORA. (A `started` from before it is a resend: its first answer replays.)
 */
import type { Context } from 'koa';
import { authorizeWrite } from '../auth/policy.js';
import { HttpProblem, validationProblem } from '../errors.js';
import { readJson, readJsonBytes } from '../http/body.js';
import { readParams } from '../http/query.js';
import { argoCdVerdict } from '../gitops/argocd.js';
import { fluxVerdict } from '../gitops/flux.js';
import { checkSignature } from '../gitops/signature.js';
import {
  type DeploymentVerdict,
  type Verdict,
  hookParams,
  idempotencyKeyOf,
} from '../gitops/verdict.js';
import type { NewDeployment } from '../store/types.js';
import { parseDeployment } from '../validation/deployment.js';
import type { RouteDeps } from './context.js';
import { answerRecorded, recordWrite } from './record.js';
import type { Routes } from './table.js';

/** The answer to an event that is not recorded (202). */
export interface HookIgnored {
  recorded: false;
  reason: string;
}

function acknowledge(ctx: Context, reason: string): void {
  ctx.status = 202;
  ctx.body = { recorded: false, reason } satisfies HookIgnored;
}

/**
 * The verdict's body validated as a `POST /api/v1/deployments` body; a
 * refused field is named as the sender knows it (`metadata.revision`), with
 * SVT's field in the message.
 */
function validated(verdict: DeploymentVerdict, deps: RouteDeps, now: number): NewDeployment {
  try {
    return parseDeployment(verdict.body, {
      versionPattern: deps.config.versionPattern,
      now,
      recordedBy: null,
    });
  } catch (err) {
    if (!(err instanceof HttpProblem) || err.errors === undefined) throw err;
    throw validationProblem(
      err.errors.map((e) => {
        const from = Object.hasOwn(verdict.from, e.path) ? verdict.from[e.path] : undefined;
        return from === undefined ? e : { path: from, message: `${e.message} (as the ${e.path})` };
      }),
    );
  }
}

/** Records a verdict's deployment, unless it is no change; answers either way. */
async function answer(
  ctx: Context,
  deps: RouteDeps,
  tool: 'flux' | 'argocd',
  verdict: Verdict,
  receivedAt: number,
): Promise<void> {
  if (verdict.kind === 'ignored') {
    deps.logger.debug({ tool, reason: verdict.reason }, 'GitOps event not recorded');
    acknowledge(ctx, verdict.reason);
    return;
  }
  const parsed = validated(verdict, deps, receivedAt);
  const [latest] = (await deps.store.history({ env: parsed.env, app: parsed.app, limit: 1 })).items;
  if (
    latest !== undefined &&
    latest.version === parsed.version &&
    (latest.status === parsed.status ||
      (parsed.status === 'started' && parsed.deployedAt > Date.parse(latest.deployedAt)))
  ) {
    const reason =
      `no change: the latest deployment of ${parsed.app} in ${parsed.env} is already ` +
      `${latest.version} (${latest.status}, ${latest.deployedAt})`;
    deps.logger.debug({ tool, reason }, 'GitOps event not recorded');
    acknowledge(ctx, reason);
    return;
  }
  const key = idempotencyKeyOf(tool, verdict.identity);
  const result = await recordWrite(ctx, deps, parsed, receivedAt, tool, verdict.identity, key);
  answerRecorded(ctx, deps, parsed, result);
}

/**
 * Registers `POST /api/v1/hooks/flux` and `POST /api/v1/hooks/argocd`, both
 * `write` routes. Answers: 201 (recorded, or replayed), 202 `HookIgnored`,
 * else the problems of any write (400 naming the field as the tool sent
 * it, 401, 403, 413, 415, 429) and, for Flux with SVT_FLUX_HMAC_KEY set,
 * a 401 for a missing or bad X-Signature.
 */
export function hookRoutes(routes: Routes, deps: RouteDeps): void {
  routes.post('/api/v1/hooks/flux', 'write', async (ctx) => {
    const receivedAt = Date.now();
    const { bytes, parse } = await readJsonBytes(ctx);
    // Before anything in the body is read: a forged event gets nowhere.
    const key = deps.config.fluxHmacKey;
    if (key !== null) checkSignature(ctx.get('x-signature'), bytes, key);
    const { query } = readParams(ctx, hookParams);
    const body = parse();
    authorizeWrite(ctx, query.env);
    await answer(ctx, deps, 'flux', fluxVerdict(body, query), receivedAt);
  });

  routes.post('/api/v1/hooks/argocd', 'write', async (ctx) => {
    const receivedAt = Date.now();
    const { query } = readParams(ctx, hookParams);
    const body = await readJson(ctx);
    authorizeWrite(ctx, query.env);
    await answer(ctx, deps, 'argocd', argoCdVerdict(body, query), receivedAt);
  });
}

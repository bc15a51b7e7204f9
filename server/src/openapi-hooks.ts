/**
 * The GitOps hooks in `/openapi.json` (routes/hooks.ts): their parameters
 * and request bodies derived from the joi schemas the routes validate
 * with, like every other operation (openapi-paths.ts).
 */
import { argoCdApplicationBody } from './gitops/argocd.js';
import { fluxEventBody } from './gitops/flux.js';
import { hookParams } from './gitops/verdict.js';
import { jsonSchemaOf, parameters } from './openapi-joi.js';
import { WRITE_ERRORS, json, problem } from './openapi-paths.js';
import { type Json, ref } from './openapi-responses.js';

/** The request bodies and the 202 answer, as components. */
export const hookSchemas: Record<string, Json> = {
  FluxEvent: jsonSchemaOf(fluxEventBody),
  ArgoCdApplication: jsonSchemaOf(argoCdApplicationBody),
  HookIgnored: {
    type: 'object',
    description: 'an event acknowledged and not recorded: not a deployment, or no change',
    required: ['recorded', 'reason'],
    additionalProperties: false,
    properties: { recorded: { const: false }, reason: { type: 'string' } },
  },
};

const hook = (summary: string, body: string, errors: Json): Json => ({
  post: {
    summary,
    tags: ['api'],
    parameters: parameters(hookParams),
    requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
    responses: {
      '201': json(ref('RecordDeploymentResponse'), 'recorded, or replayed (Idempotent-Replayed)'),
      '202': json(ref('HookIgnored'), 'not a deployment, or no change: not recorded'),
      ...WRITE_ERRORS,
      ...errors,
    },
  },
});

/** The two hook operations, by path. */
export const hookPaths: Record<string, Json> = {
  '/api/v1/hooks/flux': hook(
    'Record a deployment from a Flux notification-controller event (generic, generic-hmac)',
    'FluxEvent',
    {
      '401': problem(
        'a token is needed, or the one sent is not valid; or, with SVT_FLUX_HMAC_KEY set, X-Signature is missing, malformed or does not match',
      ),
    },
  ),
  '/api/v1/hooks/argocd': hook(
    'Record a deployment from an Argo CD notification (the Application)',
    'ArgoCdApplication',
    {},
  ),
};

/**
 * The webhook deliveries API in `/openapi.json` (routes/webhooks-admin.ts):
 * its two operations and the Delivery schema, kept true by
 * test/http/openapi.test.ts like every other part.
 */
import { parameters } from './openapi-joi.js';
import { type Json, instant, nullable, ref } from './openapi-responses.js';
import { deliveriesParams, deliveryParams } from './validation/queries.js';

const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const json = (schema: Json, description: string): Json => ({
  description,
  content: { 'application/json': { schema } },
});

const ADMIN_ERRORS = {
  '400': problem('invalid parameters, each one named'),
  '401': problem('an admin token is needed, or the one sent is not valid'),
  '403': problem('the token has no admin scope; or a POST from a page of another origin'),
};

export const webhookSchemas: Record<string, Json> = {
  Delivery: {
    type: 'object',
    description:
      'A webhook delivery in the outbox: one deployment for one hook. Its hook is named by its index in SVT_WEBHOOKS and its host, never its URL; null when no configured hook has it any more.',
    required: [
      'id',
      'hook',
      'state',
      'attempts',
      'createdAt',
      'waitingSince',
      'nextAttemptAt',
      'failedAt',
      'lastError',
      'lastStatus',
      'deployment',
    ],
    additionalProperties: false,
    properties: {
      id: {
        type: 'string',
        description: 'the event id, `<deployment id>-<hook key>`: its X-SVT-Event-Id header',
      },
      hook: nullable({
        type: 'object',
        required: ['index', 'host'],
        additionalProperties: false,
        properties: { index: { type: 'integer', minimum: 0 }, host: { type: 'string' } },
      }),
      state: {
        type: 'string',
        enum: ['pending', 'failed'],
        description: '`pending`: waiting or retried; `failed`: given up',
      },
      attempts: { type: 'integer', minimum: 0 },
      createdAt: instant,
      waitingSince: {
        ...instant,
        description: 'start of its retry window: its recording, or its last redelivery',
      },
      nextAttemptAt: nullable(instant),
      failedAt: nullable(instant),
      lastError: nullable({ type: 'string' }),
      lastStatus: nullable({ type: 'integer' }),
      deployment: {
        type: 'object',
        required: ['id', 'env', 'app', 'version', 'status', 'deployedAt'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          env: { type: 'string' },
          app: { type: 'string' },
          version: { type: 'string' },
          status: { type: 'string', enum: ['success', 'failure', 'started', 'rolled_back'] },
          deployedAt: instant,
        },
      },
    },
  },
};

export const webhookPaths: Record<string, Json> = {
  '/api/v1/webhooks/deliveries': {
    get: {
      summary: 'Webhook deliveries given up (default) or waiting, for admins',
      tags: ['admin'],
      security: [{}, { token: [] }],
      parameters: parameters(deliveriesParams),
      responses: {
        '200': json(
          {
            type: 'object',
            required: ['items'],
            additionalProperties: false,
            properties: { items: { type: 'array', items: ref('Delivery') } },
          },
          'failed ones latest first, pending ones longest waiting first',
        ),
        ...ADMIN_ERRORS,
      },
    },
  },
  '/api/v1/webhooks/deliveries/{delivery}/redeliver': {
    post: {
      summary: 'Send a delivery again (same event id), from now, for admins',
      tags: ['admin'],
      security: [{}, { token: [] }],
      parameters: parameters(deliveryParams),
      responses: {
        '202': json(
          {
            type: 'object',
            required: ['delivery'],
            additionalProperties: false,
            properties: { delivery: ref('Delivery') },
          },
          'pending again, due now',
        ),
        ...ADMIN_ERRORS,
        '404': problem('no such delivery in the outbox (delivered ones are not kept)'),
        '409': problem('its hook is not in SVT_WEBHOOKS any more'),
      },
    },
  },
};

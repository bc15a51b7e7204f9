/**
 * The OpenAPI schemas of `GET /api/v1/dora`'s answer (the DORA report and
 * its duration summaries), split from openapi-responses.ts for size: the
 * report is the largest answer the API gives.
 */
import { type Json, instant, nullable, ref } from './openapi-responses.js';

const durations = (extra: Json = {}): Json => ({
  type: 'object',
  required: ['count', 'medianSeconds', 'p90Seconds', ...Object.keys(extra)],
  properties: {
    count: { type: 'integer', minimum: 0 },
    medianSeconds: nullable({ type: 'number', minimum: 0 }),
    p90Seconds: nullable({ type: 'number', minimum: 0 }),
    ...extra,
  },
});

/** The DORA report's schemas by component name. */
export const doraSchemas: Record<string, Json> = {
  DoraDurations: durations(),
  DoraRestore: durations({ unrestored: { type: 'integer', minimum: 0 } }),
  DoraReport: {
    type: 'object',
    required: [
      'env',
      'app',
      'window',
      'since',
      'until',
      'deployments',
      'deploymentFrequency',
      'changes',
      'failedChanges',
      'changeFailureRate',
      'timeToRestore',
      'leadTime',
      'daily',
      'apps',
    ],
    additionalProperties: false,
    properties: {
      env: nullable({ type: 'string' }),
      app: nullable({ type: 'string' }),
      window: { type: 'string', pattern: '^[1-9][0-9]{0,3}[hdw]$' },
      since: instant,
      until: instant,
      deployments: {
        type: 'object',
        required: ['success', 'rollbacks', 'failure', 'rolledBack', 'started'],
        additionalProperties: false,
        properties: Object.fromEntries(
          ['success', 'rollbacks', 'failure', 'rolledBack', 'started'].map((k) => [
            k,
            { type: 'integer', minimum: 0 },
          ]),
        ),
      },
      deploymentFrequency: {
        type: 'object',
        required: ['perDay', 'perWeek', 'activeDays'],
        additionalProperties: false,
        properties: {
          perDay: { type: 'number', minimum: 0 },
          perWeek: { type: 'number', minimum: 0 },
          activeDays: { type: 'integer', minimum: 0 },
        },
      },
      changes: {
        type: 'integer',
        minimum: 0,
        description: 'successes that are not rollbacks, and failures',
      },
      failedChanges: {
        type: 'integer',
        minimum: 0,
        description: 'failures, and successes rolled back: each bad change once',
      },
      changeFailureRate: nullable({ type: 'number', minimum: 0, maximum: 1 }),
      timeToRestore: ref('DoraRestore'),
      leadTime: ref('DoraDurations'),
      daily: {
        type: 'array',
        items: {
          type: 'object',
          required: ['date', 'success', 'failed', 'leadTimeMedianSeconds'],
          additionalProperties: false,
          properties: {
            date: { type: 'string', format: 'date' },
            success: { type: 'integer', minimum: 0 },
            failed: { type: 'integer', minimum: 0 },
            leadTimeMedianSeconds: nullable({ type: 'number', minimum: 0 }),
          },
        },
      },
      apps: {
        type: 'array',
        items: {
          type: 'object',
          required: [
            'app',
            'success',
            'rollbacks',
            'changes',
            'failed',
            'changeFailureRate',
            'timeToRestore',
            'leadTime',
          ],
          additionalProperties: false,
          properties: {
            app: { type: 'string' },
            success: { type: 'integer', minimum: 0 },
            rollbacks: { type: 'integer', minimum: 0 },
            changes: { type: 'integer', minimum: 0 },
            failed: { type: 'integer', minimum: 0 },
            changeFailureRate: nullable({ type: 'number', minimum: 0, maximum: 1 }),
            timeToRestore: ref('DoraRestore'),
            leadTime: ref('DoraDurations'),
          },
        },
      },
    },
  },
};

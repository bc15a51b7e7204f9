/**
 * `/openapi.json`: an OpenAPI 3.1 description of every route. The answers'
 * schemas are written here, by hand; the operations, their parameters and
 * request bodies are in openapi-paths.ts, derived from the joi schemas the
 * routes validate with. What keeps it true is test/http/openapi.test.ts: it
 * validates the document, checks that the router's routes and the
 * documented ones are the same set, and validates real answers of every
 * JSON operation against the schemas here.
 */
import { paths, requestSchemas } from './openapi-paths.js';
import { ENV_PATTERN, APP_PATTERN } from './validation/rules.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Json): Json => ({ oneOf: [schema, { type: 'null' }] });
const instant = { type: 'string', format: 'date-time' };
const text = (maxLength: number): Json => ({ type: 'string', minLength: 1, maxLength });

const STATUS = { type: 'string', enum: ['success', 'failure', 'started', 'rolled_back'] };
const ATTRIBUTES = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
};

const DEPLOYMENT_FIELDS = [
  'id',
  'env',
  'app',
  'version',
  'status',
  'deployedAt',
  'recordedAt',
  'commit',
  'committedAt',
  'ref',
  'url',
  'pipelineUrl',
  'actor',
  'source',
  'attributes',
  'recordedBy',
  'idempotencyKey',
  'rollback',
];

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

// Response schemas.
const schemas: Record<string, Json> = {
  Deployment: {
    type: 'object',
    description: 'One recorded deployment: an immutable event. Instants are ISO 8601, UTC.',
    required: DEPLOYMENT_FIELDS,
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'ULID, sortable by arrival' },
      env: { type: 'string', pattern: ENV_PATTERN.source },
      app: { type: 'string', pattern: APP_PATTERN.source },
      version: text(128),
      status: STATUS,
      deployedAt: instant,
      recordedAt: instant,
      commit: nullable({ type: 'string' }),
      committedAt: nullable(instant),
      ref: nullable({ type: 'string' }),
      url: nullable({ type: 'string', format: 'uri' }),
      pipelineUrl: nullable({ type: 'string', format: 'uri' }),
      actor: nullable({ type: 'string' }),
      source: nullable({ type: 'string' }),
      attributes: ATTRIBUTES,
      recordedBy: nullable({ type: 'string', description: 'the name of the token that wrote it' }),
      idempotencyKey: nullable({ type: 'string' }),
      rollback: {
        type: 'boolean',
        description:
          'derived: a success whose version differs from the one it replaced and ranks older or ran there before',
      },
    },
  },
  RecordDeploymentResponse: {
    type: 'object',
    required: ['deployment', 'previous', 'current'],
    additionalProperties: false,
    properties: {
      deployment: ref('Deployment'),
      previous: {
        ...nullable(ref('Deployment')),
        description: 'the success before it in that env and app, by deployedAt',
      },
      current: {
        type: 'boolean',
        description:
          'whether it became the current deployment: false for a status other than success, or a success dated before the current one',
      },
      currentDeployment: {
        ...nullable(ref('Deployment')),
        description:
          'only when current is false: what runs there instead (null: nothing succeeded)',
      },
    },
  },
  EnvironmentState: {
    type: 'object',
    required: ['env', 'at', 'attempts', 'deployments'],
    additionalProperties: false,
    properties: {
      env: { type: 'string' },
      at: nullable(instant),
      attempts: {
        type: 'array',
        items: ref('Deployment'),
        description:
          "each app's latest deployment where it is not its current one: started (in progress), failure or rolled_back",
      },
      deployments: { type: 'array', items: ref('Deployment') },
    },
  },
  HistoryPage: {
    type: 'object',
    required: ['items', 'next'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items: ref('Deployment') },
      next: nullable({ type: 'string', description: 'cursor of the next page' }),
    },
  },
  ChangesPage: {
    type: 'object',
    required: ['env', 'since', 'until', 'items', 'next'],
    additionalProperties: false,
    properties: {
      env: { type: 'string' },
      since: instant,
      until: nullable(instant),
      items: { type: 'array', items: ref('Deployment') },
      next: nullable({ type: 'string' }),
    },
  },
  EnvironmentList: {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'apps', 'lastDeployedAt'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            apps: { type: 'integer', minimum: 0 },
            lastDeployedAt: instant,
          },
        },
      },
    },
  },
  AppList: {
    type: 'object',
    required: ['items'],
    additionalProperties: false,
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'environments', 'lastDeployedAt'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            environments: { type: 'array', items: { type: 'string' } },
            lastDeployedAt: instant,
          },
        },
      },
    },
  },
  AppState: {
    type: 'object',
    required: ['app', 'environments'],
    additionalProperties: false,
    properties: {
      app: { type: 'string' },
      environments: {
        type: 'array',
        items: {
          type: 'object',
          required: ['env', 'current'],
          additionalProperties: false,
          properties: { env: { type: 'string' }, current: nullable(ref('Deployment')) },
        },
      },
    },
  },
  Comparison: {
    type: 'object',
    required: ['from', 'to', 'at', 'items'],
    additionalProperties: false,
    properties: {
      from: { type: 'string' },
      to: { type: 'string' },
      at: nullable(instant),
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['app', 'state', 'from', 'to'],
          additionalProperties: false,
          properties: {
            app: { type: 'string' },
            state: { enum: ['only_in_from', 'only_in_to', 'ahead', 'behind', 'same'] },
            from: nullable(ref('Deployment')),
            to: nullable(ref('Deployment')),
          },
        },
      },
    },
  },
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
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
  LegacyCreateResponse: {
    type: 'object',
    required: ['message', 'deployment'],
    properties: {
      message: { enum: ['Creation successful', 'Update successful'] },
      deployment: ref('Deployment'),
    },
  },
  LegacyListItem: {
    type: 'object',
    required: ['name', 'version', 'date'],
    properties: {
      name: { type: 'string' },
      version: { type: 'string' },
      date: { type: 'string' },
      url: { type: 'string' },
    },
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  Probe: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { enum: ['ok', 'ready', 'shutting-down', 'store-unreachable'] },
      store: { enum: ['sqlite', 'mongodb'] },
    },
  },
};

/** The document, for a server of version `version`. */
export function openApiDocument(version: string): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'SVT: Stack Versions Tracker',
      version,
      description:
        'What version of every application runs in every environment, since when, and what ran there before.',
      license: { name: 'See the repository', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [
      { name: 'api', description: 'The versioned JSON API' },
      { name: 'legacy', description: "The original SVT's routes, kept for its callers" },
      { name: 'pages', description: 'Web pages and their assets' },
      { name: 'operations', description: 'Probes, metrics, this description, the CLI' },
    ],
    components: {
      schemas: { ...schemas, ...requestSchemas },
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'an API token, `svt_...`' },
        session: { type: 'apiKey', in: 'cookie', name: 'svt_session' },
      },
    },
    // Anonymous where the server's settings allow it (see the README's security table).
    security: [{}, { token: [] }, { session: [] }],
    paths,
  };
}

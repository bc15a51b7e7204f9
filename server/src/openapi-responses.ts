/**
 * The OpenAPI description's answer schemas, written by hand (the requests'
 * are derived from the joi schemas, in openapi-paths.ts): deployments,
 * environment and app states, history, comparison, problems, the legacy
 * routes' answers and the probes. The DORA report's are in openapi-dora.ts.
 * Split from openapi.ts, which assembles the document; kept true by
 * test/http/openapi.test.ts, which validates real answers against them.
 */
import { ENV_PATTERN, APP_PATTERN } from './validation/rules.js';

/** A JSON Schema or OpenAPI object. */
export type Json = Record<string, unknown>;

/** A reference to the component schema `name`. */
export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
/** `schema`, or null. */
export const nullable = (schema: Json): Json => ({ oneOf: [schema, { type: 'null' }] });
/** An ISO 8601 instant, as every answer writes them (UTC). */
export const instant = { type: 'string', format: 'date-time' };
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
  'repository',
  'url',
  'pipelineUrl',
  'actor',
  'source',
  'attributes',
  'recordedBy',
  'idempotencyKey',
  'rollback',
];

/** Answer schemas by component name. */
export const responseSchemas: Record<string, Json> = {
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
      repository: nullable({
        type: 'string',
        format: 'uri',
        description: "the repository's web page, for links to its commits",
      }),
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
    required: ['deployment', 'previous', 'current', 'links'],
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
      links: ref('DeploymentLinks'),
    },
  },
  DeploymentLinks: {
    type: 'object',
    description:
      "pages on the repository's forge (github.com, gitlab.com, bitbucket.org, codeberg.org and the hosts in SVT_FORGES); null without a repository, on an unknown host, or without the commits a link needs",
    required: ['commit', 'changes'],
    additionalProperties: false,
    properties: {
      commit: {
        ...nullable({ type: 'string', format: 'uri' }),
        description: "the deployed commit's page",
      },
      changes: {
        ...nullable({ type: 'string', format: 'uri' }),
        description: "what changed from the previous deployment's commit to this one's",
      },
    },
  },
  DeploymentDetail: {
    type: 'object',
    required: ['deployment', 'previous', 'links'],
    additionalProperties: false,
    properties: {
      deployment: ref('Deployment'),
      previous: {
        ...nullable(ref('Deployment')),
        description: 'the success before it in that env and app, by deployedAt',
      },
      links: ref('DeploymentLinks'),
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

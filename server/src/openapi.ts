/**
 * `/openapi.json`: an OpenAPI 3.1 description of every route. Written by
 * hand, next to the routes; what keeps it true is test/http/openapi.test.ts:
 * it validates the document, checks that the router's routes and the
 * documented ones are the same set, and validates real answers of every
 * JSON operation against the schemas here.
 */
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
  RecordDeploymentRequest: {
    type: 'object',
    required: ['env', 'app', 'version'],
    additionalProperties: false,
    properties: {
      env: { type: 'string', pattern: ENV_PATTERN.source },
      app: { type: 'string', pattern: APP_PATTERN.source },
      version: { ...text(128), description: 'printable, no whitespace: 1.4.2, v2.4.0, a SHA' },
      status: { ...STATUS, default: 'success' },
      deployedAt: { ...instant, description: 'default: time of receipt; at most 5 min ahead' },
      commit: text(128),
      committedAt: instant,
      ref: text(256),
      url: { type: 'string', format: 'uri', description: 'http or https' },
      pipelineUrl: { type: 'string', format: 'uri', description: 'http or https' },
      actor: text(256),
      source: text(64),
      attributes: ATTRIBUTES,
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
  LegacyCreateRequest: {
    type: 'object',
    description: "The original SVT's body; keys other than these become attributes",
    required: ['env', 'name', 'version'],
    properties: {
      env: { type: 'string', pattern: ENV_PATTERN.source },
      name: { type: 'string' },
      version: { type: 'string', description: 'the seed pattern, or SVT_VERSION_PATTERN' },
      url: { type: 'string' },
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

// Parameters, by name.
const query = (name: string, schema: Json, description: string, required = false): Json => ({
  name,
  in: 'query',
  required,
  schema,
  description,
});
const path = (name: string, schema: Json, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema,
  description,
});
const ENV_PATH = path('env', { type: 'string', pattern: ENV_PATTERN.source }, 'environment');
const APP_PATH = path('app', { type: 'string' }, 'application, percent-encoded');
const AT = query('at', { type: 'string' }, 'a past instant (ISO 8601 with a zone, or a date)');
const SINCE = query('since', { type: 'string' }, 'start, inclusive (instant or date)');
const UNTIL = query('until', { type: 'string' }, 'end, exclusive (instant or date)');
const FORMAT = query('format', { enum: ['json', 'csv'] }, '`csv` for a spreadsheet');
const HISTORY_PARAMS = [
  query('env', { type: 'string' }, 'only this environment'),
  query('app', { type: 'string' }, 'only this application'),
  query('status', STATUS, 'only this outcome'),
  SINCE,
  UNTIL,
  query('limit', { type: 'integer', minimum: 1, maximum: 100, default: 50 }, 'page size'),
  query('cursor', { type: 'string' }, "the previous page's `next`"),
  FORMAT,
];
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  description: 'the same key and body record once; another body gets 422',
};

const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const json = (schema: Json, description = 'OK'): Json => ({
  description,
  content: { 'application/json': { schema } },
});
const csv = { 'text/csv': { schema: { type: 'string' } } };
const withCsv = (schema: Json): Json => ({
  description: 'OK (CSV with `format=csv`)',
  content: { 'application/json': { schema }, ...csv },
});
const html = (description = 'an HTML page'): Json => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});

const READ_ERRORS = {
  '400': problem('invalid parameters, each one named'),
  '401': problem('a token is needed (SVT_READ_AUTH=token), or the one sent is not valid'),
  '403': problem('the token may not read'),
  '404': problem('environment or application never recorded'),
};
const WRITE_ERRORS = {
  '400': problem('invalid body, each field named'),
  '401': problem('a token is needed, or the one sent is not valid'),
  '403': problem("the token's scopes do not cover this environment"),
  '409': problem('the same Idempotency-Key is being written; retry after Retry-After'),
  '413': problem('body over 64 KB'),
  '415': problem('not JSON'),
  '422': problem('Idempotency-Key reused with another body'),
  '429': problem('rate limit; see Retry-After'),
};
const PAGE_ERRORS = {
  '302': { description: 'to the login page (SVT_READ_AUTH=token, no session)' },
  '400': html('invalid parameters, as a page'),
  '404': html('unknown name, as a page'),
};

const get = (summary: string, tag: string, parameters: Json[], responses: Json): Json => ({
  get: { summary, tags: [tag], parameters, responses },
});

const paths: Record<string, Json> = {
  '/api/v1/deployments': {
    post: {
      summary: 'Record a deployment',
      tags: ['api'],
      parameters: [IDEMPOTENCY_KEY],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('RecordDeploymentRequest') } },
      },
      responses: {
        '201': json(ref('RecordDeploymentResponse'), 'recorded, or replayed (Idempotent-Replayed)'),
        ...WRITE_ERRORS,
      },
    },
    ...get('History, newest first, paged', 'api', HISTORY_PARAMS, {
      '200': withCsv(ref('HistoryPage')),
      ...READ_ERRORS,
    }),
  },
  '/api/v1/changes': get(
    'What changed in an environment over a window, newest first',
    'api',
    [
      query('env', { type: 'string' }, 'the environment', true),
      query('since', { type: 'string' }, 'start, inclusive', true),
      ...HISTORY_PARAMS.filter((p) => !['env', 'since', 'app', 'status'].includes(String(p.name))),
    ],
    { '200': withCsv(ref('ChangesPage')), ...READ_ERRORS },
  ),
  '/api/v1/environments': get('Every environment, first seen first', 'api', [], {
    '200': json(ref('EnvironmentList')),
    ...READ_ERRORS,
  }),
  '/api/v1/environments/{env}': get(
    "Each app's current deployment in an environment, now or at a past instant",
    'api',
    [ENV_PATH, AT, FORMAT],
    { '200': withCsv(ref('EnvironmentState')), ...READ_ERRORS },
  ),
  '/api/v1/apps': get('Every application, by name', 'api', [], {
    '200': json(ref('AppList')),
    ...READ_ERRORS,
  }),
  '/api/v1/apps/{app}': get(
    "An application's current deployment in every environment",
    'api',
    [APP_PATH],
    {
      '200': json(ref('AppState')),
      ...READ_ERRORS,
    },
  ),
  '/api/v1/compare': get(
    'Two environments side by side, now or at a past instant',
    'api',
    [
      query('from', { type: 'string' }, 'one environment', true),
      query('to', { type: 'string' }, 'the other', true),
      AT,
    ],
    { '200': json(ref('Comparison')), ...READ_ERRORS },
  ),
  '/api/v1/dora': get(
    'DORA figures of an environment and/or an application over a window',
    'api',
    [
      query('env', { type: 'string' }, 'only this environment (default: all)'),
      query('app', { type: 'string' }, 'only this application (default: all)'),
      query(
        'window',
        { type: 'string', pattern: '^[1-9][0-9]{0,3}[hdw]$', default: '30d' },
        '24h, 30d, 12w; at most 366 days',
      ),
      query('until', { type: 'string' }, 'end of the window, exclusive (default: now)'),
    ],
    { '200': json(ref('DoraReport')), ...READ_ERRORS },
  ),
  '/create': {
    post: {
      summary: "The original SVT's write, kept for its callers",
      tags: ['legacy'],
      parameters: [IDEMPOTENCY_KEY],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('LegacyCreateRequest') } },
      },
      responses: { '200': json(ref('LegacyCreateResponse')), ...WRITE_ERRORS },
    },
  },
  '/list/{env}': get("The original SVT's list of an environment", 'legacy', [ENV_PATH], {
    '200': json({ type: 'array', items: ref('LegacyListItem') }),
    ...READ_ERRORS,
  }),
  '/list': get(
    "The original SVT's list, environment as a parameter",
    'legacy',
    [query('env', { type: 'string' }, 'the environment', true)],
    { '200': json({ type: 'array', items: ref('LegacyListItem') }), ...READ_ERRORS },
  ),
  '/badge/{env}/{file}': get(
    "A README badge of an app's current version",
    'pages',
    [ENV_PATH, path('file', { type: 'string', pattern: '\\.svg$' }, '`<app>.svg`')],
    {
      '200': { description: 'SVG', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
      '304': { description: 'not modified' },
      ...READ_ERRORS,
    },
  ),
  '/healthz': get('Liveness, without the database', 'operations', [], {
    '200': json(ref('Probe')),
  }),
  '/readyz': get('Readiness: the database answers', 'operations', [], {
    '200': json(ref('Probe')),
    '503': json(ref('Probe'), 'shutting down, or the database does not answer'),
  }),
  '/metrics': get('Prometheus metrics', 'operations', [], {
    '200': {
      description: 'text exposition format',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    ...READ_ERRORS,
  }),
  '/openapi.json': get('This description', 'operations', [], {
    '200': json({ type: 'object' }),
    ...READ_ERRORS,
  }),
  '/cli/svt.mjs': get('The `svt` CLI matching this server, one file', 'operations', [], {
    '200': {
      description: 'JavaScript module',
      content: { 'text/javascript': { schema: { type: 'string' } } },
    },
    '304': { description: 'not modified' },
  }),
  '/assets/{name}': get(
    "The pages' styles, scripts and icon",
    'pages',
    [path('name', { type: 'string' }, 'file name')],
    {
      '200': { description: 'the file' },
      '304': { description: 'not modified' },
      '404': problem('no such asset'),
    },
  ),
  '/': get('Overview: every application in every environment', 'pages', [], {
    '200': html(),
    ...PAGE_ERRORS,
  }),
  '/env': get(
    'Environment selector target',
    'pages',
    [query('name', { type: 'string' }, 'environment', true)],
    {
      ...PAGE_ERRORS,
      '302': { description: 'to /env/{name}' },
    },
  ),
  '/env/{env}': get('One environment, now or at a past instant', 'pages', [ENV_PATH, AT], {
    '200': html(),
    ...PAGE_ERRORS,
  }),
  '/env/{env}/changes': get(
    'What changed in an environment',
    'pages',
    [ENV_PATH, SINCE, UNTIL, query('cursor', { type: 'string' }, 'next page')],
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/app/{app}': get(
    'One application: every environment and its history',
    'pages',
    [
      APP_PATH,
      query('env', { type: 'string' }, 'history filter'),
      query('status', STATUS, 'history filter'),
      query('cursor', { type: 'string' }, 'next page'),
    ],
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/compare': get(
    'Two environments compared',
    'pages',
    [
      query('from', { type: 'string' }, 'one environment'),
      query('to', { type: 'string' }, 'the other'),
      AT,
    ],
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/dora': get(
    'DORA figures, charted',
    'pages',
    [
      query('env', { type: 'string' }, 'environment'),
      query('app', { type: 'string' }, 'application'),
      query('window', { type: 'string' }, 'window'),
      query('until', { type: 'string' }, 'end'),
    ],
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/login': {
    ...get(
      'The login form (SVT_READ_AUTH=token)',
      'pages',
      [query('next', { type: 'string' }, 'where to go after')],
      {
        '200': html(),
        '302': { description: 'already signed in' },
      },
    ),
    post: {
      summary: 'Exchange a read token for a session cookie',
      tags: ['pages'],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['token'],
              properties: { token: { type: 'string' }, next: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        '303': { description: 'signed in; to `next`' },
        '401': html('not a token that may read'),
        '429': html('too many failed attempts'),
      },
    },
  },
  '/logout': {
    post: {
      summary: 'End the session',
      tags: ['pages'],
      responses: { '303': { description: 'to the overview' } },
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
      schemas,
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

/**
 * The operations of `/openapi.json`: every path, its parameters, request
 * bodies and answers. Parameters and request bodies are not written here:
 * they are derived from the joi schemas the routes validate with
 * (validation/queries.ts, deployment.ts, legacy.ts), so that a rule changed
 * there changes the answer and this description together. Answers refer to
 * the response schemas of openapi.ts.
 */
import { jsonSchemaOf, parameters } from './openapi-joi.js';
import { deploymentBody } from './validation/deployment.js';
import { legacyBody } from './validation/legacy.js';
import {
  appPageParams,
  appParams,
  badgeParams,
  changesPageParams,
  changesParams,
  compareParams,
  deploymentParams,
  comparePageParams,
  doraParams,
  envPageParams,
  overviewPageParams,
  envSelectParams,
  environmentParams,
  historyParams,
  legacyListParams,
  legacyListPathParams,
  noParams,
} from './validation/queries.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

// The two parameters no schema checks: an unknown asset is a 404, and a
// login's `next` other than a path of this server goes to the overview.
const loose = (name: string, place: 'path' | 'query', description: string): Json => ({
  name,
  in: place,
  required: place === 'path',
  schema: { type: 'string' },
  description,
});

/** The request bodies, as components: one schema each, derived. */
export const requestSchemas: Record<string, Json> = {
  RecordDeploymentRequest: jsonSchemaOf(deploymentBody),
  LegacyCreateRequest: jsonSchemaOf(legacyBody),
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  description: 'the same key and body record once; another body gets 422',
};

export const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
export const json = (schema: Json, description = 'OK'): Json => ({
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
export const WRITE_ERRORS = {
  '400': problem('invalid body, each field named'),
  '401': problem('a token is needed, or the one sent is not valid'),
  '403': problem(
    "the token's scopes do not cover this environment; or a browser's write from a page of another origin (Origin or Referer), or a form-type body on the JSON API",
  ),
  '409': problem('the same Idempotency-Key is being written; retry after Retry-After'),
  '413': problem('body over 64 KB'),
  '415': problem('not JSON'),
  '422': problem('Idempotency-Key reused with another body'),
  '429': problem('rate limit; see Retry-After'),
};
/** A heavy read (DORA, a CSV download) past the process's cap (http/heavy-reads.ts). */
const BUSY = {
  '503': problem(
    '2 DORA reports or CSV downloads run already (format=csv); retry after Retry-After',
  ),
};
const PAGE_ERRORS = {
  '302': { description: 'to the login page (SVT_READ_AUTH=token, no session)' },
  '400': html('invalid parameters, as a page'),
  '404': html('unknown name, as a page'),
};

const get = (summary: string, tag: string, parameters: Json[], responses: Json): Json => ({
  get: { summary, tags: [tag], parameters, responses },
});

/** Every operation, by path: what the router serves, no more, no less (test/http/openapi.test.ts). */
export const paths: Record<string, Json> = {
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
    ...get('History, newest first, paged', 'api', parameters(historyParams), {
      '200': withCsv(ref('HistoryPage')),
      ...READ_ERRORS,
      ...BUSY,
    }),
  },
  '/api/v1/changes': get(
    'What changed in an environment over a window, newest first',
    'api',
    parameters(changesParams),
    { '200': withCsv(ref('ChangesPage')), ...READ_ERRORS, ...BUSY },
  ),
  '/api/v1/environments': get('Every environment, in display order', 'api', parameters(noParams), {
    '200': json(ref('EnvironmentList')),
    ...READ_ERRORS,
  }),
  '/api/v1/environments/{env}': get(
    "Each app's current deployment in an environment, now or at a past instant",
    'api',
    parameters(environmentParams),
    { '200': withCsv(ref('EnvironmentState')), ...READ_ERRORS },
  ),
  '/api/v1/apps': get('Every application, by name as people read it', 'api', parameters(noParams), {
    '200': json(ref('AppList')),
    ...READ_ERRORS,
  }),
  '/api/v1/deployments/{id}': get(
    "One deployment, the success before it, and links to its commit and changes on the repository's forge",
    'api',
    parameters(deploymentParams),
    { '200': json(ref('DeploymentDetail')), ...READ_ERRORS },
  ),
  '/api/v1/apps/{app}': get(
    "An application's current deployment in every environment",
    'api',
    parameters(appParams),
    {
      '200': json(ref('AppState')),
      ...READ_ERRORS,
    },
  ),
  '/api/v1/compare': get(
    'Two environments side by side, now or at a past instant',
    'api',
    parameters(compareParams),
    { '200': json(ref('Comparison')), ...READ_ERRORS },
  ),
  '/api/v1/dora': get(
    'DORA figures of an environment and/or an application over a window',
    'api',
    parameters(doraParams),
    { '200': json(ref('DoraReport')), ...READ_ERRORS, ...BUSY },
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
  '/list/{env}': get(
    "The original SVT's list of an environment",
    'legacy',
    parameters(legacyListPathParams),
    {
      '200': json({ type: 'array', items: ref('LegacyListItem') }),
      ...READ_ERRORS,
    },
  ),
  '/list': get(
    "The original SVT's list, environment as a parameter",
    'legacy',
    parameters(legacyListParams),
    { '200': json({ type: 'array', items: ref('LegacyListItem') }), ...READ_ERRORS },
  ),
  '/badge/{env}/{file}': get(
    "A README badge of an app's current version",
    'pages',
    parameters(badgeParams),
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
    [loose('name', 'path', 'file name')],
    {
      '200': { description: 'the file' },
      '304': { description: 'not modified' },
      '404': problem('no such asset'),
    },
  ),
  '/': get(
    'Overview: every application in every environment, or those chosen; now or at a past instant',
    'pages',
    parameters(overviewPageParams),
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/env': get('Environment selector target', 'pages', parameters(envSelectParams), {
    ...PAGE_ERRORS,
    '302': { description: 'to /env/{name}' },
  }),
  '/env/{env}': get(
    'One environment, now or at a past instant',
    'pages',
    parameters(envPageParams),
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/env/{env}/changes': get(
    'What changed in an environment',
    'pages',
    parameters(changesPageParams),
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/deployments/{id}/changes': get(
    "To what changed from the success before a deployment to it, on the repository's forge",
    'pages',
    parameters(deploymentParams),
    {
      '302': {
        description:
          "to the forge's compare page; or to the login page (SVT_READ_AUTH=token, no session)",
      },
      '400': html('not a deployment id, as a page'),
      '404': html(
        'no such deployment, or no link to make (no repository, an unknown forge, no commit before it), as a page',
      ),
    },
  ),
  '/app/{app}': get(
    'One application: every environment and its history',
    'pages',
    parameters(appPageParams),
    {
      '200': html(),
      ...PAGE_ERRORS,
    },
  ),
  '/compare': get('Two environments compared', 'pages', parameters(comparePageParams), {
    '200': html(),
    ...PAGE_ERRORS,
  }),
  '/dora': get('DORA figures, charted', 'pages', parameters(doraParams), {
    '200': html(),
    ...PAGE_ERRORS,
    '503': html('2 DORA reports run already; retry after Retry-After'),
  }),
  '/login': {
    ...get(
      'The login form (SVT_READ_AUTH=token)',
      'pages',
      [loose('next', 'query', 'where to go after')],
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
        '403': problem('sent from a page of another origin (Origin or Referer)'),
        '429': html('too many failed attempts'),
      },
    },
  },
  '/logout': {
    post: {
      summary: 'End the session',
      tags: ['pages'],
      responses: {
        '303': { description: 'to the login page' },
        '403': problem('sent from a page of another origin (Origin or Referer)'),
      },
    },
  },
};

/** The document, for a server of version `version`. */

/**
 * `/openapi.json`: an OpenAPI 3.1 description of every route, assembled
 * here from its parts: the answers' schemas (openapi-responses.ts,
 * openapi-dora.ts, openapi-webhooks.ts, written by hand) and the operations, their parameters
 * and request bodies (openapi-paths.ts, derived from the joi schemas the
 * routes validate with). What keeps it true is test/http/openapi.test.ts:
 * it validates the document, checks that the router's routes and the
 * documented ones are the same set, and validates real answers of every
 * JSON operation against the schemas.
 */
import { doraSchemas } from './openapi-dora.js';
import { hookPaths, hookSchemas } from './openapi-hooks.js';
import { paths, requestSchemas } from './openapi-paths.js';
import { type Json, responseSchemas } from './openapi-responses.js';
import { webhookPaths, webhookSchemas } from './openapi-webhooks.js';

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
      { name: 'admin', description: 'Webhook deliveries, with an admin token' },
    ],
    components: {
      schemas: {
        ...responseSchemas,
        ...doraSchemas,
        ...webhookSchemas,
        ...requestSchemas,
        ...hookSchemas,
      },
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'an API token, `svt_...`' },
        session: { type: 'apiKey', in: 'cookie', name: 'svt_session' },
      },
    },
    // Anonymous where the server's settings allow it (see the README's security table).
    security: [{}, { token: [] }, { session: [] }],
    paths: { ...paths, ...hookPaths, ...webhookPaths },
  };
}

/**
 * `/openapi.json` cannot drift from the server: it is a valid OpenAPI 3.1
 * document (a real validator says so); the router's routes and the
 * documented ones are the same set, method by method; every documented
 * operation answers a real request with a status it documents; and every
 * JSON answer matches the schema documented for its status.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Router from '@koa/router';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import { testApp, type TestApp } from '../helpers/app.js';
import { T0, newDeployment } from '../helpers/deployments.js';
import { removeTempDirs } from '../helpers/tmp.js';

// ajv-formats is CommonJS: under Node's ESM its plugin is the module's `default` property.
const addFormats = addFormatsModule.default;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

let t: TestApp;
let doc: Doc;

/** A recorded deployment's id, for the routes that name one (`{recorded}` in REQUESTS). */
let recordedId = '';

beforeAll(async () => {
  t = await testApp();
  recordedId = (
    await t.store.record(
      newDeployment({ env: 'prod', app: 'api', deployedAt: T0, committedAt: T0 - 60_000 }),
    )
  ).deployment.id;
  await t.store.record(
    newDeployment({ env: 'staging', app: 'api', version: '1.1.0', deployedAt: T0 }),
  );
  doc = (await request(t.callback).get('/openapi.json').expect(200)).body as Doc;
});
afterAll(async () => {
  await t.store.close();
  removeTempDirs();
});

/** Every (method, path) the router serves, in OpenAPI's `{param}` form. */
function routerOperations(): string[] {
  const layer = t.app.middleware.find((m): m is typeof m & { router: Router } => 'router' in m);
  return (layer?.router.stack ?? [])
    .flatMap((l) =>
      l.methods
        .filter((m) => m !== 'HEAD')
        .map((m) => `${m.toLowerCase()} ${String(l.path).replace(/:([A-Za-z]+)/g, '{$1}')}`),
    )
    .sort();
}

function documentedOperations(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort();
}

/** One real request per documented operation, with the status it should get. */
const REQUESTS: Record<string, { url: string; status: number; body?: object; form?: object }> = {
  'post /api/v1/deployments': {
    url: '/api/v1/deployments',
    status: 201,
    body: { env: 'prod', app: 'web', version: '2.0.0', attributes: { team: 'a' } },
  },
  'get /api/v1/deployments': { url: '/api/v1/deployments?limit=1', status: 200 },
  'get /api/v1/changes': { url: '/api/v1/changes?env=prod&since=2020-01-01', status: 200 },
  'get /api/v1/environments': { url: '/api/v1/environments', status: 200 },
  'get /api/v1/environments/{env}': { url: '/api/v1/environments/prod', status: 200 },
  'get /api/v1/deployments/{id}': { url: '/api/v1/deployments/{recorded}', status: 200 },
  'get /deployments/{id}/changes': { url: '/deployments/{recorded}/changes', status: 404 },
  'get /api/v1/apps': { url: '/api/v1/apps', status: 200 },
  'get /api/v1/apps/{app}': { url: '/api/v1/apps/api', status: 200 },
  'get /api/v1/compare': { url: '/api/v1/compare?from=staging&to=prod', status: 200 },
  'get /api/v1/dora': { url: '/api/v1/dora?env=prod&window=30d&until=2026-01-02', status: 200 },
  'post /create': {
    url: '/create',
    status: 200,
    body: { env: 'prod', name: 'legacy-app', version: '1.0.0', team: 'x' },
  },
  'get /list/{env}': { url: '/list/prod', status: 200 },
  'get /list': { url: '/list?env=prod', status: 200 },
  'get /badge/{env}/{file}': { url: '/badge/prod/api.svg', status: 200 },
  'get /healthz': { url: '/healthz', status: 200 },
  'get /readyz': { url: '/readyz', status: 200 },
  'get /metrics': { url: '/metrics', status: 200 },
  'get /openapi.json': { url: '/openapi.json', status: 200 },
  'get /cli/svt.mjs': { url: '/cli/svt.mjs', status: 200 },
  'get /assets/{name}': { url: '/assets/app.css', status: 200 },
  'get /': { url: '/', status: 200 },
  'get /env': { url: '/env?name=prod', status: 302 },
  'get /env/{env}': { url: '/env/prod', status: 200 },
  'get /env/{env}/changes': { url: '/env/prod/changes?since=2020-01-01', status: 200 },
  'get /app/{app}': { url: '/app/api', status: 200 },
  'get /compare': { url: '/compare?from=staging&to=prod', status: 200 },
  'get /dora': { url: '/dora?env=prod', status: 200 },
  'get /login': { url: '/login', status: 302 }, // reads are open here: nothing to sign in to
  'post /login': { url: '/login', status: 401, form: { token: 'svt_wrong' } },
  'post /logout': { url: '/logout', status: 303, form: {} },
};

/** Error answers whose bodies must match the documented Problem schema too. */
const ERRORS: [string, string, number][] = [
  ['get /api/v1/deployments', '/api/v1/deployments?limit=1000', 400],
  ['get /api/v1/environments/{env}', '/api/v1/environments/nowhere', 404],
  ['get /api/v1/dora', '/api/v1/dora?window=2y', 400],
  ['get /api/v1/compare', '/api/v1/compare?from=prod', 400],
];

function schemaValidator(): (
  path: string,
  method: string,
  status: number,
  type: string,
  body: unknown,
) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'svt:openapi' });
  return (path, method, status, type, body) => {
    const pointer = ['paths', path, method, 'responses', String(status), 'content', type, 'schema']
      .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = ajv.compile({ $ref: `svt:openapi#/${pointer}` });
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    // The validator does refuse: a path item with an unknown method, and no info.
    const broken = { ...doc, info: undefined, paths: { '/x': { fetch: {} } } };
    expect((await new Validator().validate(JSON.parse(JSON.stringify(broken)))).valid).toBe(false);
  });

  it('documents every route the router serves, and nothing else', () => {
    expect(documentedOperations()).toEqual(routerOperations());
    expect(Object.keys(REQUESTS).sort()).toEqual(documentedOperations());
  });

  it('every documented operation answers with a documented status and a body its schema accepts', async () => {
    const check = schemaValidator();
    const failures: string[] = [];
    for (const [operation, req] of Object.entries(REQUESTS)) {
      const [method = '', path = ''] = operation.split(' ');
      let call = request(t.callback)[method as 'get' | 'post'](
        req.url.replace('{recorded}', recordedId),
      );
      if (req.body !== undefined) call = call.send(req.body);
      if (req.form !== undefined) call = call.type('form').send(req.form);
      const res = await call;
      const documented = doc.paths[path]?.[method]?.responses ?? {};
      if (res.status !== req.status || documented[String(res.status)] === undefined) {
        failures.push(
          `${operation}: ${res.status} (expected ${req.status}, documented ${Object.keys(documented).join(',')})`,
        );
        continue;
      }
      const type = (res.headers['content-type'] ?? '').split(';')[0] ?? '';
      const content = documented[String(res.status)]?.content;
      if (content !== undefined && content[type] === undefined) {
        failures.push(`${operation}: ${type} is not documented for ${res.status}`);
        continue;
      }
      if (type === 'application/json' && path !== '/openapi.json') {
        for (const e of check(path, method, res.status, type, res.body))
          failures.push(`${operation}: ${e}`);
      }
    }
    for (const [operation, url, status] of ERRORS) {
      const [method = '', path = ''] = operation.split(' ');
      const res = await request(t.callback).get(url);
      expect([url, res.status]).toEqual([url, status]);
      for (const e of check(path, method, status, 'application/problem+json', res.body))
        failures.push(`${operation} ${status}: ${e}`);
    }
    expect(failures).toEqual([]);
  });

  it('a schema that disagrees with an answer is caught (the check is not vacuous)', async () => {
    const check = schemaValidator();
    const res = await request(t.callback).get('/api/v1/environments/prod').expect(200);
    const broken = { ...res.body, deployments: [{ ...res.body.deployments[0], version: 42 }] };
    expect(check('/api/v1/environments/{env}', 'get', 200, 'application/json', broken)).not.toEqual(
      [],
    );
    const extra = { ...res.body, surprise: true };
    expect(check('/api/v1/environments/{env}', 'get', 200, 'application/json', extra)).not.toEqual(
      [],
    );
  });
});

/**
 * Joi schemas as OpenAPI: the request schemas and parameters of
 * `/openapi.json` are derived from the schemas the routes validate with
 * (openapi-paths.ts, openapi-hooks.ts, openapi-webhooks.ts), never written
 * twice.
 */
import type Joi from 'joi';
import type { RouteParams } from './validation/queries.js';

type Json = Record<string, unknown>;

/**
 * A joi schema as JSON Schema draft 2020-12 (OpenAPI 3.1's dialect), by
 * joi's own conversion, with two corrections: a forbidden key comes out as
 * `{}` (anything) where it means `false`, and null, when allowed beside an
 * enum, is left out of that enum.
 */
export function jsonSchemaOf(schema: Joi.Schema): Json {
  const out: Json = schema['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
  const described: unknown = schema.describe();
  const keys = isJson(described) && isJson(described.keys) ? described.keys : {};
  const properties = isJson(out.properties) ? out.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    const key = keys[name];
    if (isJson(key) && isJson(key.flags) && key.flags.presence === 'forbidden') {
      properties[name] = { not: {}, description: 'refused' };
    } else if (isJson(property) && Array.isArray(property.enum) && Array.isArray(property.type)) {
      if (property.type.includes('null')) property.enum = [...property.enum, null];
    }
  }
  return out;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI parameters of a route: its path's, then its query string's, described by their schemas. */
export function parameters<P, Q>(route: RouteParams<P, Q>): Json[] {
  const list = (schema: Joi.Schema, place: 'path' | 'query'): Json[] => {
    const json = jsonSchemaOf(schema);
    const required = Array.isArray(json.required) ? json.required : [];
    return Object.entries(isJson(json.properties) ? json.properties : {}).map(([name, s]) => {
      const { description, ...rest } = isJson(s) ? s : {};
      return {
        name,
        in: place,
        required: place === 'path' || required.includes(name),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      };
    });
  };
  return [...list(route.path, 'path'), ...list(route.query, 'query')];
}

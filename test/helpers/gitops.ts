/** The GitOps hooks' fixtures (test/fixtures/flux, argocd) and requests shaped as Flux and Argo CD send them. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ROOT } from './run-node.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures');

/** A fixture's bytes, exactly as stored (the wire bytes for flux/*.json and argocd/body-*.json). */
export function fixture(path: string): Buffer {
  return readFileSync(join(FIXTURES, path));
}

/** The fields of a Flux event that tests change. */
export interface FluxEventJson {
  involvedObject: Record<string, string>;
  timestamp: string;
  message: string;
  reason: string;
  metadata: Record<string, string>;
}

/** A Flux fixture changed by `edit`, written back as Go writes it (compact; key order kept). */
export function fluxVariant(name: string, edit: (event: FluxEventJson) => void): Buffer {
  const event = JSON.parse(fixture(`flux/${name}.json`).toString('utf8')) as FluxEventJson;
  edit(event);
  return Buffer.from(JSON.stringify(event));
}

/** `X-Signature` as Flux's generic-hmac provider writes it. */
export function signature(body: Buffer, key: string, hash = 'sha256'): string {
  return `${hash}=${createHmac(hash, key).update(body).digest('hex')}`;
}

export interface HookOptions {
  /** The address's query, `?env=prod` by default. */
  query?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** POST `body` (raw bytes, JSON) to a hook, with the headers the tool sends. */
export function postHook(
  callback: Parameters<typeof request>[0],
  tool: 'flux' | 'argocd',
  body: Buffer,
  { query = '?env=prod', token, headers = {} }: HookOptions = {},
): request.Test {
  let req = request(callback)
    .post(`/api/v1/hooks/${tool}${query}`)
    .set('Content-Type', 'application/json');
  if (tool === 'flux') req = req.set('Gotk-Component', 'helm-controller');
  if (token !== undefined) req = req.set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  // As text: superagent would serialize a Buffer as JSON ({"type":"Buffer",...}). UTF-8, so the same bytes.
  return req.send(body.toString('utf8'));
}

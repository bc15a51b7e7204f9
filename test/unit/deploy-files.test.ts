/**
 * deploy/compose*.yaml cannot be run here (no registry for the images): what
 * can be checked is that they say what deploy/README.md says, and that the
 * environment they give SVT is one it accepts. The GitHub workflow runs the
 * image; test/process/nginx-tls.test.ts runs deploy/nginx.conf.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../server/src/config.js';
import { ROOT } from '../helpers/run-node.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  ports?: string[] | null;
  volumes?: string[];
  stop_grace_period?: string;
}
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const load = (file: string): Compose =>
  parse(readFileSync(join(ROOT, 'deploy', file), 'utf8'), {
    // Compose's own tag: `ports: !reset []` drops what the base file publishes.
    customTags: [{ tag: '!reset', collection: 'seq', resolve: () => [] }],
  }) as Compose;

/** `${NAME:-default}` as compose resolves it with nothing set in the shell. */
const resolved = (env: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
  );

/** The settings the main README documents. */
const documented = new Set(readFileSync(join(ROOT, 'README.md'), 'utf8').match(/SVT_[A-Z_]+/g));

describe('deploy/compose.yaml', () => {
  const base = load('compose.yaml');
  const { mongo, svt } = base.services;

  test('MongoDB as a one-node replica set that initiates itself, on volumes', () => {
    expect(mongo?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(mongo?.healthcheck?.test.join(' ')).toContain("rs.initiate({ _id: 'rs0'");
    expect(mongo?.volumes).toEqual(['mongo-data:/data/db', 'mongo-config:/data/configdb']);
    expect(Object.keys(base.volumes ?? {})).toEqual(['mongo-data', 'mongo-config']);
  });

  test('SVT built from the repository, started once MongoDB is healthy, with settings it accepts', () => {
    expect(svt?.build).toBe('..');
    expect(existsSync(join(ROOT, 'deploy', svt?.build ?? '', 'Dockerfile'))).toBe(true);
    expect(svt?.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    expect(svt?.environment?.SVT_MONGODB_URL).toBe('mongodb://mongo:27017/?replicaSet=rs0');
    for (const name of Object.keys(svt?.environment ?? {}))
      expect([name, documented.has(name)]).toEqual([name, true]);
    const config = parseConfig(resolved(svt?.environment));
    expect(config).toMatchObject({
      mongodbUrl: 'mongodb://mongo:27017/?replicaSet=rs0',
      readAuth: 'open',
    });
    // Longer than SVT's own 10 s shutdown bound, so SIGKILL never cuts it short.
    expect(parseInt(svt?.stop_grace_period ?? '0', 10)).toBeGreaterThan(10);
  });
});

describe('deploy/compose.tls.yaml', () => {
  const tls = load('compose.tls.yaml');

  test('nginx publishes 443 and 80 with deploy/nginx.conf; SVT trusts it and is published no more', () => {
    const { nginx, svt } = tls.services;
    expect(nginx?.ports).toEqual(['443:443', '80:80']);
    expect(nginx?.volumes).toEqual([
      './nginx.conf:/etc/nginx/conf.d/default.conf:ro',
      './certs:/etc/nginx/certs:ro',
    ]);
    expect(existsSync(join(ROOT, 'deploy', 'nginx.conf'))).toBe(true);
    expect(svt?.ports ?? []).toEqual([]);
    expect(readFileSync(join(ROOT, 'deploy', 'compose.tls.yaml'), 'utf8')).toContain(
      'ports: !reset []',
    );
    const merged = { ...load('compose.yaml').services.svt?.environment, ...svt?.environment };
    expect(parseConfig(resolved(merged)).trustProxy).toBe(true);
  });
});

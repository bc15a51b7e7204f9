/**
 * .github/workflows/ci.yml cannot run here; what can be checked is that it
 * is a valid workflow (action-validator, against GitHub's workflow schema)
 * and that it runs what the README says it covers: Node 20, 22 and 24 with
 * MongoDB as a replica set, the store contract and bench:mongo on a
 * three-member replica set, a failover under a write load, the action/dist
 * freshness check, the action on this repository with inputs action.yml
 * declares, the image and compose.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, runNode } from '../helpers/run-node.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  strategy?: { matrix: { node: number[] } };
  env?: Record<string, string>;
  steps: Step[];
}

const FILE = join(ROOT, '.github', 'workflows', 'ci.yml');
const workflow = parse(readFileSync(FILE, 'utf8')) as { jobs: Record<string, Job> };
const runs = (job: string) => (workflow.jobs[job]?.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('the GitHub workflow', () => {
  test('is valid against the workflow schema (action-validator)', async () => {
    const bin = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');
    const result = await runNode(bin, [FILE], {});
    expect([result.code, result.stdout + result.stderr]).toEqual([0, '']);
    // The validator refuses a broken workflow: it is not a formality.
    const bad = await runNode(
      bin,
      [join(ROOT, 'test', 'ci', 'fixtures', 'broken-workflow.yml')],
      {},
    );
    expect(bad.code).toBe(1);
  });

  test('tests on Node 20, 22 and 24 against MongoDB as a replica set, through .ci/run', () => {
    const job = workflow.jobs.test;
    expect(job?.strategy?.matrix.node).toEqual([20, 22, 24]);
    expect(job?.env?.SVT_TEST_MONGODB_URL).toMatch(/replicaSet=rs0/);
    expect(runs('test')).toContain('--replSet rs0');
    expect(runs('test')).toContain('rs.initiate');
    expect(runs('test')).toContain('./.ci/run');
  });

  test('runs the store contract and bench:mongo on a three-member replica set', () => {
    const job = workflow.jobs['mongodb-replica-set'];
    expect(job?.env?.SVT_TEST_MONGODB_URL).toBe(
      'mongodb://127.0.0.1:27017,127.0.0.1:27018,127.0.0.1:27019/?replicaSet=rs0',
    );
    expect(runs('mongodb-replica-set')).toContain('./scripts/mongodb-replica-set.sh');
    expect(runs('mongodb-replica-set')).toContain('test/store/mongo.test.ts');
    expect(runs('mongodb-replica-set')).toContain('npm run bench:mongo');
    const setup = readFileSync(join(ROOT, 'scripts', 'mongodb-replica-set.sh'), 'utf8');
    for (const port of [27017, 27018, 27019]) expect(setup).toContain(`host: '127.0.0.1:${port}'`);
    expect(setup).toContain('PRIMARY,SECONDARY,SECONDARY');
  });

  test('steps the primary down, then kills it, under a write load, and checks every write', () => {
    const job = workflow.jobs['mongodb-failover'];
    expect(runs('mongodb-failover')).toContain('./scripts/mongodb-replica-set.sh');
    const step = job?.steps.find((s) => s.run === 'node scripts/failover-check.mjs');
    const disrupt = (step?.env?.SVT_FAILOVER_DISRUPT ?? '').trim().split('\n');
    expect(disrupt).toHaveLength(2);
    expect(disrupt[0]).toContain('replSetStepDown');
    expect(disrupt[1]).toContain('docker kill --signal KILL');
    expect(job?.env?.SVT_FAILOVER_MONGODB_URL).toMatch(/27017,.*27018,.*27019\/\?replicaSet=rs0$/);
  });

  test('checks that action/dist is the bundle its sources build', () => {
    expect(runs('action-dist')).toContain('npm run build:action');
    expect(runs('action-dist')).toContain('git diff --exit-code -- action/dist');
  });

  test('runs the action on this repository with inputs action.yml declares', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { required?: boolean }>;
    };
    const step = workflow.jobs['action-self']?.steps.find((s) => s.uses === './');
    expect(step).toBeDefined();
    for (const name of Object.keys(step?.with ?? {}))
      expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, input] of Object.entries(action.inputs))
      if (input.required === true) expect(Object.keys(step?.with ?? {})).toContain(name);
    expect(runs('action-self')).toContain('npm start');
  });

  test('builds and runs the image, and compose with MongoDB', () => {
    expect(runs('image')).toContain('docker build');
    expect(runs('image')).toContain('State.Health.Status');
    expect(runs('image')).toContain('docker compose -f deploy/compose.yaml up');
  });
});

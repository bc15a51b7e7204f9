/**
 * The GitLab template in a real pipeline: gitlab-ci-local (shell executor)
 * runs a project that includes gitlab-template/svt.yml with inputs, against
 * a real server on 127.0.0.1. The shell executor runs the job on this host,
 * not in node:24-alpine: a static check keeps the script to `node` alone.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  pipeline as runPipeline,
  plan as planOf,
  project,
  TEMPLATE,
} from '../helpers/gitlab-ci-local.js';
import { useListeningApp } from '../helpers/listen.js';
import { issueToken } from '../helpers/tokens.js';

const svt = useListeningApp();
let token = '';
beforeAll(async () => {
  token = await issueToken(svt().store, 'gitlab-ci', ['write:*']);
});

// The masked CI/CD variable a team sets.
const pipeline = (dir: string, variables: Record<string, string>) =>
  runPipeline(dir, { SVT_TOKEN: token, ...variables });
const plan = (dir: string) => planOf(dir, { SVT_TOKEN: token });

const include = (inputs: string) => `include:
  - local: svt.yml
    inputs:
${inputs}
stages: [deploy]
deploy-prod:
  stage: deploy
  script:
    - echo deploying
`;

describe('gitlab-template/svt.yml', () => {
  test('declares its inputs and keeps the job script to what node:24-alpine has', () => {
    const [header, jobs] = parseAllDocuments(readFileSync(TEMPLATE, 'utf8')).map(
      (d) => d.toJS() as Record<string, unknown>,
    );
    const inputs = (header?.spec as { inputs: Record<string, { default?: unknown }> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(
      [
        'app',
        'attributes',
        'environment',
        'if',
        'image',
        'needs',
        'server_url',
        'stage',
        'status',
        'version',
      ].sort(),
    );
    expect(inputs.stage?.default).toBe('.post');
    // Only server_url and environment are required.
    expect(
      Object.entries(inputs)
        .filter(([, spec]) => spec.default === undefined)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['environment', 'server_url']);
    expect(inputs.needs?.default).toEqual([]);
    expect(inputs.if?.default).toBe('$CI'); // always true: every pipeline, as before
    expect(inputs.attributes?.default).toBe('');
    expect(inputs.image?.default).toBe('node:24-alpine');
    const hidden = jobs?.['.svt-record'] as { script: string[]; environment: unknown };
    expect(hidden.environment).toEqual({ name: '$[[ inputs.environment ]]', action: 'verify' });
    for (const line of hidden.script) expect(line).toMatch(/^node /); // no curl, no wget, no bash
  });

  test('server_url and environment are enough: the job runs in .post, after the deployment', async () => {
    // The deploy job takes a while: a job started with the pipeline would record before it ends.
    const { dir } = project(
      include(`      server_url: ${svt().url}\n      environment: two-inputs`).replace(
        '    - echo deploying\n',
        "    - sleep 2\n    - echo 'deploy done'\n",
      ),
    );
    const record = plan(dir).find((j) => j.name === 'svt-record');
    expect(record).toMatchObject({ stage: '.post' });
    expect(record?.needs ?? null).toBeNull(); // no needs: it waits for every earlier stage
    const run = await pipeline(dir, { CI_COMMIT_TAG: 'v1.0.0' });
    expect(run.output).not.toMatch(/invalid|required value has not been provided/i);
    expect(run.code).toBe(0);
    const deployed = run.output.search(/deploy-prod\s+> deploy done/);
    const recorded = run.output.search(/svt-record\s+> Recorded shop v1\.0\.0 in two-inputs/);
    expect(deployed).toBeGreaterThan(-1);
    expect(recorded).toBeGreaterThan(deployed);
    expect((await svt().store.current('two-inputs'))?.map((d) => [d.app, d.version])).toEqual([
      ['shop', 'v1.0.0'],
    ]);
  });

  test('needs named: the job waits for those jobs alone, not for every earlier stage', async () => {
    // A failed job of an earlier stage holds back a job without needs, not one that needs others.
    const ci = (inputs: string) => `${include(`      server_url: ${svt().url}\n${inputs}`)}
lint:
  stage: deploy
  script:
    - exit 1
`;
    const named = project(ci('      environment: named-needs\n      needs: [deploy-prod]'));
    expect(plan(named.dir).find((j) => j.name === 'svt-record')).toMatchObject({
      stage: '.post',
      needs: [{ job: 'deploy-prod' }],
    });
    const run = await pipeline(named.dir, { CI_COMMIT_TAG: 'v2.0.0' });
    expect(run.output).toMatch(/svt-record\s+> Recorded shop v2\.0\.0 in named-needs/);
    expect((await svt().store.current('named-needs'))?.map((d) => d.version)).toEqual(['v2.0.0']);

    const unnamed = project(ci('      environment: unnamed-needs'));
    const held = await pipeline(unnamed.dir, { CI_COMMIT_TAG: 'v2.0.0' });
    expect(held.output).toMatch(/FAIL\s+lint/);
    expect(held.output).not.toMatch(/svt-record\s+>/);
    expect(await svt().store.current('unnamed-needs')).toBeNull();
  });

  test('a tag pipeline records the deployment with its commit, tag, pipeline URL and source', async () => {
    const { dir, head } = project(
      include(
        `      server_url: ${svt().url}\n      environment: prod\n      needs: [deploy-prod]`,
      ),
    );
    const run = await pipeline(dir, { CI_COMMIT_TAG: 'v3.1.0' });
    expect(run.output).toMatch(/svt-record\s+> Recorded shop v3\.1\.0 in prod/);
    // The job log says whether it became current, as the CLI does.
    expect(run.output).toMatch(
      /svt-record\s+> shop v3\.1\.0 deployed to prod \(the first success there\)\n/,
    );
    expect(run.code).toBe(0);
    const [d] = (await svt().store.history({ env: 'prod', app: 'shop', limit: 10 })).items;
    expect(d).toMatchObject({
      env: 'prod',
      app: 'shop',
      version: 'v3.1.0',
      status: 'success',
      commit: head,
      ref: 'v3.1.0',
      repository: 'https://gitlab.example.com/acme/shop', // CI_PROJECT_URL
      source: 'gitlab',
      recordedBy: 'gitlab-ci',
    });
    expect(d?.pipelineUrl).toMatch(/^https:\/\/gitlab\.example\.com\/acme\/shop\/pipelines\/\d+$/);
    expect(d?.idempotencyKey).toMatch(/^gitlab-[0-9a-f]{40}$/);
  });

  test('inputs override the defaults; a branch pipeline records the short SHA', async () => {
    const { dir, head } = project(
      include(
        `      server_url: ${svt().url}/\n      environment: staging\n      needs: [deploy-prod]\n      app: billing\n      status: failure`,
      ),
    );
    // A committer's clock at 1970: GitLab passes it on as CI_COMMIT_TIMESTAMP.
    const run = await pipeline(dir, { CI_COMMIT_TIMESTAMP: '1970-01-01T00:00:00+00:00' });
    expect(run.code).toBe(0);
    const version = head.slice(0, 8);
    expect(run.output).toMatch(
      /svt-record\s+> svt: warning: committedAt "1970-01-01T00:00:00\+00:00" from CI_COMMIT_TIMESTAMP left out of the request: it is before 2000-01-01T00:00:00Z, which the server refuses\n/,
    );
    expect(run.output).toMatch(
      new RegExp(
        `svt-record\\s+> billing ${version} failed in staging \\(nothing succeeded there yet\\)\\n`,
      ),
    );
    expect(run.output).not.toMatch(/WARN\s+svt-record/); // the job itself succeeded
    const [d] = (await svt().store.history({ env: 'staging', app: 'billing', limit: 1 })).items;
    expect(d).toMatchObject({ version, status: 'failure', ref: 'main', committedAt: null });
    expect(d?.commit).toBe(head);
  });

  test('a team that wants only the hidden job turns the ready one off and extends .svt-record', async () => {
    const { dir } = project(
      `${include(`      server_url: ${svt().url}\n      environment: unused\n      needs: [deploy-prod]`)}
svt-record:
  rules: [{ when: never }]
record-eu:
  extends: .svt-record
  stage: .post
  variables:
    SVT_ENVIRONMENT: prod-eu
    SVT_APP: shop-eu
    SVT_VERSION: 9.9.9
`,
    );
    const run = await pipeline(dir, {});
    expect(run.code).toBe(0);
    expect(run.output).not.toMatch(/svt-record\s+>/);
    expect((await svt().store.current('prod-eu'))?.map((d) => [d.app, d.version])).toEqual([
      ['shop-eu', '9.9.9'],
    ]);
    expect(await svt().store.current('unused')).toBeNull();
  });

  test('a tracker outage does not fail the pipeline', async () => {
    const { dir } = project(
      include(
        `      server_url: http://127.0.0.1:9\n      environment: prod\n      needs: [deploy-prod]`,
      ),
    );
    const run = await pipeline(dir, {});
    expect(run.output).toMatch(
      /cannot download the SVT CLI from http:\/\/127\.0\.0\.1:9\/cli\/svt\.mjs/,
    );
    expect(run.output).toMatch(/WARN\s+svt-record/);
    expect(run.code).toBe(0);
  }, 60_000);
});

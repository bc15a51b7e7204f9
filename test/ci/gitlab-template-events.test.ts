/**
 * The GitLab template in real pipelines (gitlab-ci-local) on the runs that
 * used to record the wrong thing or break (issue 23): a deploy job limited
 * by rules, a merged results pipeline, the legs of a parallel:matrix.
 */
import { beforeAll, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, pipeline as runPipeline, plan, project } from '../helpers/gitlab-ci-local.js';
import { useListeningApp } from '../helpers/listen.js';
import { ROOT } from '../helpers/run-node.js';
import { issueToken } from '../helpers/tokens.js';

const svt = useListeningApp();
let token = '';
beforeAll(async () => {
  token = await issueToken(svt().store, 'gitlab-ci', ['write:*']);
});
const pipeline = (dir: string, variables: Record<string, string> = {}) =>
  runPipeline(dir, { SVT_TOKEN: token, ...variables });
const history = async (env: string) => (await svt().store.history({ env, limit: 10 })).items;

/** The README's include for a deploy job limited by rules, run here against the local template and server. */
function readmeRulesExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find(
      (b) => b.includes('include:') && b.includes('if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'),
    );
  if (block === undefined) throw new Error("the README's rules example is gone");
  return block
    .replace(/- remote: \S+/, '- local: svt.yml')
    .replace('https://svt.example.com', svt().url)
    .replace('environment: prod', 'environment: rules-prod')
    .replace('script: ./deploy.sh', "script: echo 'deployed to prod'");
}

test("the README's deploy job limited by rules: a feature branch pipeline runs its tests and records nothing; main records", async () => {
  const { dir, head } = project(`${readmeRulesExample()}stages: [test, deploy]
unit-tests:
  stage: test
  script:
    - echo 'tests pass'
`);
  git(dir, 'checkout', '-qb', 'feature/login');
  const feature = await pipeline(dir);
  // Not refused ("deploy-prod is when:never, but it is needed by svt-record"): it runs.
  expect(feature.output).not.toMatch(/needed by/);
  expect(feature.code).toBe(0);
  expect(feature.output).toMatch(/unit-tests\s+> tests pass/);
  expect(feature.output).not.toMatch(/deploy-prod\s+>|svt-record\s+>/);
  expect(await history('rules-prod')).toEqual([]);

  git(dir, 'checkout', '-q', 'main');
  expect(plan(dir).find((j) => j.name === 'svt-record')).toMatchObject({
    when: 'on_success',
    needs: [{ job: 'deploy-prod' }],
  });
  const main = await pipeline(dir);
  expect(main.code).toBe(0);
  expect(main.output).toMatch(/svt-record\s+> Recorded shop [0-9a-f]{8} in rules-prod/);
  expect((await history('rules-prod')).map((d) => [d.version, d.ref, d.commit])).toEqual([
    [head.slice(0, 8), 'main', head],
  ]);
});

test("a merged results pipeline records the author's commit and branch, not the merge result GitLab made", async () => {
  const { dir } = project(`include:
  - local: svt.yml
    inputs:
      server_url: ${svt().url}
      environment: review
      needs: [deploy-review]
stages: [deploy]
deploy-review:
  stage: deploy
  script:
    - echo "deploying $CI_COMMIT_SHA"
`);
  // main moves on after the branch; GitLab tests the merge of both.
  git(dir, 'checkout', '-qb', 'feature/login');
  writeFileSync(join(dir, 'login.txt'), 'login\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'Login page');
  const authorHead = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'main');
  writeFileSync(join(dir, 'readme.txt'), 'readme\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'Readme');
  git(dir, 'checkout', '-qb', 'merge-requests/42/merge');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge feature/login into main', 'feature/login');
  const mergeResult = git(dir, 'rev-parse', 'HEAD');

  const run = await pipeline(dir, {
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '42',
    CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/login',
    CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: authorHead,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_MERGE_REQUEST_PROJECT_PATH: 'acme/shop',
    CI_MERGE_REQUEST_SOURCE_PROJECT_PATH: 'acme/shop',
  });
  expect(run.code).toBe(0);
  // The pipeline ran on the merge result, as GitLab's does.
  expect(run.output).toContain(`deploy-review > deploying ${mergeResult}`);
  const [d] = await history('review');
  expect(d).toMatchObject({
    version: authorHead.slice(0, 8),
    commit: authorHead,
    ref: 'feature/login',
    committedAt: null, // CI_COMMIT_TIMESTAMP is the merge result's
  });
  expect(JSON.stringify(d)).not.toContain(mergeResult.slice(0, 8));
});

test('every leg of a parallel:matrix records its own deployment: two regions, one version, one environment', async () => {
  const { dir } = project(`include:
  - local: svt.yml
    inputs:
      server_url: ${svt().url}
      environment: unused
stages: [deploy]
deploy:
  stage: deploy
  parallel:
    matrix:
      - REGION: [eu-west-1, us-east-1]
  script:
    - echo "deploying to $REGION"
svt-record:
  rules: [{ when: never }]
record:
  extends: .svt-record
  stage: .post
  parallel:
    matrix:
      - REGION: [eu-west-1, us-east-1]
  variables:
    SVT_ENVIRONMENT: prod-matrix
    SVT_VERSION: 3.0.0
    SVT_ATTRIBUTES: region=$REGION
`);
  const run = await pipeline(dir);
  expect(run.code).toBe(0);
  expect(run.output).not.toMatch(/Idempotency key reused|WARN/);
  // Each leg's own log line (a replay would say "Already recorded").
  const recorded = [
    ...run.output.matchAll(/^(record: \[[\w-]+\]) +> Recorded shop 3\.0\.0 in prod-matrix/gm),
  ];
  expect(recorded.map((m) => m[1]).sort()).toEqual(['record: [eu-west-1]', 'record: [us-east-1]']);
  const items = await history('prod-matrix');
  expect(items.map((d) => [d.version, d.attributes.region]).sort()).toEqual([
    ['3.0.0', 'eu-west-1'],
    ['3.0.0', 'us-east-1'],
  ]);
});

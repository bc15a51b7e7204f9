import { beforeAll, describe, expect, test } from '@jest/globals';
import { newDeployment } from '../helpers/deployments.js';
import { issueToken } from '../helpers/tokens.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTION, GITHUB_CONTEXT, runAction } from '../helpers/github-runner.js';
import { ROOT } from '../helpers/run-node.js';
import { useListeningApp } from '../helpers/listen.js';
import { tempDir } from '../helpers/tmp.js';

const svt = useListeningApp();
let token = '';
beforeAll(async () => {
  // A real token: with one in the store, every write needs one.
  token = await issueToken(svt().store, 'github-deploy', ['write:*']);
});

test('action.yml runs the bundle on node24 and declares what the README documents', () => {
  expect(ACTION.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
  expect(Object.keys(ACTION.inputs)).toEqual([
    'server-url',
    'token',
    'environment',
    'app',
    'version',
    'commit',
    'ref',
    'status',
    'url',
    'attributes',
    'idempotency-key',
    'timeout',
    'fail-on-error',
  ]);
  expect(Object.keys(ACTION.outputs)).toEqual(['deployment-id', 'previous-version', 'current']);
  expect(ACTION.inputs['fail-on-error']?.default).toBe('false');
});

describe('the bundled action, run as the runner runs it', () => {
  test('records with the run context, sets the outputs, writes the summary; a re-run of the same job records nothing new', async () => {
    await svt().store.record(
      newDeployment({
        env: 'prod',
        app: 'shop',
        version: '0.9.0',
        deployedAt: Date.now() - 60_000,
        commit: 'a'.repeat(40),
        repository: 'https://github.com/acme/shop',
      }),
    );
    const inputs = {
      'server-url': svt().url,
      environment: 'prod',
      token,
      attributes: 'region=eu-west-1\n\n# a comment\nteam=payments',
    };
    const run = await runAction(inputs);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(run.stdout).not.toContain('::warning');

    const items = (await svt().store.history({ app: 'shop', limit: 10 })).items;
    expect(items).toHaveLength(2);
    const [d] = items;
    expect(d).toMatchObject({
      env: 'prod',
      app: 'shop', // the repository's name
      version: '9fceb02', // a branch: the short SHA
      status: 'success',
      commit: GITHUB_CONTEXT.GITHUB_SHA,
      ref: 'main',
      pipelineUrl: 'https://github.com/acme/shop/actions/runs/912345',
      repository: 'https://github.com/acme/shop', // GITHUB_SERVER_URL and GITHUB_REPOSITORY
      actor: 'octocat',
      source: 'github',
      recordedBy: 'github-deploy', // the token's name
      attributes: { region: 'eu-west-1', team: 'payments' },
    });
    expect(d?.idempotencyKey).toMatch(/^github-[0-9a-f]{40}$/);
    expect(run.outputs).toEqual({
      'deployment-id': d?.id,
      'previous-version': '0.9.0',
      current: 'true',
    });
    expect(run.stdout).toContain('Recorded in SVT: shop 9fceb02 deployed to prod (was 0.9.0)\n');
    expect(run.summary).toContain('<h3>SVT: shop 9fceb02 in prod</h3>');
    expect(run.summary).toContain('<p>shop 9fceb02 deployed to prod (was 0.9.0)</p>');
    expect(run.summary).toContain(
      '<td>shop</td><td>prod</td><td>9fceb02</td><td>0.9.0</td><td>success</td><td>yes</td>',
    );
    expect(run.summary).toContain(`<a href="${svt().url}/app/shop">`);
    // What the deployment brought, on GitHub: from 0.9.0's commit to this one.
    const changes = `https://github.com/acme/shop/compare/${'a'.repeat(40)}...${GITHUB_CONTEXT.GITHUB_SHA}`;
    expect(run.summary).toContain(`<a href="${changes}">Changes since 0.9.0</a>`);
    expect(run.stdout).toContain(`Changes: ${changes}\n`);

    const again = await runAction(inputs);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'Already recorded in SVT, nothing new stored: shop 9fceb02 deployed to prod (was 0.9.0)',
    );
    expect(again.outputs['deployment-id']).toBe(d?.id);
    expect((await svt().store.history({ app: 'shop', limit: 10 })).items).toHaveLength(2);

    // A re-run of the job is a new attempt: it records anew.
    const rerun = await runAction(inputs, { ...GITHUB_CONTEXT, GITHUB_RUN_ATTEMPT: '2' });
    expect(rerun.code).toBe(0);
    expect((await svt().store.history({ app: 'shop', limit: 10 })).items).toHaveLength(3);
  });

  test('a tag run records the tag as the version; explicit inputs win', async () => {
    const tagged = {
      ...GITHUB_CONTEXT,
      GITHUB_REF: 'refs/tags/v2.1.0',
      GITHUB_REF_NAME: 'v2.1.0',
      GITHUB_REF_TYPE: 'tag',
    };
    const run = await runAction({ 'server-url': svt().url, token, environment: 'staging' }, tagged);
    expect(run.code).toBe(0);
    expect((await svt().store.current('staging'))?.[0]).toMatchObject({
      app: 'shop',
      version: 'v2.1.0',
      ref: 'v2.1.0',
    });

    const explicit = await runAction(
      {
        'server-url': svt().url,
        token,
        environment: 'staging',
        app: 'billing',
        version: '7.0.0',
        status: 'failure',
        url: 'https://billing.example.com',
      },
      tagged,
    );
    expect(explicit.code).toBe(0);
    const [d] = (await svt().store.history({ app: 'billing', limit: 1 })).items;
    expect(d).toMatchObject({
      version: '7.0.0',
      status: 'failure',
      url: 'https://billing.example.com',
    });
    expect(explicit.outputs['previous-version']).toBe('');
  });

  test('the job summary shows hostile names as text: no markup, no Markdown, a link that stays a link', async () => {
    const app = '<img src=x onerror=alert(1)> [Approve](https://evil.example) ::error::x';
    const run = await runAction({
      'server-url': svt().url,
      token,
      environment: 'hostile',
      app,
      version: `1&"'<b>`,
    });
    expect(run.code).toBe(0);
    // Worked out by hand: & < > " ' as entities; the URL's segment percent-encoded.
    const name = '&lt;img src=x onerror=alert(1)&gt; [Approve](https://evil.example) ::error::x';
    expect(run.summary).toContain(`<h3>SVT: ${name} 1&amp;&quot;&#39;&lt;b&gt; in hostile</h3>`);
    expect(run.summary).toContain(
      `<td>${name}</td><td>hostile</td><td>1&amp;&quot;&#39;&lt;b&gt;</td>`,
    );
    expect(run.summary).toContain(
      `<a href="${svt().url}/app/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20%5BApprove%5D(https%3A%2F%2Fevil.example)%20%3A%3Aerror%3A%3Ax">${name} in SVT</a>`,
    );
    expect(run.summary).not.toContain('<img');
    // One HTML block: no blank line after which Markdown would be read.
    expect(run.summary.trimEnd()).not.toMatch(/\n\s*\n/);
    // The log line starts with the action's words, never with the name.
    expect(run.stdout).toContain(
      `Recorded in SVT: ${app} 1&"'<b> deployed to hostile (the first success there)\n`,
    );
    expect(run.stdout).not.toMatch(/^::error/m);

    // A name of dots is a segment browsers would drop: encoded, so the link opens its page.
    const dots = await runAction({
      'server-url': svt().url,
      token,
      environment: 'hostile',
      app: '..',
      version: '1.0.0',
    });
    expect(dots.summary).toContain(`<a href="${svt().url}/app/%2E%2E">.. in SVT</a>`);
  });

  test('says whether the deployment became current: a failure, and a success dated before what runs', async () => {
    await svt().store.record(
      newDeployment({ env: 'qa', app: 'shop', version: '2.0.0', deployedAt: Date.now() - 60_000 }),
    );
    const inputs = { 'server-url': svt().url, token, environment: 'qa' };
    const failed = await runAction({ ...inputs, version: '2.1.0', status: 'failure' });
    expect(failed.code).toBe(0);
    expect(failed.outputs).toMatchObject({ 'previous-version': '2.0.0', current: 'false' });
    expect(failed.stdout).toContain(
      'Recorded in SVT: shop 2.1.0 failed in qa (2.0.0 runs there)\n',
    );
    expect(failed.summary).toContain('<p>shop 2.1.0 failed in qa (2.0.0 runs there)</p>');
    expect(failed.summary).toContain('<td>failure</td><td>no: 2.0.0 runs there</td>');

    // The action never sends deployedAt, so its success is dated at receipt: a deployment
    // stored with a later date (as by an import) stands for one that ran after it.
    await svt().store.record(
      newDeployment({ env: 'qa', app: 'shop', version: '3.0.0', deployedAt: Date.now() + 120_000 }),
    );
    const backDated = await runAction({ ...inputs, version: '2.2.0' });
    expect(backDated.code).toBe(0);
    expect(backDated.outputs).toMatchObject({ 'previous-version': '2.0.0', current: 'false' });
    const words = 'shop 2.2.0 recorded in qa, but not current: 3.0.0 runs there, deployed later';
    expect(backDated.stdout).toContain(`Recorded in SVT: ${words}\n`);
    expect(backDated.summary).toContain(`<p>${words}</p>`);
    expect(backDated.summary).toContain('<td>success</td><td>no: 3.0.0 runs there</td>');
  });

  test('a commit time from the push event that the server would refuse is left out with a warning', async () => {
    const eventPath = join(tempDir('svt-event-'), 'event.json');
    const event = (timestamp: string) =>
      writeFileSync(
        eventPath,
        JSON.stringify({ head_commit: { id: GITHUB_CONTEXT.GITHUB_SHA, timestamp } }),
      );
    const context = { ...GITHUB_CONTEXT, GITHUB_EVENT_PATH: eventPath };
    const inputs = { 'server-url': svt().url, token, environment: 'clock', app: 'clocked' };

    event('2099-01-01T00:00:00Z');
    const future = await runAction({ ...inputs, version: '1' }, context);
    expect(future.code).toBe(0);
    expect(future.stdout).toContain(
      '::warning::SVT: committedAt "2099-01-01T00:00:00Z" from the push event\'s head_commit.timestamp left out of the request: it is more than 5 minutes in the future, which the server refuses\n',
    );
    event('1970-01-01T00:00:00Z');
    const zeroed = await runAction({ ...inputs, version: '2' }, context);
    expect(zeroed.code).toBe(0);
    expect(zeroed.stdout).toContain(
      '::warning::SVT: committedAt "1970-01-01T00:00:00Z" from the push event\'s head_commit.timestamp left out of the request: it is before 2000-01-01T00:00:00Z, which the server refuses\n',
    );
    event('2026-01-01T00:00:00Z');
    const plausible = await runAction({ ...inputs, version: '3' }, context);
    expect(plausible.stdout).not.toContain('::warning');

    const items = (await svt().store.history({ app: 'clocked', limit: 10 })).items;
    expect(items.map((d) => [d.version, d.commit, d.committedAt])).toEqual([
      ['3', GITHUB_CONTEXT.GITHUB_SHA, '2026-01-01T00:00:00.000Z'],
      ['2', GITHUB_CONTEXT.GITHUB_SHA, null],
      ['1', GITHUB_CONTEXT.GITHUB_SHA, null],
    ]);
    expect(zeroed.outputs['deployment-id']).toBe(items[1]?.id);
  });

  test('with the server down it warns and succeeds; with fail-on-error it fails', async () => {
    const down = 'http://127.0.0.1:9'; // discard port: nothing listens
    const soft = await runAction({ 'server-url': down, environment: 'prod', timeout: '1' });
    expect(soft.code).toBe(0);
    expect(soft.stdout).toMatch(
      /::warning::SVT could not record the deployment: SVT at http:\/\/127\.0\.0\.1:9 is unreachable or failing: .*ECONNREFUSED/,
    );
    expect(soft.outputs).toEqual({});

    const strict = await runAction({
      'server-url': down,
      environment: 'prod',
      timeout: '1',
      'fail-on-error': 'true',
    });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/::error::SVT could not record the deployment: .*unreachable/);
  });

  test('a refusal by the server or a bad input is reported the same way', async () => {
    const refused = await runAction({
      'server-url': svt().url,
      token,
      environment: 'not a valid env',
    });
    expect(refused.code).toBe(0);
    expect(refused.stdout).toMatch(
      /::warning::SVT could not record the deployment: SVT refused the request: 400 .*env: must be/,
    );

    const badInput = await runAction({
      'server-url': svt().url,
      environment: 'prod',
      status: 'done',
      'fail-on-error': 'true',
    });
    expect(badInput.code).toBe(1);
    expect(badInput.stdout).toContain(
      '::error::SVT could not record the deployment: input status must be one of success, failure, started, rolled_back, got "done"',
    );

    const missing = await runAction({ 'server-url': svt().url, 'fail-on-error': 'true' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('Input required and not supplied: environment');
  });
});

test("the README's workflow examples use only the action's inputs, and every required one", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const steps: { uses: string; with: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const n = node as Record<string, unknown>;
      if (typeof n.uses === 'string' && n.uses.includes('/svt@')) {
        steps.push({ uses: n.uses, with: (n.with ?? {}) as Record<string, unknown> });
      }
      Object.values(n).forEach(walk);
    }
  };
  for (const block of blocks) walk(parse(block));
  expect(steps.length).toBeGreaterThanOrEqual(2);
  const required = Object.entries(ACTION.inputs).filter(([, spec]) => spec.required === true);
  for (const step of steps) {
    for (const name of Object.keys(step.with)) expect(Object.keys(ACTION.inputs)).toContain(name);
    for (const [name] of required) expect(Object.keys(step.with)).toContain(name);
  }
});

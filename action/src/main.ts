/**
 * The action: record one deployment, set the outputs, write the job
 * summary. A failure to record warns (an annotation) and leaves the step
 * green unless `fail-on-error` is true: a tracker outage must not fail a
 * deployment that succeeded.
 */
import * as core from '@actions/core';
import {
  defaultIdempotencyKey,
  defaultVersion,
  detectCiContext,
  SvtClient,
  VERSION,
  withCiDefaults,
} from '@svt/client';
import type { RecordDeploymentRequest, RecordOutcome } from '@svt/client';
import { failOnError, parseInputs } from './inputs.js';
import type { Inputs } from './inputs.js';

async function summarize(inputs: Inputs, outcome: RecordOutcome): Promise<void> {
  const d = outcome.deployment;
  const base = inputs.serverUrl.replace(/\/+$/, '');
  await core.summary
    .addHeading(`SVT: ${d.app} ${d.version} in ${d.env}`, 3)
    .addTable([
      [
        { data: 'App', header: true },
        { data: 'Environment', header: true },
        { data: 'Version', header: true },
        { data: 'Previous version', header: true },
        { data: 'Status', header: true },
      ],
      [d.app, d.env, d.version, outcome.previous?.version ?? '(none)', d.status],
    ])
    .addRaw(
      outcome.replayed
        ? 'Already recorded by an earlier attempt of this job; nothing new stored. '
        : '',
    )
    .addLink(`${d.app} in SVT`, `${base}/app/${encodeURIComponent(d.app)}`)
    .addEOL()
    .write();
}

/** Records the deployment; throws on anything that stops it. */
async function record(env: NodeJS.ProcessEnv): Promise<{ inputs: Inputs; outcome: RecordOutcome }> {
  const inputs = parseInputs();
  if (inputs.token !== '') core.setSecret(inputs.token);
  const ctx = detectCiContext(env);
  const app = inputs.app || (ctx.project?.split('/').pop() ?? '');
  const version = inputs.version || (defaultVersion(ctx) ?? '');
  if (app === '') throw new Error('input app is empty and GITHUB_REPOSITORY is not set');
  if (version === '')
    throw new Error('input version is empty and the run has no tag or GITHUB_SHA');

  const request: RecordDeploymentRequest = {
    env: inputs.environment,
    app,
    version,
    status: inputs.status,
  };
  if (inputs.url !== '') request.url = inputs.url;
  if (Object.keys(inputs.attributes).length > 0) request.attributes = inputs.attributes;
  const key =
    inputs.idempotencyKey ||
    defaultIdempotencyKey(ctx, { env: inputs.environment, app, version, status: inputs.status });

  const client = new SvtClient({
    baseUrl: inputs.serverUrl,
    token: inputs.token,
    deadlineMs: inputs.timeoutSeconds * 1000,
    timeoutMs: Math.min(10_000, inputs.timeoutSeconds * 1000),
    userAgent: `svt-action/${VERSION}`,
    onRetry: ({ attempt, delayMs, reason }) =>
      core.info(
        `SVT attempt ${attempt} failed (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
      ),
  });
  const filled = withCiDefaults(request, ctx, Date.now());
  // A bad derived value (the committer's clock) must not fail the step: left out, and said.
  for (const warning of filled.warnings) core.warning(`SVT: ${warning}`);
  const outcome = await client.record(filled.request, {
    idempotencyKey: key ?? undefined,
  });
  return { inputs, outcome };
}

function report(strict: boolean, message: string): void {
  if (strict) core.setFailed(message);
  else core.warning(`${message} (the step succeeds anyway; set fail-on-error: true to fail it)`);
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const strict = failOnError();
  let recorded: { inputs: Inputs; outcome: RecordOutcome };
  try {
    recorded = await record(env);
  } catch (err) {
    report(
      strict,
      `SVT could not record the deployment: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  const { inputs, outcome } = recorded;
  const d = outcome.deployment;
  core.info(
    `${outcome.replayed ? 'Already recorded' : 'Recorded'} ${d.app} ${d.version} in ${d.env}` +
      (outcome.previous === null
        ? ' (first in this environment)'
        : ` (previous: ${outcome.previous.version})`),
  );
  try {
    core.setOutput('deployment-id', d.id);
    core.setOutput('previous-version', outcome.previous?.version ?? '');
    await summarize(inputs, outcome);
  } catch (err) {
    report(
      strict,
      `SVT recorded the deployment (${d.id}) but could not write the step's outputs or summary: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

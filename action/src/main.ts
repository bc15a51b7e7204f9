/**
 * The action: record one deployment, set the outputs (deployment-id,
 * previous-version, current), write the job summary. A failure to record
 * warns (an annotation) and leaves the step green unless `fail-on-error` is
 * true: a tracker outage must not fail a deployment that succeeded.
 */
import * as core from '@actions/core';
import {
  defaultIdempotencyKey,
  defaultVersion,
  detectCiContext,
  recordedText,
  SvtClient,
  terminalText,
  VERSION,
  withCiDefaults,
} from '@svt/client';
import type { RecordDeploymentRequest, RecordOutcome } from '@svt/client';
import { failOnError, parseInputs } from './inputs.js';
import type { Inputs } from './inputs.js';

/**
 * Text of the job summary. The summary is Markdown, but everything in it is
 * written inside one HTML block (no blank line: Markdown is not read
 * there), so HTML escaping is what keeps a recorded name text; control
 * characters, a line break among them (which would end the block), are
 * shown as `\uXXXX` escapes.
 */
function summaryText(text: string): string {
  return escapeHtml(oneLine(text));
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * One line of log or summary: control characters and the line feed
 * escaped, so that nothing the server sends starts a line of its own (the
 * runner reads a line starting with `::` as a workflow command).
 */
function oneLine(text: string): string {
  return terminalText(text).replace(/\n/g, '\\u000a');
}

/** The app's page on the server: its name one path segment (dot-only names encoded, as browsers drop `.` and `..`). */
function appPage(base: string, app: string): string {
  const segment = /^\.+$/.test(app) ? app.replace(/\./g, '%2E') : encodeURIComponent(app);
  return `${base}/app/${segment}`;
}

/** "yes", or "no" and what runs there instead. */
function currentCell(outcome: RecordOutcome): string {
  if (outcome.current) return 'yes';
  const runs = outcome.currentDeployment;
  return runs == null ? 'no: nothing succeeded there yet' : `no: ${runs.version} runs there`;
}

async function summarize(inputs: Inputs, outcome: RecordOutcome): Promise<void> {
  const d = outcome.deployment;
  const base = inputs.serverUrl.replace(/\/+$/, '');
  core.summary
    .addHeading(summaryText(`SVT: ${d.app} ${d.version} in ${d.env}`), 3)
    .addRaw(`<p>${summaryText(recordedText(outcome))}</p>`, true)
    .addTable([
      [
        { data: 'App', header: true },
        { data: 'Environment', header: true },
        { data: 'Version', header: true },
        { data: 'Previous version', header: true },
        { data: 'Status', header: true },
        { data: 'Current', header: true },
      ],
      [
        d.app,
        d.env,
        d.rollback ? `${d.version} (rollback)` : d.version,
        outcome.previous?.version ?? '(none)',
        d.status,
        currentCell(outcome),
      ].map(summaryText),
    ])
    .addRaw(
      outcome.replayed
        ? 'Already recorded by an earlier attempt of this job; nothing new stored. '
        : '',
    )
    // The toolkit writes attributes as they are: the href is escaped here.
    .addLink(`${summaryText(d.app)} in SVT`, escapeHtml(appPage(base, d.app)));
  // What this deployment brought, on the repository's forge.
  const { changes, commit } = outcome.links;
  if (changes !== null) {
    const since = outcome.previous?.version ?? 'the previous deployment';
    core.summary.addRaw(' · ').addLink(summaryText(`Changes since ${since}`), escapeHtml(changes));
  } else if (commit !== null) {
    core.summary.addRaw(' · ').addLink(summaryText('Commit'), escapeHtml(commit));
  }
  await core.summary.addEOL().write();
}

/** Records the deployment; throws on anything that stops it. */
async function record(env: NodeJS.ProcessEnv): Promise<{ inputs: Inputs; outcome: RecordOutcome }> {
  const inputs = parseInputs();
  if (inputs.token !== '') core.setSecret(inputs.token);
  const ctx = detectCiContext(env);
  const app = inputs.app || (ctx.project?.split('/').pop() ?? '');
  // The commit sent is the one the version defaults to: the input's, else the event's.
  const version = inputs.version || (defaultVersion(ctx, inputs.commit || ctx.commit) ?? '');
  if (app === '') throw new Error('input app is empty and GITHUB_REPOSITORY is not set');
  if (version === '')
    throw new Error('input version is empty and the run names no tag or commit to default to');

  const request: RecordDeploymentRequest = {
    env: inputs.environment,
    app,
    version,
    status: inputs.status,
  };
  if (inputs.commit !== '') request.commit = inputs.commit;
  if (inputs.ref !== '') request.ref = inputs.ref;
  if (inputs.url !== '') request.url = inputs.url;
  if (Object.keys(inputs.attributes).length > 0) request.attributes = inputs.attributes;

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
  // From the request as sent: each leg of a matrix that sends other values gets its own.
  const key = inputs.idempotencyKey || defaultIdempotencyKey(ctx, filled.request);
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
    `${outcome.replayed ? 'Already recorded in SVT, nothing new stored' : 'Recorded in SVT'}: ${oneLine(recordedText(outcome))}`,
  );
  if (outcome.links.changes !== null) core.info(`Changes: ${oneLine(outcome.links.changes)}`);
  try {
    core.setOutput('deployment-id', d.id);
    core.setOutput('previous-version', outcome.previous?.version ?? '');
    core.setOutput('current', String(outcome.current));
    await summarize(inputs, outcome);
  } catch (err) {
    report(
      strict,
      `SVT recorded the deployment (${d.id}) but could not write the step's outputs or summary: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

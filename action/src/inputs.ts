/**
 * The action's inputs, read in one place (the only module that calls
 * core.getInput). Defaults that need the run's context (app, version) are
 * resolved in main.ts from the CI context.
 */
import * as core from '@actions/core';
import { parseAttributes, parseStatus, UsageError } from '@svt/client';
import type { AttributeValue, DeploymentStatus } from '@svt/client';

export interface Inputs {
  serverUrl: string;
  /** Empty: no token sent. */
  token: string;
  environment: string;
  /** Empty: the repository name. */
  app: string;
  /** Empty: the tag, else the short SHA. */
  version: string;
  /** Empty: the commit the run's event is about (ci-context). */
  commit: string;
  /** Empty: the branch or tag that commit came from (ci-context). */
  ref: string;
  status: DeploymentStatus;
  /** Empty: none. */
  url: string;
  attributes: Record<string, AttributeValue>;
  /** Empty: derived from the run. */
  idempotencyKey: string;
  /** Total seconds, retries included. Default 120. */
  timeoutSeconds: number;
  /** Default false: a failure to record warns instead of failing the step. */
  failOnError: boolean;
}

/** `fail-on-error` alone, read leniently first, so that it governs even a bad-input failure. */
export function failOnError(): boolean {
  return core.getInput('fail-on-error').trim().toLowerCase() === 'true';
}

export function parseInputs(): Inputs {
  const timeout = core.getInput('timeout') || '120';
  const timeoutSeconds = Number(timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 3600) {
    throw new UsageError(
      `input timeout must be a number of seconds between 0 and 3600, got ${JSON.stringify(timeout)}`,
    );
  }
  const lines = core
    .getMultilineInput('attributes')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return {
    serverUrl: core.getInput('server-url', { required: true }),
    token: core.getInput('token'),
    environment: core.getInput('environment', { required: true }),
    app: core.getInput('app'),
    version: core.getInput('version'),
    commit: core.getInput('commit'),
    ref: core.getInput('ref'),
    status: parseStatus('input status', core.getInput('status') || 'success'),
    url: core.getInput('url'),
    attributes: parseAttributes('input attributes', lines),
    idempotencyKey: core.getInput('idempotency-key'),
    timeoutSeconds,
    failOnError: core.getBooleanInput('fail-on-error'),
  };
}

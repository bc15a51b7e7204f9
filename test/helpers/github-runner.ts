/**
 * Runs the bundled action the way the GitHub runner does: `node
 * action/dist/index.js` with one INPUT_* variable per input (the given
 * value, else the `default:` of action.yml), the GITHUB_* context, and
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files that exist before the step.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, runNode, type Run } from './run-node.js';
import { tempDir } from './tmp.js';

interface ActionMetadata {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

export const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;

export const GITHUB_CONTEXT: Record<string, string> = {
  GITHUB_ACTIONS: 'true',
  CI: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '912345',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'deploy',
  GITHUB_SHA: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'deploy',
};

export interface ActionRun extends Run {
  /** GITHUB_OUTPUT parsed (`name<<delimiter` blocks). */
  outputs: Record<string, string>;
  summary: string;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (m === null) continue;
    const [, name = '', delimiter] = m;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

export async function runAction(
  inputs: Record<string, string>,
  context: Record<string, string> = GITHUB_CONTEXT,
): Promise<ActionRun> {
  const unknown = Object.keys(inputs).filter((name) => !(name in ACTION.inputs));
  if (unknown.length > 0) throw new Error(`not inputs of action.yml: ${unknown.join(', ')}`);
  const dir = tempDir('svt-action-');
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    ...context,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    // The runner's naming: upper case, spaces to underscores, dashes kept.
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? spec.default ?? '';
  }
  const run = await runNode(join(ROOT, ACTION.runs.main), [], env);
  return {
    ...run,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/**
 * Real GitLab pipelines on this machine: gitlab-ci-local (shell executor)
 * runs a git project whose .gitlab-ci.yml includes gitlab-template/svt.yml
 * (copied next to it) with inputs. Each pipeline takes a few seconds: tests
 * keep their number small.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-node.js';
import { tempDir } from './tmp.js';

export const TEMPLATE = join(ROOT, 'gitlab-template', 'svt.yml');
const GITLAB_CI_LOCAL = join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');

/** `git` in `dir`, its output trimmed. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
}

/** A git project (branch main) with the template next to its .gitlab-ci.yml; returns its directory and HEAD. */
export function project(ci: string): { dir: string; head: string } {
  const dir = tempDir('svt-gitlab-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', 'https://gitlab.example.com/acme/shop.git');
  copyFileSync(TEMPLATE, join(dir, 'svt.yml'));
  writeFileSync(join(dir, '.gitlab-ci.yml'), ci);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'pipeline');
  return { dir, head: git(dir, 'rev-parse', 'HEAD') };
}

/** Runs the pipeline of `dir`'s checkout with `variables` (CI/CD variables); resolves with its exit code and log. */
export function pipeline(
  dir: string,
  variables: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const args = [GITLAB_CI_LOCAL, '--force-shell-executor', '--no-color'];
  for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`);
  const proc = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, output })));
}

export interface Planned {
  name: string;
  stage: string;
  /** `never` for a job its rules leave out of the pipeline. */
  when: string;
  /** Null when the job sets none (it waits for every earlier stage); [] starts it with the pipeline. */
  needs: { job: string }[] | null;
}

/** The pipeline's jobs as gitlab-ci-local plans them, without running any. */
export function plan(dir: string, variables: Record<string, string> = {}): Planned[] {
  const args = [GITLAB_CI_LOCAL, '--list-json'];
  for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`);
  const out = execFileSync(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as Planned[];
}

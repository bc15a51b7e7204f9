/** Runs a Node script as a real process and collects what it printed and its exit code. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The bundled CLI, as `npm ci` builds it and the server serves it. */
export const CLI = join(ROOT, 'client', 'dist', 'svt.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time, ms. */
  ms: number;
}

export function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string = ROOT,
): Promise<Run> {
  const started = performance.now();
  const proc = spawn(process.execPath, [script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/**
 * How a deployment's status looks, the one source of truth for every page
 * and the badge: its tone (the colour, app.css `.tone-*`) and its words.
 * `success` is fine; `started` is a deployment in progress, news rather
 * than a warning; `failure` and `rolled_back` both warn (attempts.ts reads
 * them alike beside what runs).
 */
import type { DeploymentStatus } from '@svt/client';

export type Tone = 'ok' | 'progress' | 'warn';

const TONES: Record<DeploymentStatus, Tone> = {
  success: 'ok',
  started: 'progress',
  failure: 'warn',
  rolled_back: 'warn',
};

/** The tone of a status. */
export function statusTone(status: DeploymentStatus): Tone {
  return TONES[status];
}

/** A status in words: `rolled back`, not `rolled_back`. */
export function statusWords(status: DeploymentStatus): string {
  return status.replace('_', ' ');
}

/** The class that colours an element by a status (app.css). */
export function toneClass(status: DeploymentStatus): string {
  return `tone-${statusTone(status)}`;
}

/**
 * What the overview shows, apart from how: the environments chosen
 * (`?stage=`, `?env=`), grouped by promotion stage, and the rows, each
 * cell marked as the legend says (marks.ts awaitsPromotion), filtered by
 * name (`?q=`) and to the applications that differ (`?diff=1`).
 */
import type { Deployment } from '@svt/client';
import { compareNames } from '../names.js';
import { type Stage, stageOf } from '../stages.js';
import { fuzzyMatcher } from './fuzzy.js';
import { awaitsPromotion } from './marks.js';

/** A stage, or `other` for the environments whose name says none (stages.ts). */
export type StageChoice = Stage | 'other';

/** The stage an environment is grouped under. */
export function groupOf(env: string): StageChoice {
  return stageOf(env) ?? 'other';
}

/**
 * The environments to show, in display order (`ordered`, as
 * orderEnvironments gives them): those of the `stages` listed plus those
 * `envs` lists, by name; every one when neither lists anything. `unknown`:
 * the names `envs` lists that were never seen, for the page to say so
 * rather than fail (a bookmark may outlive an environment).
 */
export function chooseEnvironments(
  ordered: readonly string[],
  stages: readonly string[] = [],
  envs: readonly string[] = [],
): { shown: string[]; unknown: string[] } {
  const known = new Set(ordered);
  const unknown = envs.filter((env) => !known.has(env));
  if (stages.length === 0 && envs.length === 0) return { shown: [...ordered], unknown };
  const shown = ordered.filter((env) => envs.includes(env) || stages.includes(groupOf(env)));
  return { shown, unknown };
}

/** A run of neighbouring columns of one stage. */
export interface StageGroup {
  stage: StageChoice;
  envs: string[];
}

/**
 * Neighbouring environments of the same stage, as groups in display order
 * (`prod-eu`, `prod-us` under prod). An SVT_ENV_ORDER that interleaves
 * stages makes one group per run, so that a group is always contiguous.
 */
export function stageGroups(envs: readonly string[]): StageGroup[] {
  const groups: StageGroup[] = [];
  for (const env of envs) {
    const stage = groupOf(env);
    const last = groups.at(-1);
    if (last?.stage === stage) last.envs.push(env);
    else groups.push({ stage, envs: [env] });
  }
  return groups;
}

/** One cell: the app's current deployment there, if any, and the mark's reason. */
export interface MatrixCell {
  deployment: Deployment | undefined;
  /**
   * Where nothing succeeded (no deployment): the app's latest attempt
   * there, in progress, failed or rolled back (attempts.ts), as the
   * environment page shows it ("none succeeded"); else undefined.
   */
  attempt: Deployment | undefined;
  /** When marked (awaitsPromotion): the environment to its left and what it runs there. */
  waiting: { env: string; version: string } | null;
}

export interface MatrixRow {
  app: string;
  cells: MatrixCell[];
}

export interface Matrix {
  rows: MatrixRow[];
  /** Applications recorded in the shown environments (running, or only attempted), before `q` and `diff`. */
  total: number;
}

/**
 * The rows of the shown environments `envs`: every application that runs
 * in one of them, or was attempted there without ever succeeding (a first
 * deployment in progress, or failed), names in reading order (names.ts),
 * each cell marked when the shown environment to its left runs a version
 * it does not (awaitsPromotion); then only the names matching `q`
 * (fuzzy.ts), and with `diff` only the rows with a marked cell, whose
 * versions differ along the promotion path. `states`: each environment's
 * current deployments; `attempts`: each one's open attempts (Store.attempts).
 */
export function matrixRows(
  envs: readonly string[],
  states: ReadonlyMap<string, readonly Deployment[]>,
  { q, diff }: { q?: string; diff: boolean },
  attempts: ReadonlyMap<string, readonly Deployment[]> = new Map(),
): Matrix {
  const byEnv = envs.map((env) => new Map((states.get(env) ?? []).map((d) => [d.app, d])));
  const tried = envs.map((env) => new Map((attempts.get(env) ?? []).map((d) => [d.app, d])));
  const apps = [...new Set([...byEnv, ...tried].flatMap((m) => [...m.keys()]))].sort(compareNames);
  const matches = fuzzyMatcher(q ?? '');
  const rows: MatrixRow[] = [];
  for (const app of apps) {
    if (!matches(app)) continue;
    let differs = false;
    const cells = envs.map((_env, i): MatrixCell => {
      const here = byEnv[i]?.get(app);
      const attempt = here === undefined ? tried[i]?.get(app) : undefined;
      const left = i === 0 ? undefined : byEnv[i - 1]?.get(app);
      const leftEnv = envs[i - 1];
      if (leftEnv === undefined || !awaitsPromotion(left, here)) {
        return { deployment: here, attempt, waiting: null };
      }
      differs = true;
      return { deployment: here, attempt, waiting: { env: leftEnv, version: left.version } };
    });
    if (!diff || differs) rows.push({ app, cells });
  }
  return { rows, total: apps.length };
}

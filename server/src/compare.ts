/**
 * Two environments side by side: for every app of either, which side runs
 * the newer version, by the one version order (version-order.ts). Pure, so
 * that the rules are tested on fixed data.
 */
import type { CompareItem, CompareState, Deployment } from '@svt/client';
import { compareNames } from './names.js';
import { newerDeployment } from './version-order.js';

function stateOf(from: Deployment | null, to: Deployment | null): CompareState {
  if (to === null) return 'only_in_from';
  if (from === null) return 'only_in_to';
  const order = newerDeployment(from, to);
  return order > 0 ? 'ahead' : order < 0 ? 'behind' : 'same';
}

/** One item per app of either side, ordered by app name as people read it (names.ts). */
export function compareEnvironments(from: Deployment[], to: Deployment[]): CompareItem[] {
  const fromByApp = new Map(from.map((d) => [d.app, d]));
  const toByApp = new Map(to.map((d) => [d.app, d]));
  const apps = [...new Set([...fromByApp.keys(), ...toByApp.keys()])].sort(compareNames);
  return apps.map((app) => {
    const f = fromByApp.get(app) ?? null;
    const t = toByApp.get(app) ?? null;
    return { app, state: stateOf(f, t), from: f, to: t };
  });
}

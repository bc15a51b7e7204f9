/**
 * Two environments side by side: for every app of either, which side runs
 * the newer version. Pure, so that the order rules are tested on fixed data.
 */
import type { CompareItem, CompareState, Deployment } from '@svt/client';
import semver from 'semver';

/**
 * > 0 when `a` is newer than `b`, < 0 when older, 0 for the same version.
 * Semantic-version order when both parse as semver (`v1.10.0` is newer than
 * `1.9.0`); otherwise, or when semver calls them equal but the strings
 * differ, the later deployment (deployedAt, then id) is the newer.
 */
export function newer(a: Deployment, b: Deployment): number {
  if (a.version === b.version) return 0;
  const va = semver.parse(a.version);
  const vb = semver.parse(b.version);
  if (va !== null && vb !== null) {
    const order = semver.compareBuild(va, vb);
    if (order !== 0) return order;
  }
  if (a.deployedAt !== b.deployedAt) return a.deployedAt > b.deployedAt ? 1 : -1;
  return a.id > b.id ? 1 : a.id < b.id ? -1 : 0;
}

function stateOf(from: Deployment | null, to: Deployment | null): CompareState {
  if (to === null) return 'only_in_from';
  if (from === null) return 'only_in_to';
  const order = newer(from, to);
  return order > 0 ? 'ahead' : order < 0 ? 'behind' : 'same';
}

/** One item per app of either side, ordered by app name. */
export function compareEnvironments(from: Deployment[], to: Deployment[]): CompareItem[] {
  const fromByApp = new Map(from.map((d) => [d.app, d]));
  const toByApp = new Map(to.map((d) => [d.app, d]));
  const apps = [...new Set([...fromByApp.keys(), ...toByApp.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return apps.map((app) => {
    const f = fromByApp.get(app) ?? null;
    const t = toByApp.get(app) ?? null;
    return { app, state: stateOf(f, t), from: f, to: t };
  });
}

/**
 * The success a deployment follows in its environment and app: the one
 * whose commit "what changed" starts from. Ordered as history is, by
 * (deployedAt, id), so that a back-dated record finds what ran before it
 * then, not what was recorded before it.
 */
import type { Deployment } from '@svt/client';
import type { Store } from './store/types.js';

/** The latest success of `d`'s env and app ordered before `d`, or null when none. */
export async function previousSuccess(store: Store, d: Deployment): Promise<Deployment | null> {
  const { items } = await store.history({
    env: d.env,
    app: d.app,
    status: 'success',
    limit: 1,
    after: { deployedAt: Date.parse(d.deployedAt), id: d.id },
  });
  return items[0] ?? null;
}

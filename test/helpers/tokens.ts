/** Real API tokens in a test store, made the way `svt-server token create` makes them. */
import { generateToken, hashToken } from '../../server/src/auth/tokens.js';
import type { Store } from '../../server/src/store/types.js';

export async function issueToken(store: Store, name: string, scopes: string[]): Promise<string> {
  const token = generateToken();
  await store.createToken({
    name,
    hash: hashToken(token),
    scopes,
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  });
  return token;
}

/**
 * API tokens: `svt_` and 43 random base64url characters (256 bits), shown
 * once at creation and stored only as their SHA-256. Scopes: `read`,
 * `write:<environment glob>` (`write:prod-*`), `admin` (reads and every write).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import picomatch from 'picomatch';
import type { TokenRecord } from '../store/types.js';

export const TOKEN_PATTERN = /^svt_[A-Za-z0-9_-]{43}$/;
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SCOPE_PATTERN = /^(read|admin|write:[A-Za-z0-9._*?\-[\]{},!]{1,128})$/;

export function generateToken(): string {
  return `svt_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Equal hashes, compared in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `write:staging,write:prod-*` into scopes; throws a message naming the bad one. */
export function parseScopes(raw: string): string[] {
  const scopes = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (scopes.length === 0)
    throw new Error('--scope must name at least one scope: read, write:<env glob> or admin');
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) {
      throw new Error(
        `--scope ${JSON.stringify(scope)} is not read, admin or write:<environment glob>`,
      );
    }
  }
  return [...new Set(scopes)];
}

export function canRead(token: TokenRecord): boolean {
  return token.scopes.includes('read') || token.scopes.includes('admin');
}

/** Whether the token may use the admin routes (the webhook deliveries API). */
export function canAdminister(token: TokenRecord): boolean {
  return token.scopes.includes('admin');
}

/** Whether a scope of the token covers a write to `env` (globs match the whole name). */
export function canWrite(token: TokenRecord, env: string): boolean {
  return token.scopes.some(
    (scope) =>
      scope === 'admin' ||
      (scope.startsWith('write:') &&
        picomatch.isMatch(env, scope.slice('write:'.length), { dot: true })),
  );
}

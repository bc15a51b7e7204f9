/**
 * The login form of SVT_READ_AUTH=token: a valid read token becomes an
 * HttpOnly, SameSite=Strict session cookie holding a key derived from the
 * token (never the token, nor anything the database holds: the store keeps
 * the key's hash), good for reads only and checked against the store on
 * each request, so that revoking the token ends the session.
 */
import type { Routes } from './table.js';
import type { Context } from 'koa';
import { clientAddress, SESSION_COOKIE } from '../auth/policy.js';
import type { Limits } from '../auth/rate-limits.js';
import { canRead, hashToken, sessionKey, TOKEN_PATTERN } from '../auth/tokens.js';
import { readText } from '../http/body.js';
import { loginPage } from '../pages/login.js';
import type { RouteDeps } from './context.js';

/** Only a path of this server: never `//other.example` or `https://...`. */
function localPath(next: string | null | undefined): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

const SESSION_MS = 12 * 3600 * 1000;

export function loginRoutes(routes: Routes, { store, config }: RouteDeps, limits: Limits): void {
  const show = (ctx: Context, next: string, failed: boolean) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = loginPage(next, failed);
  };

  routes.get('/login', 'public', (ctx) => {
    const next = localPath(typeof ctx.query.next === 'string' ? ctx.query.next : null);
    if (config.readAuth !== 'token' || !config.auth) {
      ctx.redirect(next);
      return;
    }
    show(ctx, next, false);
  });

  routes.post('/login', 'login', async (ctx) => {
    const form = new URLSearchParams(await readText(ctx));
    const next = localPath(form.get('next'));
    const address = clientAddress(ctx);
    await limits.checkFailures(address);
    const token = form.get('token') ?? '';
    const found = TOKEN_PATTERN.test(token) ? await store.tokenByHash(hashToken(token)) : null;
    if (found === null || !canRead(found)) {
      await limits.failure(address);
      ctx.status = 401;
      show(ctx, next, true);
      return;
    }
    ctx.cookies.set(SESSION_COOKIE, sessionKey(token), {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      maxAge: SESSION_MS,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(next);
  });

  routes.post('/logout', 'login', (ctx) => {
    ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'strict' });
    ctx.status = 303;
    ctx.redirect('/');
  });
}

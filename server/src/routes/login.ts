/**
 * The login form of SVT_READ_AUTH=token: a valid read token opens a new
 * session (auth/sessions.ts) whose random id goes in an HttpOnly,
 * SameSite=Strict cookie (never the token, nor anything the database
 * holds: the store keeps the id's hash). The session is good for reads
 * only, and is checked against the store on each request, so that logout,
 * expiry and the token's revocation each end it.
 */
import type { Routes } from './table.js';
import type { Context } from 'koa';
import { clientAddress } from '../auth/policy.js';
import type { Limits } from '../auth/rate-limits.js';
import { endSession, openSession, SESSION_COOKIE } from '../auth/sessions.js';
import { canRead, hashToken, TOKEN_PATTERN } from '../auth/tokens.js';
import { readText } from '../http/body.js';
import { loginPage } from '../pages/login.js';
import type { RouteDeps } from './context.js';

/** Only a path of this server: never `//other.example` or `https://...`. */
function localPath(next: string | null | undefined): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

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
    // A login replaces the browser's previous session rather than leaving it open.
    await endSession(store, ctx.cookies.get(SESSION_COOKIE) ?? '');
    const now = Date.now();
    const session = await openSession(store, found, now);
    ctx.cookies.set(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      maxAge: session.expiresAt - now,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(next);
  });

  // Ends the session in the store, not only in this browser: a copy of the
  // cookie opens nothing afterwards. Then the login page, where the reader
  // sees the session is over (the pages' header's Sign out button posts here).
  routes.post('/logout', 'login', async (ctx) => {
    await endSession(store, ctx.cookies.get(SESSION_COOKIE) ?? '');
    ctx.cookies.set(SESSION_COOKIE, null, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect('/login');
  });
}

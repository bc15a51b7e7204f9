/**
 * Every route of the server, each registered with the access it needs.
 * Route modules get `Routes`, whose only way to add a route takes an access
 * level (a route without one does not compile); the guard of that level
 * becomes the first middleware of the route itself, so it runs for every
 * path the router matches to that route, whatever the router's matching
 * rules. `verify()` refuses to start an app whose router holds a route
 * registered any other way.
 *
 * The router matches exactly (`strict`, `sensitive`): `/api/v1/deployments/`
 * and `/API/V1/DEPLOYMENTS` are 404s, so that one route has one name. The
 * guarantee above does not depend on it.
 */
import Router, { type RouterMiddleware } from '@koa/router';
import type { Guard, ReadAccess, WriteAccess } from '../auth/policy.js';

/** Where route modules register their routes, each with its access. */
export interface Routes {
  /** A GET (and HEAD) route; `access` is what a reader needs. */
  get(path: string, access: ReadAccess, ...handlers: RouterMiddleware[]): void;
  /** A POST route; `access` is what a writer needs. */
  post(path: string, access: WriteAccess, ...handlers: RouterMiddleware[]): void;
}

/** The app's router and the routes registered in it, each behind its guard. */
export class RouteTable implements Routes {
  readonly router = new Router({ strict: true, sensitive: true });
  /** The guard middleware this table put first in each route it registered. */
  private readonly guards = new WeakSet<object>();

  constructor(private readonly guard: Guard) {}

  get(path: string, access: ReadAccess, ...handlers: RouterMiddleware[]): void {
    this.add('GET', path, access, handlers);
  }

  post(path: string, access: WriteAccess, ...handlers: RouterMiddleware[]): void {
    this.add('POST', path, access, handlers);
  }

  private add(
    method: string,
    path: string,
    access: ReadAccess | WriteAccess,
    handlers: RouterMiddleware[],
  ): void {
    if (handlers.length === 0) throw new Error(`route ${method} ${path} has no handler`);
    const guard = this.guard(access);
    this.guards.add(guard);
    this.router.register(path, [method], [guard, ...handlers]);
  }

  /**
   * Throws unless every layer of the router is a route this table
   * registered, its guard first: a route added to the router directly, a
   * router-level middleware or a `router.param` handler would run before
   * (or without) a guard. Called once, before the app serves.
   */
  verify(): void {
    for (const layer of this.router.stack) {
      const first = layer.stack[0];
      if (layer.methods.length === 0 || first === undefined || !this.guards.has(first)) {
        throw new Error(
          `route ${layer.methods.join(',') || '(middleware)'} ${String(layer.path)} was registered ` +
            'without an access level: register routes through Routes.get or Routes.post',
        );
      }
    }
  }
}

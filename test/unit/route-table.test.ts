/**
 * A route without a declared access can be neither written (a type error)
 * nor started (verify() throws): every way past Routes is refused.
 */
import { describe, expect, it } from '@jest/globals';
import type { Middleware } from 'koa';
import type { Access } from '../../server/src/auth/policy.js';
import { RouteTable } from '../../server/src/routes/table.js';

function table(): { routes: RouteTable; seen: Access[] } {
  const seen: Access[] = [];
  const routes = new RouteTable((access): Middleware => {
    seen.push(access);
    return (_ctx, next) => next();
  });
  return { routes, seen };
}

const handler: Middleware = (ctx) => {
  ctx.body = 'ok';
};

describe('RouteTable', () => {
  it('puts the guard of the declared access first in each route', () => {
    const { routes, seen } = table();
    routes.get('/a', 'read', handler);
    routes.post('/b', 'write', handler);
    expect(seen).toEqual(['read', 'write']);
    expect(routes.router.stack.map((l) => [l.methods, l.path, l.stack.length])).toEqual([
      [['HEAD', 'GET'], '/a', 2],
      [['POST'], '/b', 2],
    ]);
    expect(() => routes.verify()).not.toThrow();
  });

  it('matches exactly: one name per route', () => {
    const { routes } = table();
    routes.post('/api/v1/deployments', 'write', handler);
    const match = (path: string) => routes.router.match(path, 'POST').route;
    expect(match('/api/v1/deployments')).toBe(true);
    for (const other of ['/api/v1/deployments/', '/API/V1/DEPLOYMENTS', '/api/v1/Deployments']) {
      expect([other, match(other)]).toEqual([other, false]);
    }
  });

  it('does not compile a route without an access level, nor run one', () => {
    const { routes } = table();
    // @ts-expect-error the access level is required
    expect(() => routes.get('/a', handler)).toThrow(/has no handler/);
    // @ts-expect-error a POST route never has a read access level
    routes.post('/b', 'public', handler);
    // @ts-expect-error nor a GET route a write access level
    routes.get('/c', 'write', handler);
  });

  it.each([
    ['a route added to the router directly', (r: RouteTable) => r.router.get('/x', handler)],
    ['router-level middleware', (r: RouteTable) => r.router.use(handler)],
    [
      'a param handler, which would run before the guard',
      (r: RouteTable) => r.router.param('env', (_value, _ctx, next) => next()),
    ],
  ])('refuses to start with %s', (_, add) => {
    const { routes } = table();
    routes.get('/a', 'page', handler);
    routes.get('/env/:env', 'page', handler);
    add(routes);
    expect(() => routes.verify()).toThrow(/without an access level/);
  });
});

/**
 * The routes an app's router really has, read from the router createApp
 * mounted (the dispatch middleware carries it), and the same app over a
 * loosely matching router, to show that access does not depend on exact
 * matching.
 */
import Router from '@koa/router';
import Koa from 'koa';

export interface RouteEntry {
  method: string;
  /** The path template, e.g. `/api/v1/environments/:env`. */
  path: string;
}

function dispatchIndex(app: Koa): { index: number; router: Router } {
  for (const [index, mw] of app.middleware.entries()) {
    if ('router' in mw && mw.router instanceof Router) return { index, router: mw.router };
  }
  throw new Error('the app mounts no router');
}

/** Every method and path template the app's router has (HEAD, which GET implies, left out). */
export function routesOf(app: Koa): RouteEntry[] {
  return dispatchIndex(app).router.stack.flatMap((layer) =>
    layer.methods
      .filter((method) => method !== 'HEAD')
      .map((method) => ({ method, path: String(layer.path) })),
  );
}

/**
 * The app's middleware with its router replaced by a default @koa/router
 * (case-insensitive, trailing slash optional) holding the same routes, each
 * with the same middleware, guard first. Its callback, for supertest.
 */
export function looseCallback(app: Koa): ReturnType<Koa['callback']> {
  const { index, router } = dispatchIndex(app);
  const loose = new Router();
  for (const layer of router.stack) {
    loose.register(
      layer.path,
      layer.methods.filter((m) => m !== 'HEAD'),
      layer.stack,
    );
  }
  const copy = new Koa();
  copy.proxy = app.proxy;
  copy.maxIpsCount = app.maxIpsCount;
  copy.silent = true;
  for (const [i, mw] of app.middleware.entries()) {
    // The router's allowedMethods() follows its dispatch middleware.
    if (i === index) copy.use(loose.routes());
    else if (i === index + 1) copy.use(loose.allowedMethods());
    else copy.use(mw);
  }
  return copy.callback();
}

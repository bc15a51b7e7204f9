/**
 * `GET /cli/svt.mjs`: the bundled `svt` CLI of the client package this server
 * ships with, so that a runner with no package registry downloads the CLI
 * that matches its server (`node svt.mjs record ...`), as Jenkins serves its
 * own CLI jar.
 */
import type { Routes } from './table.js';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HttpProblem } from '../errors.js';

interface Bundle {
  path: string;
  mtimeMs: number;
  body: Buffer;
  etag: string;
}

function notBuilt(): HttpProblem {
  return new HttpProblem(404, {
    code: 'cli-not-built',
    title: 'CLI not built',
    detail: 'this server has no bundled CLI; build it with `npm run build` in the SVT repository',
  });
}

/** Where the client package's bundle lives, or null when the package cannot be found. */
function bundlePath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@svt/client/svt.mjs');
  } catch {
    return null;
  }
}

export function cliDownloadRoutes(routes: Routes, path: string | null = bundlePath()): void {
  let cached: Bundle | undefined;

  /** The bundle, read again only when the file changed (a rebuild while serving). */
  function load(): Bundle {
    if (path === null) throw notBuilt();
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      throw notBuilt();
    }
    if (cached?.mtimeMs !== mtimeMs) {
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      cached = { path, mtimeMs, body, etag };
    }
    return cached;
  }

  routes.get('/cli/svt.mjs', 'public', (ctx) => {
    const bundle = load();
    ctx.set('ETag', bundle.etag);
    // Revalidate every time: a runner must never run a CLI older than its server.
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.status = 200; // ctx.fresh compares validators only on a 2xx
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = bundle.body;
  });
}

/**
 * `GET /badge/{env}/{app}.svg`: a shields-style badge of what runs, for a
 * README: the environment on the left, the current version on the right;
 * green when the latest attempt succeeded, blue while a deployment is in
 * progress (`started`), orange when the latest attempt failed or was rolled
 * back (the tones of pages/status.ts), grey when nothing succeeded there. Always 200 (an image that says "none"
 * renders; a 404 shows a broken image), cacheable for a minute.
 */
import type { Routes } from './table.js';
import { createHash } from 'node:crypto';
import { readParams } from '../http/query.js';
import { escapeHtml } from '../pages/html.js';
import { statusTone, type Tone } from '../pages/status.js';
import { readState } from '../store/shared.js';
import { badgeParams } from '../validation/queries.js';
import type { RouteDeps } from './context.js';

/** Shields' colours for the pages' tones; grey when nothing succeeded. */
const BADGE_COLOURS: Record<Tone, string> = { ok: '#4c1', progress: '#007ec6', warn: '#fe7d37' };
const NONE = '#9f9f9f';

/** Verdana 11px is about 6.5 px a character on average; badges need not be exact. */
const textWidth = (text: string) => Math.ceil([...text].length * 6.5) + 10;

export function badgeSvg(label: string, value: string, color: string): string {
  const lw = textWidth(label);
  const vw = textWidth(value);
  const w = lw + vw;
  const l = escapeHtml(label);
  const v = escapeHtml(value);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${v}">
<title>${l}: ${v}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${l}</text><text x="${lw + vw / 2}" y="14">${v}</text></g>
</svg>
`;
}

export function badgeRoutes(routes: Routes, { store }: RouteDeps): void {
  routes.get('/badge/:env/:file', 'read', async (ctx) => {
    const { env, file } = readParams(ctx, badgeParams).path;
    const app = file.slice(0, -'.svg'.length);
    // One snapshot: the attempt, if any, is newer than what runs.
    const state = await readState(store, env);
    const now = state?.current.find((d) => d.app === app);
    const attempt = state?.attempts.find((d) => d.app === app);
    // The tone of the latest attempt (pages/status.ts), as the pages colour it.
    const color =
      now === undefined
        ? NONE
        : BADGE_COLOURS[attempt === undefined ? 'ok' : statusTone(attempt.status)];
    const body = badgeSvg(env, now?.version ?? 'none', color);
    ctx.set('ETag', `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`);
    ctx.set('Cache-Control', 'max-age=60');
    ctx.type = 'image/svg+xml';
    ctx.status = 200;
    if (ctx.fresh) ctx.status = 304;
    else ctx.body = body;
  });
}

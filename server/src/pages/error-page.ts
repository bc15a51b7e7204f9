/** An error answered as a page, for a person in a browser: what went wrong, and a way on. */
import type { Problem } from '@svt/client';
import { html, type Html } from './html.js';
import { layout } from './layout.js';

/**
 * The page of `problem` (the same problem the API would answer): its title,
 * its field errors or detail, an optional hint (e.g. how to record a first
 * deployment, on a 404 of an unknown environment), and for a 5xx the
 * request id the server log files it under. `signedIn`: as every page's
 * header (layout.ts PageHeader).
 */
export function errorPage(
  problem: Problem,
  hint: Html | null,
  requestId: string | null,
  signedIn = false,
): string {
  const details =
    problem.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? problem.detail ?? '';
  return layout({
    title: problem.title,
    nav: 'none',
    signedIn,
    body: html`<h1>${problem.title}</h1>
      <p class="lead">${details}</p>
      ${hint ?? ''}
      ${problem.status >= 500 && requestId !== null ? html`<p class="help">Request id: <code>${requestId}</code></p>` : ''}
      <p><a href="/">Back to the overview</a></p>`,
  });
}

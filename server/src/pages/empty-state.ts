/** What a new user sees instead of an empty table: how to record a first deployment. */
import { html, type Html } from './html.js';
import { shellWord } from './shell.js';

/**
 * The copy-paste commands that record a first deployment of `app` in
 * `env` on this server (`origin`). Every value is a quoted shell word
 * (shell.ts): the app name comes from the URL of a 404 and the origin from
 * the Host header, and neither may turn into commands of its own.
 */
export function recordHint(origin: string, env = 'prod', app = 'api'): Html {
  const body = shellWord(JSON.stringify({ env, app, version: '1.0.0' }));
  const api = shellWord(`${origin}/api/v1/deployments`);
  const cli = shellWord(`${origin}/cli/svt.mjs`);
  return html`<div class="hint">
    <p>Record a deployment with one call, from any CI or by hand:</p>
    <pre><code>curl --json ${body} ${api}</code></pre>
    <p>or with the CLI this server serves:</p>
    <pre><code>curl -fsSo svt.mjs ${cli}
SVT_URL=${shellWord(origin)} node svt.mjs record --env ${shellWord(env)} --app ${shellWord(app)} --version 1.0.0</code></pre>
    <p>GitHub Actions, GitLab CI and Jenkins recipes are in the README.</p>
  </div>`;
}

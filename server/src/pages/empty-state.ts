/** What a new user sees instead of an empty table: how to record a first deployment. */
import { html, type Html } from './html.js';

export function recordHint(origin: string, env = 'prod', app = 'api'): Html {
  const body = JSON.stringify({ env, app, version: '1.0.0' });
  return html`<div class="hint">
    <p>Record a deployment with one call, from any CI or by hand:</p>
    <pre><code>curl --json '${body}' ${origin}/api/v1/deployments</code></pre>
    <p>or with the CLI this server serves:</p>
    <pre><code>curl -fsSo svt.mjs ${origin}/cli/svt.mjs
SVT_URL=${origin} node svt.mjs record --env ${env} --app ${app} --version 1.0.0</code></pre>
    <p>GitHub Actions, GitLab CI and Jenkins recipes are in the README.</p>
  </div>`;
}

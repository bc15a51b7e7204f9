/** What a new user sees instead of an empty table: how to record a first deployment. */
import { html, type Html } from './html.js';
import { shellWord } from './shell.js';

/** Where the reader records from, for the copy-paste commands (routes/pages.ts writeHint). */
export interface WriteHint {
  /** This server as the reader reached it (scheme, host, port). */
  origin: string;
  /**
   * Whether a write from there needs a token: SVT_AUTH is on and a token
   * was ever created, or none was and the reader is not on the server's
   * own machine (tokenless writes are taken from loopback only; policy.ts).
   */
  tokenNeeded: boolean;
}

/**
 * The copy-paste commands that record a first deployment of `app` in
 * `env` on this server, with the token header (curl) and variable (the
 * CLI's SVT_TOKEN) when writes need one, and where that token comes from.
 * Every value is a quoted shell word (shell.ts) in HTML-escaped text: the
 * app name comes from the URL of a 404 and the origin from the Host
 * header, and neither may turn into commands or markup of its own.
 * `$SVT_TOKEN` stays in double quotes, for the shell to expand.
 */
export function recordHint({ origin, tokenNeeded }: WriteHint, env = 'prod', app = 'api'): Html {
  const body = shellWord(JSON.stringify({ env, app, version: '1.0.0' }));
  const api = shellWord(`${origin}/api/v1/deployments`);
  const cli = shellWord(`${origin}/cli/svt.mjs`);
  const header = tokenNeeded ? ' -H "Authorization: Bearer $SVT_TOKEN"' : '';
  const create = `npx svt-server token create --name ci --scope ${shellWord(`write:${env}`)}`;
  return html`<div class="hint">
    ${
      tokenNeeded
        ? html`<p>
            This server takes writes with a token that may write to ${env}: put it in
            <code>SVT_TOKEN</code> first (<code>export SVT_TOKEN=…</code>; an administrator prints
            one on the server with <code>${create}</code>).
          </p>`
        : ''
    }
    <p>Record a deployment with one call, from any CI or by hand:</p>
    <pre><code>curl --json ${body}${header} ${api}</code></pre>
    <p>or with the CLI this server serves${tokenNeeded ? ', which reads SVT_TOKEN' : ''}:</p>
    <pre><code>curl -fsSo svt.mjs ${cli}
SVT_URL=${shellWord(origin)} node svt.mjs record --env ${shellWord(env)} --app ${shellWord(app)} --version 1.0.0</code></pre>
    <p>GitHub Actions, GitLab CI and Jenkins recipes are in the README.</p>
  </div>`;
}

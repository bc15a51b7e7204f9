/** `/login`: a read token in, a session cookie out (only with SVT_READ_AUTH=token). */
import { html } from './html.js';
import { layout } from './layout.js';

export function loginPage(next: string, failed: boolean): string {
  return layout({
    title: 'Sign in',
    nav: 'none',
    body: html`<h1>Sign in</h1>
      <p class="lead">This SVT server shows its data to holders of a read token.</p>
      ${failed ? html`<p class="banner" role="alert">That token is not valid, or has no read scope.</p>` : ''}
      <form class="picker" method="post" action="/login">
        <input type="hidden" name="next" value="${next}" />
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="help">
        An administrator creates one with
        <code>npx svt-server token create --name &lt;you&gt; --scope read</code>.
      </p>`,
  });
}

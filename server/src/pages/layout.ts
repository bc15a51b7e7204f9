/** The page shell shared by every page: head, navigation, footer, assets. */
import { html, type Html } from './html.js';

export interface PageOptions {
  title: string;
  /** Which navigation entry is this page's. */
  nav: 'overview' | 'env' | 'app' | 'compare' | 'dora' | 'none';
  body: Html;
  /** Page-specific assets under /assets, loaded after app.css and app.js. */
  styles?: string[];
  scripts?: string[];
  /**
   * The page fills the window (`body.fill`, styled by the page's own
   * stylesheet: overview.css) and its table's box scrolls inside it, both
   * ways, so that a sticky header row and first column stay in view (the
   * overview). Default false: the page scrolls.
   */
  fill?: boolean;
  /**
   * The reader signed in on the login page (SVT_READ_AUTH=token; policy.ts
   * signedIn): the header offers to sign out. Default false.
   */
  signedIn?: boolean;
}

/** What a page's data tells the header it shares (layout): each page's data extends it. */
export interface PageHeader {
  /** The reader signed in on the login page (policy.ts signedIn): a sign-out button. Default false. */
  signedIn?: boolean;
}

/**
 * Sign out: a form that POSTs to /logout, which ends the session in the
 * store and sends the browser to /login. A plain same-origin form, as the
 * login form is: /logout refuses a POST whose Origin is another site's,
 * and the session cookie is SameSite=Strict (routes/login.ts).
 */
const SIGN_OUT = html`<form class="signout" method="post" action="/logout">
  <button type="submit">Sign out</button>
</form>`;

/** A `<time>` with ISO in the markup; app.js renders it in the reader's locale and zone. */
export function time(iso: string, style: 'age' | 'datetime' = 'datetime'): Html {
  const fallback = `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}" data-style="${style}" title="${iso}">${fallback}</time>`;
}

export function layout({
  title,
  nav,
  body,
  styles = [],
  scripts = [],
  fill = false,
  signedIn = false,
}: PageOptions): string {
  const link = (href: string, name: PageOptions['nav'], label: string) =>
    html`<a href="${href}" ${nav === name ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>${title} · SVT</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/app.js" defer></script>
        <noscript><link rel="stylesheet" href="/assets/noscript.css" /></noscript>
        ${styles.map((name) => html`<link rel="stylesheet" href="/assets/${name}" />`)}
        ${scripts.map((name) => html`<script src="/assets/${name}" defer></script>`)}
      </head>
      <body ${fill ? html` class="fill"` : ''}>
        <header class="top">
          <a class="brand" href="/">SVT</a>
          <nav aria-label="Main">
            ${link('/', 'overview', 'Overview')}${link('/compare', 'compare', 'Compare')}${link('/dora', 'dora', 'DORA')}
          </nav>
          ${signedIn ? SIGN_OUT : ''}
        </header>
        <main id="main">${body}</main>
        <footer><a href="/api/v1/environments">API</a> · <a href="/cli/svt.mjs">CLI</a></footer>
      </body>
    </html> `.text;
}

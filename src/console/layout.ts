import type { SignedInAccount } from '../auth/signed-in.ts';
import { html, type Html } from './html.ts';

/**
 * The frame of every console page: navigation, the signed-in account with its Sign out button,
 * the CSRF token (a hidden field of each form, and a header of every htmx request), and the
 * scripts — htmx and the console's own, both served by this server; the CSP allows nothing else.
 */
export const CONSOLE_PATH = '/console';
export const ASSETS_PATH = `${CONSOLE_PATH}/assets`;

export interface PageContext {
  account: SignedInAccount | undefined;
  csrfToken: string;
  /** The section of the console the page belongs to (highlighted in the navigation). */
  section?: 'launches' | 'requests' | 'sandbox' | undefined;
}

/** htmx without eval, inline styles or script tags in swapped content (the CSP forbids them anyway), and no history cache of pages in localStorage. */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  defaultSwapStyle: 'innerHTML',
});

export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

const NAV = [
  ['launches', `${CONSOLE_PATH}/`, 'Launches'],
  ['requests', `${CONSOLE_PATH}/requests`, 'Requests'],
  ['sandbox', `${CONSOLE_PATH}/sandbox`, 'Sandbox'],
] as const;

function header(ctx: PageContext): Html {
  if (!ctx.account) {
    return html`<header class="top"><p class="brand">TaskManager.aspx console</p></header>`;
  }
  return html`<header class="top">
  <p class="brand"><a href="${CONSOLE_PATH}/">TaskManager.aspx console</a></p>
  <nav aria-label="Console">
    <ul>${NAV.map(([section, href, label]) => html`<li><a href="${href}"${ctx.section === section ? html` aria-current="page"` : ''}>${label}</a></li>`)}
      <li><a href="/WebAPI/forms">Original forms</a></li>
    </ul>
  </nav>
  <form class="sign-out" method="post" action="${CONSOLE_PATH}/sign-out">
    ${csrfField(ctx.csrfToken)}
    <span>Signed in as <strong>${ctx.account.login}</strong></span>
    <button type="submit">Sign out</button>
  </form>
</header>`;
}

export function page(ctx: PageContext, title: string, body: Html): Html {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title} — TaskManager.aspx console</title>
<link rel="stylesheet" href="${ASSETS_PATH}/console.css">
<script src="${ASSETS_PATH}/htmx.min.js" defer></script>
<script src="${ASSETS_PATH}/console.js" defer></script>
</head>
<body hx-headers="${JSON.stringify({ 'x-csrf-token': ctx.csrfToken })}">
<a class="skip" href="#main">Skip to content</a>
${header(ctx)}
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** A message for the reader of the page: an error (role alert) or a note. */
export function notice(kind: 'error' | 'info', text: Html | string): Html {
  return kind === 'error' ? html`<div class="notice error" role="alert">${text}</div>` : html`<div class="notice info" role="status">${text}</div>`;
}

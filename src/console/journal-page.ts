import type { JournalEntry } from '../store/journal.ts';
import { journalOutcome, journalTime } from '../tasks/journal-format.ts';
import { html, type Html } from './html.ts';
import { CONSOLE_PATH, notice, page, type PageContext } from './layout.ts';

/**
 * The request journal for developers of legacy clients: the recent requests to TaskManager.aspx
 * whose login is an account of the manager's tree, newest first, with every parameter and its
 * source, the XML source, the ErrorCode and the answer — passwords and secrets hidden at the
 * source (journal/redact.ts). New requests are added at the top while the page is open.
 */
export const JOURNAL_POLL_SECONDS = 2;
export const JOURNAL_PAGE_ROWS = 50;

export interface JournalQuery {
  login: string | undefined;
  code: number | undefined;
}

function search(query: JournalQuery, after?: string): string {
  const params = new URLSearchParams();
  if (query.login) params.set('login', query.login);
  if (query.code !== undefined) params.set('code', String(query.code));
  if (after !== undefined) params.set('after', after);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function entryHtml(entry: JournalEntry, timeZone: string): Html {
  const failed = entry.error_code !== 0;
  return html`<li class="entry${failed ? ' failed' : ''}${entry.injected ? ' injected' : ''}">
  <details>
    <summary>
      <time datetime="${entry.at.toISOString()}">${journalTime(entry.at, timeZone)}</time>
      <span class="ip">${entry.client_ip}</span>
      <span class="method">${entry.method}</span>
      <span class="login">${entry.login ?? '(no login)'}</span>
      <span class="code">${journalOutcome(entry)}</span>
      ${entry.injected ? html`<span class="badge">sandbox</span>` : ''}
      <span class="ms">${entry.duration_ms.toFixed(1)} ms</span>
    </summary>
    <dl class="meta">
      <div><dt>Content type</dt><dd>${entry.content_type ?? '(none)'}</dd></div>
      <div><dt>HTTP status</dt><dd>${entry.http_status}</dd></div>
      <div><dt>XML source</dt><dd>${entry.xml_source ?? 'none'}</dd></div>
    </dl>
    <table class="params">
      <caption>Parameters, in the order the page reads its sources (query, form, XML); the value used is marked</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col">Used</th></tr></thead>
      <tbody>${
        entry.params.length === 0
          ? html`<tr><td colspan="4">none (the request was answered before its parameters were read)</td></tr>`
          : entry.params.map(
              (param) =>
                html`<tr class="${param.used ? 'used' : 'shadowed'}"><td>${param.name}</td><td><code>${param.value}</code></td><td>${param.source}</td><td>${param.used ? 'used' : 'shadowed'}</td></tr>`,
            )
      }</tbody>
    </table>
    <h3>Answer</h3>
    <pre tabindex="0"><code>${entry.answer || '(no body)'}</code></pre>
  </details>
</li>`;
}

function poller(query: JournalQuery, after: string | undefined, oob: boolean): Html {
  return html`<div id="journal-poller" hx-get="${CONSOLE_PATH}/requests/rows${search(query, after ?? '0')}" hx-trigger="every ${JOURNAL_POLL_SECONDS}s" hx-target="#journal" hx-swap="afterbegin"${
    oob ? html` hx-swap-oob="true"` : ''
  }></div>`;
}

export function journalPage(ctx: PageContext, view: { entries: JournalEntry[]; query: JournalQuery; logins: string[]; enabled: boolean; timeZone: string }): Html {
  const { query } = view;
  return page(
    { ...ctx, section: 'requests' },
    'Requests',
    html`<h1>Requests to TaskManager.aspx</h1>
<p>The recent requests of every client whose login is an account of your tree: what it sent, from which source each parameter
came and which one the page used, and what it was answered. Passwords and signatures are never kept.</p>
${view.enabled ? '' : notice('info', 'The request journal is off on this server (OMIS_JOURNAL=false): no new requests are kept.')}
<form class="filters" method="get" action="${CONSOLE_PATH}/requests" role="search" aria-label="Filter requests">
  <p><label for="journal-login">Login</label> <input id="journal-login" name="login" list="journal-logins" value="${query.login ?? ''}">
    <datalist id="journal-logins">${view.logins.map((login) => html`<option value="${login}"></option>`)}</datalist></p>
  <p><label for="journal-code">ErrorCode</label> <input id="journal-code" name="code" inputmode="numeric" pattern="[0-9]*" value="${query.code ?? ''}"></p>
  <p><button type="submit">Filter</button> <a href="${CONSOLE_PATH}/requests">Clear</a></p>
</form>
${poller(query, view.entries[0]?.journal_id, false)}
<ol id="journal" class="journal" aria-live="off" aria-label="Requests, newest first">${view.entries.map((entry) => entryHtml(entry, view.timeZone))}</ol>
${view.entries.length === 0 ? html`<p id="journal-empty">No requests yet. They appear here as clients send them.</p>` : ''}`,
  );
}

/** New entries for the top of the list, and the poller that asks for those after them. */
export function journalRows(entries: JournalEntry[], query: JournalQuery, timeZone: string): Html {
  return html`${entries.map((entry) => entryHtml(entry, timeZone))}${poller(query, entries[0]?.journal_id, true)}<p id="journal-empty" hx-swap-oob="true"></p>`;
}

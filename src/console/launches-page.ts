import { createHash } from 'node:crypto';
import { formatExpireTime } from '../tasks/expire-time.ts';
import { launchStatusText } from '../tasks/status-text.ts';
import type { LaunchFilter, LaunchListRow, TreeAccount } from '../store/console-launches.ts';
import { html, type Html } from './html.ts';
import { CONSOLE_PATH, page, type PageContext } from './layout.ts';
import { LAUNCH_FILTERS } from './status-labels.ts';
import { statusBadge } from './status-view.ts';

/**
 * The manager's launches: those of its tree and no others (store/console-launches.ts), newest
 * first, filtered by status, owner and text, a page at a time. The table refreshes itself while
 * the page is open; a refresh that finds nothing changed (204) leaves the page as it is.
 */
export const PAGE_SIZE = 25;
export const LIST_POLL_SECONDS = 5;

export interface ListQuery {
  status: LaunchFilter | undefined;
  owner: number | undefined;
  text: string | undefined;
  page: number;
}

export interface ListView {
  rows: LaunchListRow[];
  total: number;
  accounts: TreeAccount[];
  query: ListQuery;
  timeZone: string;
}

export function listSearch(query: ListQuery, page = query.page): string {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.owner !== undefined) params.set('owner', String(query.owner));
  if (query.text) params.set('q', query.text);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function rowsHtml(view: ListView): Html {
  if (view.rows.length === 0) return html`<tr><td colspan="7">No launches match.</td></tr>`;
  return html`${view.rows.map(
    (row) => html`<tr>
      <td><a href="${CONSOLE_PATH}/launches/${row.launch_id}">${row.launch_id}</a></td>
      <td>${row.name}</td>
      <td class="nowrap">${row.owner_login}</td>
      <td>${statusBadge(launchStatusText(row.status, row.error_code, row.launch_count), row.error_code)} <small>STATUS ${row.status}</small></td>
      <td class="num">${row.error_code}</td>
      <td class="num">${row.launch_count}</td>
      <td class="nowrap">${formatExpireTime(row.expire_time, view.timeZone)}</td>
    </tr>`,
  )}`;
}

/** The rows and a fingerprint of them: the refresh sends rows only when the fingerprint changed. */
export function listRows(view: ListView): { body: Html; version: string } {
  const body = rowsHtml(view);
  return { body, version: createHash('sha1').update(body.text).digest('base64url').slice(0, 12) };
}

function filters(view: ListView): Html {
  const { query } = view;
  return html`<form class="filters" method="get" action="${CONSOLE_PATH}/" role="search" aria-label="Filter launches">
  <p><label for="filter-status">Status</label>
    <select id="filter-status" name="status"><option value="">any</option>${LAUNCH_FILTERS.map(
      ([value, label]) => html`<option value="${value}"${query.status === value ? html` selected` : ''}>${label}</option>`,
    )}</select></p>
  <p><label for="filter-owner">Owner</label>
    <select id="filter-owner" name="owner"><option value="">any in my tree</option>${view.accounts.map(
      (account) => html`<option value="${account.user_id}"${query.owner === account.user_id ? html` selected` : ''}>${'· '.repeat(account.depth)}${account.login}</option>`,
    )}</select></p>
  <p><label for="filter-text">Name or LaunchID</label> <input id="filter-text" name="q" type="search" value="${query.text ?? ''}"></p>
  <p><button type="submit">Filter</button> <a href="${CONSOLE_PATH}/">Clear</a></p>
</form>`;
}

function pager(view: ListView): Html {
  const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
  const { page: current } = view.query;
  return html`<nav class="pager" aria-label="Pages">
  <p>${view.total} launch${view.total === 1 ? '' : 'es'} · page ${current} of ${pages}
  ${current > 1 ? html` · <a href="${CONSOLE_PATH}/${listSearch(view.query, current - 1)}" rel="prev">Previous page</a>` : ''}
  ${current < pages ? html` · <a href="${CONSOLE_PATH}/${listSearch(view.query, current + 1)}" rel="next">Next page</a>` : ''}</p>
</nav>`;
}

export function launchesPage(ctx: PageContext, view: ListView): Html {
  return page(
    { ...ctx, section: 'launches' },
    'Launches',
    html`<h1>Launches <span lang="zh-Hant">任務</span></h1>
${filters(view)}
<table class="launches">
  <caption class="visually-hidden">Launches of your account and the accounts below it</caption>
  <thead><tr><th scope="col">LaunchID</th><th scope="col">Name</th><th scope="col">Owner</th><th scope="col">Status</th><th scope="col">ERRORCODE</th><th scope="col">LAUNCHCOUNT</th><th scope="col">ExpireTime</th></tr></thead>
  ${launchRowsFragment(view).html}
</table>
${pager(view)}`,
  );
}

/** The refreshed rows, with the next refresh's fingerprint. */
export function launchRowsFragment(view: ListView): { html: Html; version: string } {
  const { body, version } = listRows(view);
  const search = listSearch(view.query);
  return { version, html: html`<tbody id="launch-rows" hx-get="${CONSOLE_PATH}/launch-rows${search}${search ? '&' : '?'}v=${version}" hx-trigger="every ${LIST_POLL_SECONDS}s" hx-swap="outerHTML">${body}</tbody>` };
}

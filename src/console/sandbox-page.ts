import { DateTime } from 'luxon';
import { ERROR_MESSAGES } from '../errors/error-codes.ts';
import type { TreeAccount } from '../store/console-launches.ts';
import type { SandboxRow } from '../store/sandbox.ts';
import { describeRule, INJECTABLE_CODES, MAX_LATENCY_MS, MAX_REQUESTS, MAX_SECONDS } from '../tasks/sandbox-rule.ts';
import { html, type Html } from './html.ts';
import { CONSOLE_PATH, csrfField, notice, page, type PageContext } from './layout.ts';

/**
 * Sandbox rules for the accounts of the manager's tree: add latency to an account's requests, or
 * answer them with a chosen ErrorCode, for its next N requests or for T seconds, so that a client's
 * error handling can be tried against this real endpoint. Only that account's requests to
 * TaskManager.aspx are shaped, after its password is checked; the console itself never is.
 */
export interface SandboxView {
  accounts: TreeAccount[];
  rules: SandboxRow[];
  timeZone: string;
  /** What the form was given, when it was refused. */
  values?: Record<string, string> | undefined;
  error?: string | undefined;
  done?: string | undefined;
}

function ends(row: SandboxRow, timeZone: string): string {
  const parts: string[] = [];
  if (row.remaining !== null) parts.push(`${row.remaining} request${row.remaining === 1 ? '' : 's'} left`);
  if (row.until !== null) parts.push(`until ${DateTime.fromJSDate(row.until, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss')}`);
  return parts.join(', ');
}

function rulesTable(ctx: PageContext, view: SandboxView): Html {
  if (view.rules.length === 0) return html`<p>No sandbox rules in your tree: every request is answered normally.</p>`;
  return html`<table class="rules">
  <caption>Rules of your tree</caption>
  <thead><tr><th scope="col">Account</th><th scope="col">Rule</th><th scope="col">Ends</th><th scope="col">State</th><th scope="col">Set by</th><th scope="col"><span class="visually-hidden">Clear</span></th></tr></thead>
  <tbody>${view.rules.map(
    (row) => html`<tr class="${row.active ? 'active' : 'ended'}">
      <td>${row.login}</td>
      <td>${describeRule({ latencyMs: row.latency_ms, errorCode: row.error_code })}</td>
      <td>${ends(row, view.timeZone)}</td>
      <td>${row.active ? 'active' : 'ended'}</td>
      <td>${row.set_by}</td>
      <td><form method="post" action="${CONSOLE_PATH}/sandbox/clear">${csrfField(ctx.csrfToken)}<input type="hidden" name="account" value="${row.account_id}"><button type="submit" aria-label="Clear the rule of ${row.login}">Clear</button></form></td>
    </tr>`,
  )}</tbody>
</table>`;
}

export function sandboxPage(ctx: PageContext, view: SandboxView): Html {
  const values = view.values ?? {};
  const selected = values.account ?? String(ctx.account?.userId ?? '');
  return page(
    { ...ctx, section: 'sandbox' },
    'Sandbox',
    html`<h1>Sandbox</h1>
<p>Make the real endpoint misbehave for one account, to see what a client does about it: add latency to its requests, or answer
them with an ErrorCode of your choice (9999 comes with HTTP 503, as the page sends it), for the account's next requests or for a
while. Only that account's requests to TaskManager.aspx are shaped, after its password is checked, on every instance of the
server; the journal marks each answer a rule shaped.</p>
${view.error ? notice('error', view.error) : ''}${view.done ? notice('info', view.done) : ''}
<form class="sandbox" method="post" action="${CONSOLE_PATH}/sandbox">
  ${csrfField(ctx.csrfToken)}
  <p><label for="sandbox-account">Account</label>
    <select id="sandbox-account" name="account">${view.accounts.map(
      (account) => html`<option value="${account.user_id}"${selected === String(account.user_id) ? html` selected` : ''}>${'· '.repeat(account.depth)}${account.login}</option>`,
    )}</select></p>
  <p><label for="sandbox-latency">Latency (ms)</label>
    <input id="sandbox-latency" name="latencyMs" type="number" min="0" max="${MAX_LATENCY_MS}" step="1" value="${values.latencyMs ?? ''}"></p>
  <p><label for="sandbox-code">ErrorCode</label>
    <select id="sandbox-code" name="errorCode"><option value="">none (answer normally, after the latency)</option>${INJECTABLE_CODES.map(
      (code) => html`<option value="${code}"${values.errorCode === String(code) ? html` selected` : ''}>${code} ${ERROR_MESSAGES[code]}</option>`,
    )}</select></p>
  <p><label for="sandbox-requests">For the next N requests</label>
    <input id="sandbox-requests" name="requests" type="number" min="0" max="${MAX_REQUESTS}" step="1" value="${values.requests ?? ''}"></p>
  <p><label for="sandbox-seconds">For T seconds</label>
    <input id="sandbox-seconds" name="seconds" type="number" min="0" max="${MAX_SECONDS}" step="1" value="${values.seconds ?? ''}">
    <small>Give either, or both: the rule ends with whichever comes first.</small></p>
  <p><button type="submit">Set sandbox rule</button></p>
</form>
${rulesTable(ctx, view)}`,
  );
}

import { Field } from '../request/fields.ts';
import type { Answer } from '../render/answer.ts';
import { html, type Html } from './html.ts';
import { CONSOLE_PATH, csrfField, notice, page, type PageContext } from './layout.ts';
import { launchPath } from './launch-page.ts';

/** The sign-in page: the document's field names, one refusal message (the page's own). */
export function signInPage(ctx: PageContext, options: { login?: string; error?: string; next?: string }): Html {
  return page(
    ctx,
    'Sign in',
    html`<h1>Sign in</h1>
<p>Sign in with an API manager account, as the page's <code>${Field.login}</code> and <code>${Field.password}</code>.</p>
${options.error ? notice('error', options.error) : ''}
<form class="sign-in" method="post" action="${CONSOLE_PATH}/sign-in">
  ${csrfField(ctx.csrfToken)}
  ${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
  <p><label for="sign-in-login">${Field.login}</label>
    <input id="sign-in-login" name="${Field.login}" type="text" autocomplete="username" required value="${options.login ?? ''}"${options.error ? '' : html` autofocus`}></p>
  <p><label for="sign-in-password">${Field.password}</label>
    <input id="sign-in-password" name="${Field.password}" type="password" autocomplete="current-password" required${options.error ? html` autofocus` : ''}></p>
  <p><button type="submit">Sign in</button></p>
</form>
<p>Without signing in: <a href="/WebAPI/forms">the original document's forms</a>, which post straight to <code>TaskManager.aspx</code>.</p>`,
  );
}

/** Asks before a delete or terminate when the browser runs no script (with script, htmx asks). */
export function confirmPage(ctx: PageContext, launchId: number, what: string, question: string, fields: Array<[string, string]>, caption: string): Html {
  return page(
    { ...ctx, section: 'launches' },
    `${caption} ${what}?`,
    html`<h1>${caption} ${what}?</h1>
<p>${question}</p>
<form method="post" action="${launchPath(launchId)}/actions">
  ${csrfField(ctx.csrfToken)}
  ${fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit" class="danger">${caption}</button> <a href="${launchPath(launchId)}">Cancel</a>
</form>`,
  );
}

/** The recipients a lookup found, by job (the page's answer says the same in XML). */
export function lookupResult(response: Answer): Html {
  if (response.errorCode !== 0 || !response.launch) return notice('info', `ErrorCode ${response.errorCode}: ${response.errorMsg}`);
  const rows = response.launch.jobs.flatMap((job) =>
    job.recipients.map(
      (recipient) => html`<tr><td>${job.jobId}</td><td>${job.jobType}</td><td>${recipient.emailAddress}</td><td>${recipient.smsNumber}</td><td>${recipient.externRefNum}</td><td>${recipient.deliveryStatus}</td></tr>`,
    ),
  );
  return html`<table class="recipients">
  <caption>${rows.length} recipient${rows.length === 1 ? '' : 's'} found</caption>
  <thead><tr><th scope="col">JobID</th><th scope="col">JobType</th><th scope="col">EmailAddress</th><th scope="col">SMSNumber</th><th scope="col">ExternRefNum</th><th scope="col">DeliveryStatus</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`;
}

/** A page that says what went wrong (a missing launch, an expired form, the database away). */
export function messagePage(ctx: PageContext, title: string, message: Html | string): Html {
  return page(ctx, title, html`<h1>${title}</h1>${notice('error', message)}<p><a href="${CONSOLE_PATH}/">Back to the launches</a></p>`);
}

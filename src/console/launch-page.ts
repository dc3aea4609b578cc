import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { JobView, LaunchView, Answer } from '../render/answer.ts';
import type { JobExtras } from '../store/console-launches.ts';
import { RECIPIENTS_COUNTED } from '../store/console-launches.ts';
import { Field } from '../request/fields.ts';
import { html, type Html } from './html.ts';
import { CONSOLE_PATH, csrfField, notice, page, type PageContext } from './layout.ts';
import { jobProgress, statusBadge } from './status-view.ts';
import { deliveryChart } from './delivery-chart.ts';
import { confirmQuestion, pickerValue } from './action-spec.ts';

/**
 * One launch: its state and its jobs (each with its progress 1 → 8 → 0, cost, recipients by
 * delivery status and report link), the actions, a recipient lookup, and the answer a legacy client
 * gets. The state is the page's own answer to a LaunchID query; it refreshes itself every few
 * seconds while the page is open (polling: it works across instances and behind any pooler).
 */
export const LIVE_POLL_SECONDS = 3;

export interface LaunchPageView {
  response: Answer & { launch: LaunchView };
  ownerLogin: string | undefined;
  jobs: Map<number, JobExtras>;
  timeZone: string;
}

export const launchPath = (launchId: number | string) => `${CONSOLE_PATH}/launches/${launchId}`;

/** A launch or job action as a button; delete and terminate ask first (htmx's confirm, or a page of their own without script). */
export function actionButton(ctx: PageContext, launchId: number, spec: { fields: Array<[string, string]>; label: string; name: string; confirm?: string }): Html {
  const action = `${launchPath(launchId)}/actions`;
  const hidden = html`${csrfField(ctx.csrfToken)}${spec.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}`;
  const ask = spec.confirm
    ? html` method="get" action="${launchPath(launchId)}/confirm" hx-confirm="${spec.confirm}"`
    : html` method="post" action="${action}"`;
  return html`<form class="action"${ask} hx-post="${action}" hx-target="#answer" hx-swap="innerHTML">${hidden}<button type="submit"${
    spec.name === spec.label ? '' : html` aria-label="${spec.name}"`
  }${spec.confirm ? html` class="danger"` : ''}>${spec.label}</button></form>`;
}

const LAUNCH_ACTIONS = [
  ['3', 'Pause'],
  ['4', 'Unpause'],
  ['2', 'Terminate'],
  ['1', 'Delete'],
] as const;

const JOB_ACTIONS = [
  ['3', 'Pause'],
  ['4', 'Unpause'],
  ['5', 'Restart'],
  ['2', 'Terminate'],
  ['1', 'Delete'],
] as const;

function jobRow(ctx: PageContext, launchId: number, job: JobView, extras: JobExtras | undefined): Html {
  const fileName = `job-${job.jobId}-recipients.csv`;
  return html`<tr id="job-${job.jobId}">
    <th scope="row">${job.jobId}</th>
    <td>${job.jobType}</td>
    <td>${jobProgress(job.status, job.errorCode)}</td>
    <td>${statusBadge(job.statusText, job.errorCode)} <small>STATUS ${job.status}</small></td>
    <td class="num">${job.errorCode}</td>
    <td class="num">${extras ? html`${extras.points_charged} <small>of ${extras.cost}</small>` : ''}</td>
    <td>${extras ? deliveryChart(extras.deliveries, RECIPIENTS_COUNTED) : ''}</td>
    <td class="report"><a href="${job.reportPath}" download="${fileName}">${fileName}</a></td>
    <td class="actions">${JOB_ACTIONS.map(([action, label]) =>
      actionButton(ctx, launchId, {
        fields: [[Field.jobId, String(job.jobId)], [Field.jobAction, action]],
        label,
        name: `${label} job ${job.jobId}`,
        confirm: confirmQuestion(action, `job ${job.jobId}`),
      }),
    )}</td>
  </tr>`;
}

function liveBody(ctx: PageContext, view: LaunchPageView): Html {
  const { launch } = view.response;
  return html`<dl class="summary">
    <div><dt>Status</dt><dd>${statusBadge(launch.statusText, launch.errorCode)} <small>STATUS ${launch.status}</small></dd></div>
    <div><dt>ERRORCODE</dt><dd>${launch.errorCode}</dd></div>
    <div><dt>LAUNCHCOUNT</dt><dd>${launch.launchCount}</dd></div>
    <div><dt>ExpireTime</dt><dd>${launch.expireTime || 'none'} <small>${view.timeZone}</small></dd></div>
    <div><dt>Owner</dt><dd>${view.ownerLogin ?? ''} <small>UserID ${launch.userId}, CustomerID ${view.response.customerId}</small></dd></div>
  </dl>
  <h2 id="jobs-title">Jobs <span lang="zh-Hant">寄送</span></h2>
  <div class="table-scroll"><table class="jobs" aria-labelledby="jobs-title">
    <thead><tr><th scope="col">JobID</th><th scope="col">JobType</th><th scope="col">Progress</th><th scope="col">Status</th><th scope="col">ERRORCODE</th><th scope="col">Points charged</th><th scope="col">Recipients</th><th scope="col">Report</th><th scope="col">Actions</th></tr></thead>
    <tbody>${launch.jobs.length === 0 ? html`<tr><td colspan="9">This launch has no jobs.</td></tr>` : launch.jobs.map((job) => jobRow(ctx, launch.launchId, job, view.jobs.get(job.jobId)))}</tbody>
  </table></div>`;
}

/** The part of the page that refreshes itself, with the fingerprint the next refresh compares. */
export function liveRegion(ctx: PageContext, view: LaunchPageView, options: { oob?: boolean } = {}): { html: Html; version: string } {
  const body = liveBody(ctx, view);
  // The token changes with every page, the state does not: the fingerprint leaves it out.
  const version = createHash('sha1').update(body.text.replaceAll(ctx.csrfToken, '')).digest('base64url').slice(0, 12);
  return { version, html: html`<section id="launch-live" aria-label="State of launch ${view.response.launch.launchId}" hx-get="${launchPath(view.response.launch.launchId)}/live?v=${version}" hx-trigger="every ${LIVE_POLL_SECONDS}s" hx-swap="outerHTML"${
    options.oob ? html` hx-swap-oob="true"` : ''
  }>${body}</section>` };
}

/** What replaces the live region once the launch is gone (deleted, or no longer visible). */
export function goneRegion(launchId: number | string, message: string, options: { oob?: boolean } = {}): Html {
  return html`<section id="launch-live"${options.oob ? html` hx-swap-oob="true"` : ''}>${notice('info', html`${message} <a href="${CONSOLE_PATH}/">Back to the launches</a>`)}</section>`;
}

function actions(ctx: PageContext, view: LaunchPageView): Html {
  const { launch } = view.response;
  const now = DateTime.now().setZone(view.timeZone).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  return html`<section class="launch-actions" aria-labelledby="actions-title">
  <h2 id="actions-title">Actions</h2>
  <div class="buttons">${LAUNCH_ACTIONS.map(([action, label]) =>
    actionButton(ctx, launch.launchId, {
      fields: [[Field.launchId, String(launch.launchId)], [Field.launchAction, action]],
      label,
      name: label,
      confirm: confirmQuestion(action, `launch ${launch.launchId}`),
    }),
  )}</div>
  <form class="expiry" method="post" action="${launchPath(launch.launchId)}/actions" hx-post="${launchPath(launch.launchId)}/actions" hx-target="#answer">
    ${csrfField(ctx.csrfToken)}
    <input type="hidden" name="${Field.launchId}" value="${launch.launchId}">
    <input type="hidden" name="${Field.launchAction}" value="5">
    <label for="expire-time">New ExpireTime <small>(${view.timeZone})</small></label>
    <input id="expire-time" name="${Field.expireTime}" type="datetime-local" step="1" min="${now}" value="${pickerValue(launch.expireTime)}" required>
    <button type="submit">Change expiry</button>
  </form>
  <p id="action-status" role="status" class="action-status"></p>
</section>`;
}

function lookupForm(launchId: number, values: Record<string, string>, result: Html | undefined): Html {
  const input = (name: string, label: string, type = 'text') =>
    html`<p><label for="lookup-${name}">${label}</label> <input id="lookup-${name}" name="${name}" type="${type}" value="${values[name] ?? ''}"></p>`;
  return html`<section aria-labelledby="lookup-title">
  <h2 id="lookup-title">Find recipients</h2>
  <form class="lookup" method="get" action="${launchPath(launchId)}/recipients" hx-get="${launchPath(launchId)}/recipients" hx-target="#lookup-result">
    ${input(Field.email, 'EmailAddress', 'email')}
    ${input(Field.sms, 'SMSNumber', 'tel')}
    ${input(Field.externRefNum, 'ExternRefNum')}
    <p><label for="lookup-JobType">JobType</label> <select id="lookup-JobType" name="${Field.jobType}">
      ${[['', 'any (needed with ExternRefNum)'], ['EMAIL', 'EMAIL'], ['SMS', 'SMS']].map(
        ([value, label]) => html`<option value="${value}"${values[Field.jobType] === value ? html` selected` : ''}>${label}</option>`,
      )}</select></p>
    <p><button type="submit">Find</button></p>
  </form>
  <div id="lookup-result">${result}</div>
</section>`;
}

export function launchPage(ctx: PageContext, view: LaunchPageView, parts: { answer: Html; lookup?: Html; lookupValues?: Record<string, string> }): Html {
  const { launch } = view.response;

  return page(
    { ...ctx, section: 'launches' },
    `Launch ${launch.launchId}`,
    html`<nav class="crumbs" aria-label="Breadcrumb"><a href="${CONSOLE_PATH}/">Launches</a> › ${launch.launchId}</nav>
<h1>Launch ${launch.launchId} <span class="name">${launch.launchName}</span></h1>
${liveRegion(ctx, view).html}
${actions(ctx, view)}
<div id="answer">${parts.answer}</div>
<p><a href="${launchPath(launch.launchId)}/csv" download="launch-${launch.launchId}.csv">Download the launch as CSV (launch-${launch.launchId}.csv)</a></p>
${lookupForm(launch.launchId, parts.lookupValues ?? {}, parts.lookup)}`,
  );
}

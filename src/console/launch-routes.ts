import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignedInAccount } from '../auth/signed-in.ts';
import { ErrorCodes } from '../errors/error-codes.ts';
import { Field, parseRecordId } from '../request/fields.ts';
import type { LaunchView, Answer } from '../render/answer.ts';
import { renderCsv } from '../render/csv-response.ts';
import { attachmentName } from '../render/send-answer.ts';
import { launchExtras, listLaunches, treeAccounts } from '../store/console-launches.ts';
import { askPage } from './console-requests.ts';
import { fieldsOf, isHtmx, pageContext, pageUrlOf, sendHtml, toSignIn } from './console-web.ts';
import { html, type Html } from './html.ts';
import { answerPanel, panelData } from './answer-panel.ts';
import { goneRegion, launchPage, launchPath, liveRegion, type LaunchPageView } from './launch-page.ts';
import { launchesPage, launchRowsFragment, PAGE_SIZE, type ListQuery } from './launches-page.ts';
import { confirmPage, lookupResult, messagePage } from './misc-pages.ts';
import { isLaunchFilter } from './status-labels.ts';
import type { PageContext } from './layout.ts';
import { actionSpec } from './action-spec.ts';

/**
 * The manager's pages: the list of launches, one launch with its jobs, the actions, the recipient
 * lookup and the CSV download. Everything about a launch is asked of the page's own request path
 * (console-requests.ts), so the console shows what a legacy client would be answered.
 */
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const account = (request: FastifyRequest) => request.session.account as SignedInAccount;

function listQuery(request: FastifyRequest): ListQuery {
  const fields = fieldsOf(request);
  const status = fields.text('status');
  const owner = fields.text('owner');
  const pageNumber = Number(fields.text('page') ?? '1');
  return {
    status: isLaunchFilter(status) ? status : undefined,
    owner: owner === undefined ? undefined : parseRecordId(owner),
    text: fields.text('q')?.slice(0, 200),
    page: Number.isInteger(pageNumber) && pageNumber >= 1 && pageNumber <= 100_000 ? pageNumber : 1,
  };
}

export default async function launchRoutes(app: FastifyInstance) {
  const { config, db } = app.services;
  const timeZone = config.OMIS_TIMEZONE;

  async function listView(request: FastifyRequest) {
    const query = listQuery(request);
    const viewer = account(request).userId;
    const pageOf = (n: number) => listLaunches(db, viewer, { status: query.status, ownerId: query.owner, text: query.text, offset: (n - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    const [first, accounts] = await Promise.all([pageOf(query.page), treeAccounts(db, viewer)]);
    let list = first;
    if (list.rows.length === 0 && query.page > 1) {
      // Past the last page (the list shrank, or a typed URL): show the last page there is.
      const { total } = await pageOf(1);
      query.page = Math.max(1, Math.ceil(total / PAGE_SIZE));
      list = await pageOf(query.page);
    }
    return { ...list, accounts, query, timeZone };
  }

  app.get('/', async (request, reply) => sendHtml(reply, launchesPage(pageContext(request, reply), await listView(request))));

  app.get('/launch-rows', async (request, reply) => {
    const fragment = launchRowsFragment(await listView(request));
    // Nothing changed since the rows the page shows: leave them (and the reader's place) alone.
    if (fragment.version === fieldsOf(request).text('v')) return reply.code(204).send();
    return sendHtml(reply, fragment.html);
  });

  /** The launch as the page answers a LaunchID query, with what the console shows beside it; or why not. */
  async function launchView(request: FastifyRequest, launchId: number): Promise<{ view?: LaunchPageView; response: Answer }> {
    const response = await askPage(request, account(request), [[Field.launchId, String(launchId)]]);
    if (response.errorCode !== 0 || !response.launch) return { response };
    const extras = await launchExtras(db, launchId, response.launch.jobs.map((job) => job.jobId));
    return { response, view: { response: response as Answer & { launch: LaunchView }, ownerLogin: extras.ownerLogin, jobs: extras.jobs, timeZone } };
  }

  /** A refusal of the launch's query as a page: signed out (100), missing (111), unlicensed (1000), unavailable (9999). */
  function refusal(request: FastifyRequest, reply: FastifyReply, ctx: PageContext, response: Answer) {
    if (response.errorCode === ErrorCodes.BAD_LOGIN) return toSignIn(request, reply);
    const status = response.errorCode === ErrorCodes.NO_LAUNCH ? 404 : response.errorCode === ErrorCodes.UNAVAILABLE ? 503 : 403;
    return sendHtml(reply, messagePage(ctx, `ErrorCode ${response.errorCode}`, response.errorMsg), status);
  }

  const who = (request: FastifyRequest) => ({ login: account(request).login, pageUrl: pageUrlOf(request) });

  async function queryPanel(request: FastifyRequest, launchId: number, response: Answer): Promise<Html> {
    const data = await panelData(`Query launch ${launchId}`, '查詢任務', [[Field.launchId, String(launchId)]], response);
    return html`<details class="query-panel"><summary>This launch as a legacy client asks for it, and the answer it gets</summary>${answerPanel(data, who(request))}</details>`;
  }

  const idOf = (request: IdRequest) => parseRecordId(request.params.id);
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendHtml(reply, messagePage(pageContext(request, reply), 'ErrorCode 111', "LaunchID doesn't exist"), 404);
  const badAction = (request: FastifyRequest, reply: FastifyReply) =>
    sendHtml(reply, messagePage(pageContext(request, reply), 'Unknown action', 'The console offers LaunchAction and JobAction 1 to 5 only.'), 400);

  app.get('/launches/:id', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const ctx = pageContext(request, reply);
    const { view, response } = await launchView(request, launchId);
    if (!view) return refusal(request, reply, ctx, response);
    const flash = request.session.flash;
    if (flash) request.session.flash = undefined;
    const answer = flash ? answerPanel(flash, who(request)) : await queryPanel(request, launchId, response);
    return sendHtml(reply, launchPage(ctx, view, { answer }));
  });

  app.get('/launches/:id/live', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const { view, response } = await launchView(request, launchId);
    if (response.errorCode === ErrorCodes.BAD_LOGIN) return toSignIn(request, reply);
    if (!view) return sendHtml(reply, goneRegion(launchId, `Launch ${launchId} is no longer there (ErrorCode ${response.errorCode}: ${response.errorMsg}).`));
    const region = liveRegion(pageContext(request, reply), view);
    if (region.version === fieldsOf(request).text('v')) return reply.code(204).send();
    return sendHtml(reply, region.html);
  });

  app.get('/launches/:id/confirm', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const spec = actionSpec(launchId, fieldsOf(request));
    if (!spec) return badAction(request, reply);
    return sendHtml(reply, confirmPage(pageContext(request, reply), launchId, spec.what, spec.question ?? '', spec.fields, spec.verb));
  });

  app.post('/launches/:id/actions', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const spec = actionSpec(launchId, fieldsOf(request));
    if (!spec) return badAction(request, reply);
    const response = await askPage(request, account(request), spec.fields);
    if (response.errorCode === ErrorCodes.BAD_LOGIN) return toSignIn(request, reply);
    const data = await panelData(spec.title, spec.verb, spec.fields, response);
    request.log.info({ event: 'console-action', login: account(request).login, fields: spec.fields, errorCode: response.errorCode }, 'console: action');
    if (!isHtmx(request)) {
      // Post, redirect, get: Back and Reload never send the action again.
      request.session.flash = data;
      return reply.redirect(launchPath(launchId), 303);
    }
    const ctx = pageContext(request, reply);
    const after = await launchView(request, launchId);
    const live = after.view
      ? liveRegion(ctx, after.view, { oob: true }).html
      : goneRegion(launchId, `Launch ${launchId} is no longer there (ErrorCode ${after.response.errorCode}: ${after.response.errorMsg}).`, { oob: true });
    const status = html`<p id="action-status" role="status" class="action-status" hx-swap-oob="true">${spec.title}: ErrorCode ${response.errorCode}${response.errorMsg ? ` (${response.errorMsg})` : ''}</p>`;
    return sendHtml(reply, html`${answerPanel(data, who(request))}${live}${status}`);
  });

  app.get('/launches/:id/recipients', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const fields = fieldsOf(request);
    const asked: Array<[string, string]> = [[Field.launchId, String(launchId)]];
    const values: Record<string, string> = {};
    for (const name of [Field.email, Field.sms, Field.externRefNum, Field.jobType]) {
      const value = fields.text(name);
      if (value !== undefined) {
        asked.push([name, value]);
        values[name] = value;
      }
    }
    const response = await askPage(request, account(request), asked);
    if (response.errorCode === ErrorCodes.BAD_LOGIN) return toSignIn(request, reply);
    const data = await panelData(`Find recipients of launch ${launchId}`, '查詢', asked, response);
    const result = html`${lookupResult(response)}${answerPanel(data, who(request))}`;
    if (isHtmx(request)) return sendHtml(reply, result);
    const ctx = pageContext(request, reply);
    const { view, response: query } = await launchView(request, launchId);
    if (!view) return refusal(request, reply, ctx, query);
    return sendHtml(reply, launchPage(ctx, view, { answer: html``, lookup: result, lookupValues: values }));
  });

  app.get('/launches/:id/csv', async (request: IdRequest, reply) => {
    const launchId = idOf(request);
    if (!launchId) return notFound(request, reply);
    const response = await askPage(request, account(request), [[Field.launchId, String(launchId)]]);
    if (response.errorCode === ErrorCodes.BAD_LOGIN) return toSignIn(request, reply);
    // The page's FILE answer (ReturnType=3): the same CSV, with a BOM for Excel, under the record's name.
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${attachmentName(response, 'csv')}"`)
      .header('cache-control', 'no-store')
      .send(await renderCsv(response, { bom: true }));
  });
}

import { METHODS } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCodes } from '../errors/error-codes.ts';
import { describeDatabaseError, isTransientDatabaseError } from '../db/wait-for-database.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import { sendAnswer } from '../render/send-answer.ts';
import { PAGE_PATH, readPageRequest } from '../request/page-request.ts';
import { journalHooks } from '../plugins/journal.ts';
import type { PageNotes } from '../tasks/page-flow.ts';

/**
 * TaskManager.aspx: read the request once into a PageRequest (src/request/), answer it in the
 * contract's checking order (src/tasks/page-flow.ts), render the answer in the form it asked for
 * (src/render/send-answer.ts). Every method reaches this handler, so that one the page does not
 * answer still gets the contract's answer (105, HTTP 405) rather than Fastify's.
 */
export default async function taskManagerRoute(app: FastifyInstance) {
  const { page, pageOptions, config, journal } = app.services;
  // Every method Node's parser takes (WebDAV's too; CONNECT is a tunnel, not a request to a page).
  for (const method of METHODS) {
    if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
  app.route({
    method: app.supportedMethods.filter((method) => method !== 'CONNECT'),
    url: PAGE_PATH,
    // The request journal keeps each request once its answer has gone (no hook when OMIS_JOURNAL is off).
    ...(journal ? journalHooks(journal) : {}),
    handler: async (request, reply) => {
      const pageRequest = await readPageRequest(request, pageOptions);
      const { refusal } = pageRequest;
      if (refusal && 'reason' in refusal) request.log.info({ errorCode: refusal.code, reason: refusal.reason }, 'request refused');
      let answer: Answer;
      const notes: PageNotes = {};
      try {
        answer = await page.answer(pageRequest, notes);
      } catch (error) {
        answer = unavailable(request, error);
      }
      request.pageOutcome = { errorCode: answer.errorCode, label: pageRequest.label };
      if (journal) request.pageJournal = { page: pageRequest, answer, injected: notes.injected };
      if (answer.httpStatus === 405) reply.header('allow', config.OMIS_ALLOWED_METHODS.join(', '));
      return sendAnswer(reply, answer, pageRequest.plan);
    },
  });
}

/** The database gone, or anything unexpected: 9999 (HTTP 503), logged in one line when the database is the cause. */
export function unavailable(request: FastifyRequest, error: unknown): Answer {
  if (isTransientDatabaseError(error)) {
    request.log.error({ reason: describeDatabaseError(error) }, 'database unavailable; answering 9999');
  } else {
    request.log.error({ err: error }, 'request failed; answering 9999');
  }
  return errorAnswer(ErrorCodes.UNAVAILABLE);
}

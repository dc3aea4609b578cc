import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCodes } from '../errors/error-codes.ts';
import { describeDatabaseError, isTransientDatabaseError } from '../db/wait-for-database.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import { sendAnswer } from '../render/send-answer.ts';
import { PAGE_PATH, readPageRequest } from '../request/page-request.ts';

/**
 * TaskManager.aspx: read the request once into a PageRequest (src/request/), answer it in the
 * contract's checking order (src/tasks/page-flow.ts), render the answer in the form it asked for
 * (src/render/send-answer.ts). Every method reaches this handler, so that one the page does not
 * answer still gets the contract's answer (105, HTTP 405) rather than Fastify's.
 */
export default async function taskManagerRoute(app: FastifyInstance) {
  const { page, pageOptions, config } = app.services;
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'],
    url: PAGE_PATH,
    handler: async (request, reply) => {
      const pageRequest = await readPageRequest(request, pageOptions);
      const { refusal } = pageRequest;
      if (refusal && 'reason' in refusal) request.log.info({ errorCode: refusal.code, reason: refusal.reason }, 'request refused');
      let answer: Answer;
      try {
        answer = await page.answer(pageRequest);
      } catch (error) {
        answer = unavailable(request, error);
      }
      request.pageOutcome = { errorCode: answer.errorCode, label: pageRequest.label };
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

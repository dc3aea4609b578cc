import type { FastifyRequest } from 'fastify';
import { ErrorCodes } from '../errors/error-codes.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import { pageRequestFromFields, type SessionAccount } from '../request/page-request.ts';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';

/**
 * The console asks the page's own request path, as a client would: the fields a legacy client
 * would send (less the credentials: the signed-in session stands in for them), with the console as
 * the origin of the audit entry. Whatever the page would answer, the console gets — 111 for a
 * foreign launch, 115 for an action the state does not allow, 9999 with the database gone.
 */
export async function askPage(request: FastifyRequest, account: SessionAccount, fields: ReadonlyArray<readonly [string, string]>): Promise<Answer> {
  const { page, pageOptions } = request.server.services;
  try {
    return await page.answer(pageRequestFromFields(fields, { clientIp: request.ip, via: 'console', signedIn: account }, pageOptions));
  } catch (error) {
    if (!isTransientDatabaseError(error)) request.log.error({ err: error }, 'console request failed; answering 9999');
    return errorAnswer(ErrorCodes.UNAVAILABLE);
  }
}

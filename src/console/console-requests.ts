import type { FastifyRequest } from 'fastify';
import { isApiError, ErrorCodes } from '../errors/error-codes.ts';
import { errorResponse, type TaskResponse } from '../render/task-response.ts';
import { ParamBag, type NamedValues } from '../request/param-bag.ts';
import { handleTaskRequest } from '../tasks/handle-task-request.ts';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';
import type { SignedInAccount } from '../auth/signed-in.ts';

/**
 * The console asks the page's own request path, as a client would: the fields a legacy client
 * would send (less the credentials: the signed-in session stands in for them), with the console as
 * the origin of the audit entry. Whatever the page would answer, the console gets — 111 for a
 * foreign launch, 115 for an action the state does not allow, 9999 with the database gone.
 * (When the request path is rebuilt around a PageRequest, this is the one place to adapt.)
 */
export async function askPage(request: FastifyRequest, account: SignedInAccount, fields: NamedValues): Promise<TaskResponse> {
  const bag = new ParamBag([['form', fields]]);
  try {
    return await handleTaskRequest(request.server.taskContext, bag, { clientIp: request.ip, via: 'console', signedIn: account });
  } catch (error) {
    if (isApiError(error)) return errorResponse(error.code);
    if (!isTransientDatabaseError(error)) request.log.error({ err: error }, 'console request failed; answering 9999');
    return errorResponse(ErrorCodes.UNAVAILABLE);
  }
}

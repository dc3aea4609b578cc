import { ApiError, ErrorCodes, isApiError } from '../errors/error-codes.ts';
import { errorResponse, type TaskResponse } from '../render/task-response.ts';
import { Field } from '../request/fields.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { authenticate, Licence, requireLicence, type Caller } from '../auth/authenticate.ts';
import { readIntent, requiredFields, type Intent } from './intent.ts';
import { queryJob, queryLaunch } from './query-task.ts';
import { viewSettings, type TaskContext } from './task-context.ts';

export interface RequestOrigin {
  clientIp: string;
}

/**
 * Acts on a normalised request, in the contract's checking order (CONTRACT.md §5): required fields,
 * credentials, licence, the syntax of the action and target fields, then the record. API-level
 * refusals come back as error responses; anything else (the database gone) propagates.
 */
export async function handleTaskRequest(ctx: TaskContext, bag: ParamBag, origin: RequestOrigin): Promise<TaskResponse> {
  const echo = { launchId: bag.text(Field.launchId), jobId: bag.text(Field.jobId) };
  try {
    const credentials = requiredFields(bag);
    const caller = await authenticate(ctx.prisma, credentials.login, credentials.password);
    requireLicence(caller, Licence.taskManager);
    const intent = readIntent(bag, ctx.config.OMIS_TIMEZONE);
    return await execute(ctx, caller, intent, origin);
  } catch (error) {
    if (isApiError(error)) return errorResponse(error.code, echo, error.field);
    throw error;
  }
}

async function execute(ctx: TaskContext, caller: Caller, intent: Intent, _origin: RequestOrigin): Promise<TaskResponse> {
  const settings = viewSettings(ctx);
  switch (intent.kind) {
    case 'query':
      return intent.target.jobId !== undefined
        ? queryJob(ctx.prisma, caller, intent.target, settings)
        : queryLaunch(ctx.prisma, caller, intent.target.launchId ?? null, settings);
    case 'launch-action':
    case 'job-action':
      // Actions land with the state machines (issue 4); until then they are refused, never faked.
      throw new ApiError(ErrorCodes.NOT_ALLOWED_IN_STATUS);
  }
}

import { ApiError, ErrorCodes, isApiError, type ErrorCode } from '../errors/error-codes.ts';
import { errorResponse, type TaskResponse } from '../render/task-response.ts';
import { Field } from '../request/fields.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { authenticate, Licence, requireLicence, type Caller } from '../auth/authenticate.ts';
import { signedInCaller, type SignedInAccount } from '../auth/signed-in.ts';
import { writeAudit, type AuditOrigin } from '../audit/audit-log.ts';
import { requestedAction, type RequestedAction } from '../audit/requested-action.ts';
import { JobActions, readIntent, requiredFields, requiredTargets, type Intent } from './intent.ts';
import { locateJob, queryJob, queryLaunch } from './query-task.ts';
import { findVisibleLaunch, listLaunchJobs } from './task-store.ts';
import { viewSettings, type TaskContext } from './task-context.ts';
import type { ViewSettings } from './task-views.ts';
import { answerFromRead } from './request-read.ts';
import { readForRequest } from './read-batcher.ts';
import { answerRecord } from './actions/answer.ts';
import { executeJobAction } from './actions/job-action.ts';
import { executeLaunchAction } from './actions/launch-action.ts';
import { RefusedAction } from './actions/refused-action.ts';
import { applySandbox } from './sandbox.ts';
import type { InjectedAnswer } from './sandbox-rule.ts';

export interface RequestOrigin {
  clientIp: string;
  /** A client of TaskManager.aspx (the default), or the console acting for a signed-in manager. */
  via?: AuditOrigin;
  /**
   * CONSOLE: the console's signed-in account (docs/CONSOLE.md). It stands in for the password: the
   * account read with the request must still be that account, with the same password hash.
   */
  signedIn?: SignedInAccount | undefined;
  /** CONSOLE: filled in for the request journal — the sandbox rule that shaped this answer, if any. */
  notes?: { injected?: InjectedAnswer };
}

/**
 * Acts on a normalised request, in the contract's checking order (CONTRACT.md §5): required fields,
 * credentials, licence, the syntax of the action and target fields, then the record, its state and
 * its recipients. API-level refusals come back as error responses; anything else (the database
 * gone) propagates. Every action request that got past authentication is audited, refused or not.
 */
export async function handleTaskRequest(ctx: TaskContext, bag: ParamBag, origin: RequestOrigin): Promise<TaskResponse> {
  const echo = { launchId: bag.text(Field.launchId), jobId: bag.text(Field.jobId) };
  let audited: { caller: Caller; requested: RequestedAction } | undefined;
  const via = origin.via ?? 'api';
  try {
    const credentials = origin.signedIn ? { login: origin.signedIn.login, password: '' } : requiredFields(bag);
    if (origin.signedIn) requiredTargets(bag);
    const guard = { lockout: ctx.lockout, clientIp: origin.clientIp, cache: ctx.credentialCache };
    // The fields' syntax is read once, here, to know which record to prefetch; its errors (112-118)
    // are reported in their turn below, after credentials and licence.
    const syntax = readSyntax(bag, ctx.config.OMIS_TIMEZONE);
    // One round trip for the account, its lockout state and a plain query's record (issue 6).
    const read = await readForRequest(ctx, credentials.login, syntax.intent);
    const caller = origin.signedIn ? signedInCaller(read, origin.signedIn) : await authenticate(credentials.login, credentials.password, guard, read);
    const requested = requestedAction(bag);
    if (requested) audited = { caller, requested };
    // CONSOLE: a sandbox rule of this account, right after authentication (it is per account);
    // requests of the console itself are never shaped.
    if (read.sandbox && via === 'api') {
      const injected = await applySandbox(ctx.db, caller.userId, read.sandbox);
      if (injected && origin.notes) origin.notes.injected = injected;
      if (injected?.errorCode) throw new ApiError(injected.errorCode as ErrorCode);
    }
    requireLicence(caller, Licence.taskManager);
    // The points module is a licence of its own; licences are checked before the fields' syntax.
    if (bag.text(Field.jobAction) === String(JobActions.restart)) requireLicence(caller, Licence.points);
    if (!syntax.intent) throw syntax.error;
    const { intent } = syntax;
    const settings = viewSettings(ctx);
    const prefetched = await answerFromRead(ctx.prisma, read, intent, settings);
    if (prefetched) return prefetched;
    return await execute(ctx, caller, intent, { ...origin, via }, requested, settings);
  } catch (error) {
    if (!isApiError(error)) throw error;
    if (audited) await auditRefusal(ctx, audited.caller, audited.requested, { ...origin, via }, error);
    return errorResponse(error.code, echo, error.field);
  }
}

/** The request's intent, or the error its fields' syntax gives (thrown later, in the contract's order). */
function readSyntax(bag: ParamBag, timeZone: string): { intent: Intent; error?: undefined } | { intent?: undefined; error: unknown } {
  try {
    return { intent: readIntent(bag, timeZone) };
  } catch (error) {
    return { error };
  }
}

async function execute(
  ctx: TaskContext,
  caller: Caller,
  intent: Intent,
  origin: RequestOrigin,
  requested: RequestedAction | undefined,
  settings: ViewSettings,
): Promise<TaskResponse> {
  switch (intent.kind) {
    case 'query': {
      const { target, recipients } = intent;
      if (!recipients) {
        return target.jobId !== undefined
          ? queryJob(ctx.prisma, caller, target, settings)
          : queryLaunch(ctx.prisma, caller, target.launchId ?? null, settings);
      }
      if (target.jobId !== undefined) {
        const found = await locateJob(ctx.prisma, caller, target);
        return answerRecord(ctx.prisma, { launch: found.launch, jobs: [found.job], job: found.job }, recipients, settings);
      }
      const launch = target.launchId ? await findVisibleLaunch(ctx.prisma, caller.userId, target.launchId) : undefined;
      if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
      return answerRecord(ctx.prisma, { launch, jobs: await listLaunchJobs(ctx.prisma, launch.launch_id) }, recipients, settings);
    }
    case 'launch-action':
    case 'job-action': {
      const ac = { prisma: ctx.prisma, caller, clientIp: origin.clientIp, origin: origin.via ?? 'api', requested: requested!, settings };
      return intent.kind === 'launch-action' ? executeLaunchAction(ac, intent) : executeJobAction(ac, intent);
    }
  }
}

/** A refused action's entry, written on its own (the action's transaction, if any, rolled back). */
async function auditRefusal(ctx: TaskContext, caller: Caller, requested: RequestedAction, origin: RequestOrigin, error: ApiError) {
  const injected = origin.notes?.injected;
  await writeAudit(ctx.prisma, {
    origin: origin.via ?? 'api',
    accountId: caller.userId,
    login: caller.login,
    clientIp: origin.clientIp,
    action: requested.action,
    targetType: requested.targetType,
    targetId: requested.targetId,
    errorCode: error.code,
    before: error instanceof RefusedAction ? error.before : { request: requested.request, ...(injected ? { sandbox: injected } : {}) },
    after: null,
  });
}

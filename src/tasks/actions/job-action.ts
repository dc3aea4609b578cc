import { Prisma, type PrismaClient } from '../../generated/prisma/client.ts';
import { ErrorCodes } from '../../errors/error-codes.ts';
import type { TaskResponse } from '../../render/task-response.ts';
import type { Caller } from '../../auth/authenticate.ts';
import { writeAudit, type AuditOrigin, type AuditState } from '../../audit/audit-log.ts';
import { jobSnapshot } from '../../audit/audit-snapshots.ts';
import type { RequestedAction } from '../../audit/requested-action.ts';
import type { Intent } from '../intent.ts';
import { jobTransition } from '../job-machine.ts';
import { locateJob } from '../query-task.ts';
import type { JobRow } from '../task-store.ts';
import type { ViewSettings } from '../task-views.ts';
import { answerRecord } from './answer.ts';
import { reservePoints } from './points.ts';
import { RefusedAction, withState } from './refused-action.ts';
import { inActionTransaction } from './transaction.ts';
import { launchQueueFor } from './launch-queue.ts';

export interface ActionContext {
  prisma: PrismaClient;
  caller: Caller;
  clientIp: string;
  /** Where the request came from, for the audit log. */
  origin: AuditOrigin;
  requested: RequestedAction;
  settings: ViewSettings;
}

/**
 * JobAction 1–5 in one transaction: lock the launch then the job (110 when missing or foreign), ask
 * the job machine (115), reserve points for a restart under the root's lock (116), write the change
 * and its audit entry, and answer with the job as it now stands (117 for a recipient filter that
 * matches nothing — which rolls the action back).
 */
export async function executeJobAction(ac: ActionContext, intent: Extract<Intent, { kind: 'job-action' }>): Promise<TaskResponse> {
  // A job's launch never changes, so it can be read before queueing; no launch: the job is missing (110).
  const jobId = intent.target.jobId;
  const rows = jobId ? await ac.prisma.$queryRaw<Array<{ launch_id: number }>>`SELECT launch_id FROM job WHERE job_id = ${jobId}::int` : [];
  const run = () => runJobAction(ac, intent);
  return rows[0] ? launchQueueFor(ac.prisma).run(rows[0].launch_id, run) : run();
}

function runJobAction(ac: ActionContext, intent: Extract<Intent, { kind: 'job-action' }>): Promise<TaskResponse> {
  return inActionTransaction(ac.prisma, async (tx) => {
    const { launch, job } = await locateJob(tx, ac.caller, intent.target, { forUpdate: true });
    const before: AuditState = { job: jobSnapshot(job), request: ac.requested.request };
    const outcome = jobTransition(intent.action, toJobState(job), { status: launch.status, errorCode: launch.error_code });
    if (outcome.result === 'refused') throw new RefusedAction(outcome.code, before);
    let after: JobRow = job;
    let deleted = false;
    let rootPoints: number | undefined;
    if (outcome.result === 'changed') {
      if (outcome.charge > 0) {
        const reservation = await reservePoints(tx, launch.owner_id, outcome.charge);
        if (!reservation.ok) throw new RefusedAction(ErrorCodes.INSUFFICIENT_POINTS, { ...before, rootPoints: reservation.balance });
        before.rootPoints = reservation.balance + outcome.charge;
        rootPoints = reservation.balance;
      }
      after = {
        ...job,
        error_code: outcome.next.errorCode,
        paused_by_launch: outcome.next.pausedByLaunch,
        points_charged: job.points_charged + outcome.charge,
      };
      deleted = outcome.deleted;
      await tx.$executeRaw`
        UPDATE job SET error_code = ${after.error_code}::int, paused_by_launch = ${after.paused_by_launch},
                       points_charged = ${after.points_charged}::int,
                       deleted_at = ${deleted ? Prisma.sql`now()` : Prisma.sql`NULL`}, updated_at = now()
         WHERE job_id = ${job.job_id}::int`;
    }
    const answer = await answerRecord(tx, { launch, jobs: [after], job: after }, intent.recipients, ac.settings).catch((error: unknown) =>
      withState(error, before),
    );
    const afterState: AuditState = { job: jobSnapshot(after, deleted), ...(rootPoints === undefined ? {} : { rootPoints }) };
    await writeAudit(tx, {
      origin: ac.origin,
      accountId: ac.caller.userId,
      login: ac.caller.login,
      clientIp: ac.clientIp,
      action: ac.requested.action,
      targetType: 'job',
      targetId: job.job_id,
      errorCode: ErrorCodes.OK,
      before,
      after: afterState,
    });
    return answer;
  });
}

export function toJobState(job: JobRow) {
  return { status: job.status, errorCode: job.error_code, pausedByLaunch: job.paused_by_launch, cost: job.cost, pointsCharged: job.points_charged };
}

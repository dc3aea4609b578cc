import { Prisma } from '../../generated/prisma/client.ts';
import { ApiError, ErrorCodes } from '../../errors/error-codes.ts';
import type { TaskResponse } from '../../render/task-response.ts';
import { writeAudit, type AuditState } from '../../audit/audit-log.ts';
import { jobSnapshot, launchSnapshot } from '../../audit/audit-snapshots.ts';
import type { Intent } from '../intent.ts';
import { cascadeToJob } from '../job-machine.ts';
import { launchTransition } from '../launch-machine.ts';
import { findVisibleLaunch, listLaunchJobs, type JobRow, type LaunchRow } from '../task-store.ts';
import { answerRecord } from './answer.ts';
import type { ActionContext } from './job-action.ts';
import { RefusedAction, withState } from './refused-action.ts';
import { inActionTransaction } from './transaction.ts';
import { launchQueueFor } from './launch-queue.ts';

/**
 * LaunchAction 1–5 in one transaction: lock the launch (111), then all its jobs in job_id order,
 * ask the launch machine (115), write the launch, the jobs its cascade changes and the audit
 * entry, and answer with the record as it now stands. A deleted launch answers once more with its
 * final state; later requests get 111.
 */
export async function executeLaunchAction(ac: ActionContext, intent: Extract<Intent, { kind: 'launch-action' }>): Promise<TaskResponse> {
  const { launchId } = intent.target;
  if (!launchId) throw new ApiError(ErrorCodes.NO_LAUNCH);
  return launchQueueFor(ac.prisma).run(launchId, () => runLaunchAction(ac, intent, launchId));
}

function runLaunchAction(ac: ActionContext, intent: Extract<Intent, { kind: 'launch-action' }>, launchId: number): Promise<TaskResponse> {
  return inActionTransaction(ac.prisma, async (tx) => {
    const { jobId } = intent.target;
    const launch = await findVisibleLaunch(tx, ac.caller.userId, launchId, { forUpdate: true });
    if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
    const jobs = await listLaunchJobs(tx, launch.launch_id, { forUpdate: true });
    // With JobID too, the answer is about that job, which must belong to the launch (CONTRACT.md §6).
    const focus = jobId === undefined ? undefined : jobs.find((job) => job.job_id === jobId);
    if (jobId !== undefined && !focus) throw new ApiError(ErrorCodes.NO_JOB);

    const before: AuditState = { launch: launchSnapshot(launch), request: ac.requested.request };
    const outcome = launchTransition(intent.action, { status: launch.status, errorCode: launch.error_code }, intent.expireTime);
    if (outcome.result === 'refused') throw new RefusedAction(outcome.code, before);

    let after: LaunchRow = launch;
    let afterJobs = jobs;
    let afterState: AuditState = { launch: launchSnapshot(launch) };
    if (outcome.result === 'changed') {
      after = { ...launch, error_code: outcome.next.errorCode, expire_time: outcome.expireTime ?? launch.expire_time };
      await tx.$executeRaw`
        UPDATE launch SET error_code = ${after.error_code}::int, expire_time = ${after.expire_time}::timestamptz,
                          deleted_at = ${outcome.deleted ? Prisma.sql`now()` : Prisma.sql`NULL`}, updated_at = now()
         WHERE launch_id = ${launch.launch_id}::int`;
      const changed = jobs.flatMap((job) => {
        const next = cascadeToJob(outcome.jobs, { status: job.status, errorCode: job.error_code, pausedByLaunch: job.paused_by_launch });
        return next || outcome.deleted ? [{ job, next: next ? { ...job, error_code: next.errorCode, paused_by_launch: next.pausedByLaunch } : job }] : [];
      });
      await writeJobs(tx, changed.map((change) => change.next), outcome.deleted);
      const byId = new Map(changed.map((change) => [change.job.job_id, change.next]));
      afterJobs = jobs.map((job) => byId.get(job.job_id) ?? job);
      if (changed.length > 0) before.jobs = changed.map((change) => jobSnapshot(change.job));
      afterState = {
        launch: launchSnapshot(after, outcome.deleted),
        ...(changed.length > 0 ? { jobs: changed.map((change) => jobSnapshot(change.next, outcome.deleted)) } : {}),
      };
    }
    const afterFocus = focus ? afterJobs.find((job) => job.job_id === focus.job_id) : undefined;
    const answer = await answerRecord(tx, { launch: after, jobs: afterJobs, job: afterFocus }, intent.recipients, ac.settings).catch(
      (error: unknown) => withState(error, before),
    );
    await writeAudit(tx, {
      origin: ac.origin,
      accountId: ac.caller.userId,
      login: ac.caller.login,
      clientIp: ac.clientIp,
      action: ac.requested.action,
      targetType: 'launch',
      targetId: launch.launch_id,
      errorCode: ErrorCodes.OK,
      before,
      after: afterState,
    });
    return answer;
  });
}

/**
 * Writes cascaded job states: one UPDATE per distinct next state (a cascade gives every job it
 * touches the same one), so a launch with thousands of jobs costs a statement, not thousands.
 */
async function writeJobs(tx: Prisma.TransactionClient, jobs: JobRow[], deleted: boolean): Promise<void> {
  const groups = new Map<string, { errorCode: number; pausedByLaunch: boolean; ids: number[] }>();
  for (const job of jobs) {
    const key = `${job.error_code}:${job.paused_by_launch}`;
    const group = groups.get(key) ?? { errorCode: job.error_code, pausedByLaunch: job.paused_by_launch, ids: [] };
    group.ids.push(job.job_id);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    await tx.$executeRaw`
      UPDATE job SET error_code = ${group.errorCode}::int, paused_by_launch = ${group.pausedByLaunch},
                     deleted_at = ${deleted ? Prisma.sql`now()` : Prisma.sql`deleted_at`}, updated_at = now()
       WHERE job_id = ANY(${group.ids}::int[])`;
  }
}

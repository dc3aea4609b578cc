import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { Answer } from '../render/answer.ts';
import type { Intent } from '../request/intent.ts';
import { writeAudit, type AuditState } from '../store/audit.ts';
import { lockLaunch, lockLaunchJobs, writeCascade, writeLaunch, type LaunchRow } from '../store/launches.ts';
import { auditEntry, jobSnapshot, launchSnapshot } from './audit-entry.ts';
import { cascadeToJob } from './job-machine.ts';
import type { ActionContext } from './job-action.ts';
import { launchTransition } from './launch-machine.ts';
import { answerRecord, type AnsweredRecord } from './record-answer.ts';
import { RefusedAction, withState } from './refused-action.ts';

/**
 * LaunchAction 1–5 on a launch the caller may see (a missing or foreign one was refused with 111
 * before this, without queueing). In one transaction, after the launch's queue: lock the launch (111
 * when it was deleted meanwhile), then all its jobs in job_id order, ask the launch machine (115),
 * write the launch with the audit entry (one statement) and the jobs its cascade changes, and answer
 * with the record as it now stands. A deleted launch answers once more with its final state; later requests get 111.
 */
export function executeLaunchAction(ac: ActionContext, intent: Extract<Intent, { kind: 'launch-action' }>, found: AnsweredRecord): Promise<Answer> {
  return ac.queue.run(found.launch.launch_id, (turn) =>
    ac.db.transaction(async (tx) => {
      const launch = await lockLaunch(tx, found.launch.launch_id);
      if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
      const jobs = await lockLaunchJobs(tx, launch.launch_id);
      // With JobID too, the answer is about that job, which must still belong to the launch.
      const focus = found.job === undefined ? undefined : jobs.find((job) => job.job_id === found.job!.job_id);
      if (found.job !== undefined && !focus) throw new ApiError(ErrorCodes.NO_JOB);

      const before: AuditState = { launch: launchSnapshot(launch), request: ac.auditFields };
      const outcome = launchTransition(intent.action, { status: launch.status, errorCode: launch.error_code }, intent.expireTime);
      if (outcome.result === 'refused') throw new RefusedAction(outcome.code, before);

      const audit = (after: AuditState) => auditEntry(ac, { type: 'launch', id: launch.launch_id }, ErrorCodes.OK, before, after);
      let after: LaunchRow = launch;
      let afterJobs = jobs;
      if (outcome.result === 'changed') {
        after = { ...launch, error_code: outcome.next.errorCode, expire_time: outcome.expireTime ?? launch.expire_time };
        const changed = jobs.flatMap((job) => {
          const next = cascadeToJob(outcome.jobs, { status: job.status, errorCode: job.error_code, pausedByLaunch: job.paused_by_launch });
          return next || outcome.deleted ? [{ job, next: next ? { ...job, error_code: next.errorCode, paused_by_launch: next.pausedByLaunch } : job }] : [];
        });
        const byId = new Map(changed.map((change) => [change.job.job_id, change.next]));
        afterJobs = jobs.map((job) => byId.get(job.job_id) ?? job);
        if (changed.length > 0) before.jobs = changed.map((change) => jobSnapshot(change.job));
        const afterState: AuditState = {
          launch: launchSnapshot(after, outcome.deleted),
          ...(changed.length > 0 ? { jobs: changed.map((change) => jobSnapshot(change.next, outcome.deleted)) } : {}),
        };
        await writeLaunch(tx, after, outcome.deleted, audit(afterState));
        await writeCascade(
          tx,
          changed.map((change) => change.next),
          outcome.deleted,
        );
      } else {
        await writeAudit(tx, audit({ launch: launchSnapshot(launch) }));
      }
      const afterFocus = focus ? afterJobs.find((job) => job.job_id === focus.job_id) : undefined;
      const answer = await answerRecord(tx, { launch: after, jobs: afterJobs, job: afterFocus }, intent.recipients, ac.settings).catch((error: unknown) =>
        withState(error, before),
      );
      return answer;
    }, { committing: turn.end }),
  );
}

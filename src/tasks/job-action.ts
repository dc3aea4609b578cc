import type { Database } from '../db/database.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { Answer } from '../render/answer.ts';
import type { Intent } from '../request/intent.ts';
import { takeRootPoints } from '../store/accounts.ts';
import { writeAudit, type AuditState } from '../store/audit.ts';
import { lockJob, writeJob, type JobRow } from '../store/launches.ts';
import { auditEntry, jobSnapshot, type Actor } from './audit-entry.ts';
import { jobTransition } from './job-machine.ts';
import type { KeyedQueue } from '../store/keyed-queue.ts';
import { answerRecord, type AnsweredRecord } from './record-answer.ts';
import { RefusedAction, withState } from './refused-action.ts';
import type { ViewSettings } from './views.ts';

/** What acting on a record needs, besides the record and the intent. */
export interface ActionContext extends Actor {
  db: Database;
  queue: KeyedQueue<number>;
  auditFields: Record<string, string>;
  settings: ViewSettings;
}

/**
 * JobAction 1–5 on a job the caller may see (the request's read found it: a missing or foreign job
 * was refused with 110 before this, without queueing). In one transaction, after the launch's queue:
 * lock the launch and the job (110 when either was deleted meanwhile), ask the job machine (115),
 * reserve points for a restart under the root's lock (116), write the change with its audit entry
 * (one statement), and answer with the job as it now stands (117 for a recipient filter that
 * matches nothing, which rolls the action back).
 */
export function executeJobAction(ac: ActionContext, intent: Extract<Intent, { kind: 'job-action' }>, found: AnsweredRecord): Promise<Answer> {
  return ac.queue.run(found.launch.launch_id, (turn) =>
    ac.db.transaction(async (tx) => {
      const locked = await lockJob(tx, found.job!.job_id);
      if (!locked || locked.launch.launch_id !== found.launch.launch_id) throw new ApiError(ErrorCodes.NO_JOB);
      const { launch, job } = locked;
      const before: AuditState = { job: jobSnapshot(job), request: ac.auditFields };
      const outcome = jobTransition(intent.action, toJobState(job), { status: launch.status, errorCode: launch.error_code });
      if (outcome.result === 'refused') throw new RefusedAction(outcome.code, before);
      const audit = (after: AuditState) => auditEntry(ac, { type: 'job', id: job.job_id }, ErrorCodes.OK, before, after);
      let after: JobRow = job;
      if (outcome.result === 'changed') {
        let rootPoints: number | undefined;
        if (outcome.charge > 0) {
          const taken = await takeRootPoints(tx, launch.owner_id, outcome.charge);
          if (!taken.ok) throw new RefusedAction(ErrorCodes.INSUFFICIENT_POINTS, { ...before, rootPoints: taken.balance });
          before.rootPoints = taken.balance + outcome.charge;
          rootPoints = taken.balance;
        }
        after = { ...job, error_code: outcome.next.errorCode, paused_by_launch: outcome.next.pausedByLaunch, points_charged: job.points_charged + outcome.charge };
        const afterState = { job: jobSnapshot(after, outcome.deleted), ...(rootPoints === undefined ? {} : { rootPoints }) };
        await writeJob(tx, after, outcome.deleted, audit(afterState));
      } else {
        await writeAudit(tx, audit({ job: jobSnapshot(job) }));
      }
      const answer = await answerRecord(tx, { launch, jobs: [after], job: after }, intent.recipients, ac.settings).catch((error: unknown) =>
        withState(error, before),
      );
      return answer;
    }, { committing: turn.end }),
  );
}

export function toJobState(job: JobRow) {
  return { status: job.status, errorCode: job.error_code, pausedByLaunch: job.paused_by_launch, cost: job.cost, pointsCharged: job.points_charged };
}

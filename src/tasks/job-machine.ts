import { ErrorCodes } from '../errors/error-codes.ts';
import type { JobActionName } from '../request/actions.ts';
import type { JobCascade } from './launch-machine.ts';
import {
  isFinished,
  isPaused,
  isRunning,
  isTerminated,
  isUnfinished,
  OUT_OF_POINTS,
  PAUSED,
  RUNNING,
  TERMINATED,
  type RecordState,
} from './record-state.ts';

/**
 * The job (寄送) state machine, pure: given the job, its launch and a JobAction, the job's next
 * state — plus the cascades a launch action sends down to its jobs, and the rules the simulator
 * obeys. docs/API.md#job-action-states has the table; test/tasks/job-machine.test.ts walks all of it.
 */
export interface JobState extends RecordState {
  /** Set when a pause of the launch paused this job; unpausing the launch resumes exactly these. */
  pausedByLaunch: boolean;
}

export interface JobPoints {
  cost: number;
  pointsCharged: number;
}

export type JobOutcome =
  | { result: 'changed'; next: JobState; deleted: boolean; charge: number }
  | { result: 'unchanged' }
  | { result: 'refused'; code: typeof ErrorCodes.NOT_ALLOWED_IN_STATUS };

const refused = { result: 'refused', code: ErrorCodes.NOT_ALLOWED_IN_STATUS } as const;
const unchanged = { result: 'unchanged' } as const;

function changed(job: JobState, errorCode: number, charge = 0): JobOutcome {
  return { result: 'changed', next: { status: job.status, errorCode, pausedByLaunch: false }, deleted: false, charge };
}

/** Points a restart must still reserve: what the job costs minus what it has already been charged. */
export function remainingCost(job: JobPoints): number {
  return Math.max(0, job.cost - job.pointsCharged);
}

/**
 * The outcome of one JobAction on a job whose launch is in `launch`. For a restart, `charge` is the
 * number of points to reserve from the root account (whether the balance covers it, 116, is for
 * the caller to find out under the account's lock).
 */
export function jobTransition(action: JobActionName, job: JobState & JobPoints, launch: RecordState): JobOutcome {
  switch (action) {
    case 'delete':
      return {
        result: 'changed',
        next: { status: job.status, errorCode: isUnfinished(job) ? TERMINATED : job.errorCode, pausedByLaunch: false },
        deleted: true,
        charge: 0,
      };
    case 'terminate':
      if (isTerminated(job)) return unchanged;
      if (isFinished(job)) return refused;
      return changed(job, TERMINATED);
    case 'pause':
      if (isPaused(job)) return unchanged;
      if (!isRunning(job)) return refused;
      return changed(job, PAUSED);
    case 'unpause':
      if (isRunning(job)) return unchanged;
      // A job cannot run on under a paused launch: unpause the launch instead (which resumes it).
      if (!isPaused(job) || isPaused(launch)) return refused;
      return changed(job, RUNNING);
    case 'restart':
      if (job.errorCode !== OUT_OF_POINTS || isPaused(launch) || isTerminated(launch)) return refused;
      return changed(job, RUNNING, remainingCost(job));
  }
}

/**
 * What a launch action does to one of its jobs: the job's next state, or undefined when the job is
 * left alone. Delete marks every job deleted (handled by the caller) and stops the unfinished ones.
 */
export function cascadeToJob(cascade: JobCascade, job: JobState): JobState | undefined {
  switch (cascade) {
    case 'none':
      return undefined;
    case 'delete':
    case 'terminate':
      return isUnfinished(job) ? { status: job.status, errorCode: TERMINATED, pausedByLaunch: false } : undefined;
    case 'pause':
      return isRunning(job) ? { status: job.status, errorCode: PAUSED, pausedByLaunch: true } : undefined;
    case 'unpause':
      return job.pausedByLaunch && isPaused(job) ? { status: job.status, errorCode: RUNNING, pausedByLaunch: false } : undefined;
  }
}

/**
 * May the simulator move this job on (to its next STATUS, sending, charging points)? Only a running
 * job of a running-or-finished launch, neither of them deleted. The simulator must read both rows
 * FOR UPDATE in LOCK_ORDER and ask again after locking.
 */
export function mayJobAdvance(job: JobState & { deleted?: boolean }, launch: RecordState & { deleted?: boolean }): boolean {
  if (job.deleted || launch.deleted) return false;
  if (isPaused(launch) || isTerminated(launch)) return false;
  return isRunning(job);
}

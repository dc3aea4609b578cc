import { ErrorCodes } from '../errors/error-codes.ts';
import type { LaunchActionName } from '../request/actions.ts';
import { isFinished, isPaused, isRunning, isTerminated, PAUSED, RUNNING, TERMINATED, type RecordState } from './record-state.ts';

/**
 * The launch (任務) state machine, pure: given the launch as it stands and a LaunchAction, what
 * happens to the launch and what cascades to its jobs. docs/API.md#launch-action-states has the
 * table; test/tasks/launch-machine.test.ts walks all of it.
 */
export type LaunchState = RecordState;

/** What a launch action does to the launch's jobs (applied per job by job-machine.ts `cascadeToJob`). */
export type JobCascade = 'none' | 'delete' | 'terminate' | 'pause' | 'unpause';

export type LaunchOutcome =
  | { result: 'changed'; next: LaunchState; deleted: boolean; jobs: JobCascade; expireTime?: Date }
  | { result: 'unchanged' }
  | { result: 'refused'; code: typeof ErrorCodes.NOT_ALLOWED_IN_STATUS };

const refused = { result: 'refused', code: ErrorCodes.NOT_ALLOWED_IN_STATUS } as const;
const unchanged = { result: 'unchanged' } as const;

function changed(launch: LaunchState, errorCode: number, jobs: JobCascade): LaunchOutcome {
  return { result: 'changed', next: { status: launch.status, errorCode }, deleted: false, jobs };
}

/**
 * The outcome of one LaunchAction. `expireTime` is required for action 5 (request/intent.ts has
 * already checked it is a real time later than now: 114 comes before the state's 115).
 */
export function launchTransition(action: LaunchActionName, launch: LaunchState, expireTime?: Date): LaunchOutcome {
  switch (action) {
    case 'delete':
      // Delete stops whatever still runs: an unfinished launch is terminated as it is hidden.
      return {
        result: 'changed',
        next: { status: launch.status, errorCode: isFinished(launch) || isTerminated(launch) ? launch.errorCode : TERMINATED },
        deleted: true,
        jobs: 'delete',
      };
    case 'terminate':
      if (isTerminated(launch)) return unchanged;
      if (isFinished(launch)) return refused;
      return changed(launch, TERMINATED, 'terminate');
    case 'pause':
      if (isPaused(launch)) return unchanged;
      if (!isRunning(launch)) return refused;
      return changed(launch, PAUSED, 'pause');
    case 'unpause':
      if (isRunning(launch)) return unchanged;
      if (!isPaused(launch)) return refused;
      return changed(launch, RUNNING, 'unpause');
    case 'change-expiry':
      if (isTerminated(launch) || isFinished(launch) || expireTime === undefined) return refused;
      return { result: 'changed', next: { ...launch }, deleted: false, jobs: 'none', expireTime };
  }
}

/**
 * May the simulator move this launch on (e.g. from STATUS 1 to 2)? Only a running launch moves;
 * paused, terminated, in-error, finished or deleted launches stay as they are.
 */
export function mayLaunchAdvance(launch: LaunchState & { deleted?: boolean }): boolean {
  return !launch.deleted && isRunning(launch);
}

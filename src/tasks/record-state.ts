import { ErrorCodes } from '../errors/error-codes.ts';

/**
 * What STATUS and ERRORCODE say about a launch or a job (docs/API.md#record-states), shared by both state
 * machines and by the simulator. ERRORCODE overrides STATUS: -1 terminated, -2 paused, > 0 error.
 */
export const TERMINATED = -1;
export const PAUSED = -2;
export const RUNNING = 0;
/** A job's own ERRORCODE when it stopped for lack of points (docs/API.md#error-codes). */
export const OUT_OF_POINTS = ErrorCodes.JOB_OUT_OF_POINTS;

export interface RecordState {
  status: number;
  errorCode: number;
}

/** STATUS 0 with ERRORCODE 0: done, nothing more can happen to it but deletion. */
export function isFinished(state: RecordState): boolean {
  return state.status === 0 && state.errorCode === RUNNING;
}

export function isTerminated(state: RecordState): boolean {
  return state.errorCode === TERMINATED;
}

export function isPaused(state: RecordState): boolean {
  return state.errorCode === PAUSED;
}

/** Unfinished and not stopped by anything: the only state pause applies to. */
export function isRunning(state: RecordState): boolean {
  return state.errorCode === RUNNING && state.status !== 0;
}

/** Anything not finished and not terminated: what terminate and delete still have to stop. */
export function isUnfinished(state: RecordState): boolean {
  return !isFinished(state) && !isTerminated(state);
}

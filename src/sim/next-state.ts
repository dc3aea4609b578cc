/**
 * The simulator's rules (pure): what one step does to a job or a launch, given the state read under
 * the step's row locks. The database side (sim/simulator.ts) only reads, asks here, and writes.
 *
 * Jobs move through STATUS 1→2→…→8→0 (docs/API.md#job-status), one stage per step. Leaving a sending stage
 * (6 and 7) sends recipients and pays for them from the root account of the owner's tree: half the
 * job's cost when leaving 6, the rest when leaving 7. A step the root cannot pay for stops the job
 * with ERRORCODE 201 at the stage it is in, so JobAction 5 can restart it after a top-up.
 *
 * Launches: waiting (1) → launching (2, the run's jobs exist) → started (3) → when every job of the
 * run is settled, finished (0) — or, for a recurring launch, waiting again (1, LAUNCHCOUNT > 0).
 *
 * Whether a record may move at all is the state machines' rule (tasks/job-machine.ts mayJobAdvance,
 * tasks/launch-machine.ts mayLaunchAdvance), so the simulator and the API agree on it; this file
 * adds only what the simulator itself decides (stages, charges, runs) and why it skipped a record.
 */
import { mayJobAdvance } from '../tasks/job-machine.ts';
import { mayLaunchAdvance } from '../tasks/launch-machine.ts';
import { isPaused, isTerminated, OUT_OF_POINTS } from '../tasks/record-state.ts';
import type { Delivery } from '../store/simulator.ts';

export { OUT_OF_POINTS };

export const JOB_FINISHED = 0;
export const JOB_FIRST_STAGE = 1;
export const JOB_LAST_STAGE = 8;

export const LAUNCH_WAITING = 1;
export const LAUNCH_LAUNCHING = 2;
export const LAUNCH_STARTED = 3;
export const LAUNCH_AWAITING_APPROVAL = 99;

export interface JobState {
  status: number;
  errorCode: number;
  cost: number;
  pointsCharged: number;
  deleted: boolean;
}

export interface LaunchState {
  status: number;
  errorCode: number;
  deleted: boolean;
}

export type SkipReason = 'deleted' | 'paused' | 'terminated' | 'error' | 'finished' | 'launch-not-running';

/** Why a record that may not move is left alone (for logs and metrics). */
function stoppedReason(record: { status: number; errorCode: number; deleted: boolean }): SkipReason | undefined {
  if (record.deleted) return 'deleted';
  if (isTerminated(record)) return 'terminated';
  if (isPaused(record)) return 'paused';
  if (record.errorCode !== 0) return 'error';
  return undefined;
}

/** Why a job may not move now, or undefined when it may. Runs under the launch and job locks. */
export function jobSkipReason(job: JobState, launch: LaunchState): SkipReason | undefined {
  const reason = stoppedReason(job) ?? stoppedReason(launch);
  if (!mayJobAdvance({ ...job, pausedByLaunch: false }, launch)) return reason ?? 'finished';
  // Stricter than the API's rule: a launch in error stops its jobs here too.
  if (reason) return reason;
  if (job.status < JOB_FIRST_STAGE || job.status > JOB_LAST_STAGE) return 'finished';
  // Jobs run only while their launch is launching or started: not before it fires, not while it
  // awaits approval, not after it finished.
  if (launch.status !== LAUNCH_LAUNCHING && launch.status !== LAUNCH_STARTED) return 'launch-not-running';
  return undefined;
}

/**
 * What leaving a stage does to the job's recipients: nothing; the first half of those still pending
 * are sent (leaving 6); every one still pending is sent (leaving 7); tracking ends and the sent ones
 * are reported delivered (leaving 8).
 */
export type { Delivery };

/** Points charged in total once the job has left `stage` (cumulative, never above the cost). */
export function chargedAfterLeaving(stage: number, cost: number): number {
  if (stage === 6) return Math.ceil(cost / 2);
  if (stage >= 7) return cost;
  return 0;
}

export function deliveryLeaving(stage: number): Delivery {
  if (stage === 6) return 'send-half';
  if (stage === 7) return 'send-rest';
  if (stage === 8) return 'confirm';
  return 'none';
}

export type JobStep =
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'advance'; status: number; charge: number; delivery: Delivery }
  | { kind: 'out-of-points'; needed: number };

/**
 * One step of a job. `rootPoints` is the balance of the owner's root account (read under its lock);
 * the step takes `charge` from it, or stops the job with 201 when it holds less than that.
 */
export function planJobStep(job: JobState, launch: LaunchState, rootPoints: number): JobStep {
  const reason = jobSkipReason(job, launch);
  if (reason) return { kind: 'skip', reason };
  const charge = Math.max(0, chargedAfterLeaving(job.status, job.cost) - job.pointsCharged);
  if (charge > rootPoints) return { kind: 'out-of-points', needed: charge };
  const status = job.status === JOB_LAST_STAGE ? JOB_FINISHED : job.status + 1;
  return { kind: 'advance', status, charge, delivery: deliveryLeaving(job.status) };
}

/** Whether a step of this job may need points (so the root account must be locked and read). */
export function stepMayCharge(job: JobState): boolean {
  return chargedAfterLeaving(job.status, job.cost) > job.pointsCharged;
}

export interface LaunchFacts extends LaunchState {
  launchCount: number;
  recurSeconds: number | null;
  expireTime: Date | null;
  nextRunAt: Date | null;
  /** Jobs of the launch (not deleted) that are neither finished nor terminated. */
  unsettledJobs: number;
}

export type LaunchStep =
  | { kind: 'skip'; reason: SkipReason | 'not-due' | 'jobs-running' | 'awaiting-approval' }
  /** 1 → 2: a new run. Creates the run's jobs unless unfinished ones are still there to run. */
  | { kind: 'fire'; launchCount: number; createJobs: boolean }
  /** 2 → 3. */
  | { kind: 'start' }
  /** 2/3 → 0: the run is over and nothing recurs. */
  | { kind: 'finish' }
  /** 2/3 → 1: the run is over; wait for the next one. */
  | { kind: 'rearm'; nextRunAt: Date };

/** A launch whose next run would start after its ExpireTime does not recur any more. */
export function nextRunAfter(launch: Pick<LaunchFacts, 'recurSeconds' | 'expireTime'>, now: Date): Date | undefined {
  if (launch.recurSeconds === null) return undefined;
  const next = new Date(now.getTime() + launch.recurSeconds * 1000);
  if (launch.expireTime && next.getTime() > launch.expireTime.getTime()) return undefined;
  return next;
}

/** One step of a launch, decided under its lock. */
export function planLaunchStep(launch: LaunchFacts, now: Date): LaunchStep {
  const stopped = stoppedReason(launch);
  if (stopped === 'deleted') return { kind: 'skip', reason: stopped };
  if (launch.status === LAUNCH_AWAITING_APPROVAL) return { kind: 'skip', reason: 'awaiting-approval' };
  if (!mayLaunchAdvance(launch) || stopped) return { kind: 'skip', reason: stopped ?? 'finished' };
  if (launch.nextRunAt && launch.nextRunAt.getTime() > now.getTime()) return { kind: 'skip', reason: 'not-due' };
  switch (launch.status) {
    case LAUNCH_WAITING:
      // Unfinished jobs of the launch are this run's; otherwise the run gets new jobs like the last.
      return { kind: 'fire', launchCount: launch.launchCount + 1, createJobs: launch.unsettledJobs === 0 };
    case LAUNCH_LAUNCHING:
      return { kind: 'start' };
    case LAUNCH_STARTED: {
      if (launch.unsettledJobs > 0) return { kind: 'skip', reason: 'jobs-running' };
      const nextRunAt = nextRunAfter(launch, now);
      return nextRunAt ? { kind: 'rearm', nextRunAt } : { kind: 'finish' };
    }
    default:
      return { kind: 'skip', reason: 'finished' };
  }
}

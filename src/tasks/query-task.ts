import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { TaskResponse } from '../render/task-response.ts';
import type { Caller } from '../auth/authenticate.ts';
import { findVisibleJob, findVisibleLaunch, listLaunchJobs, type Db, type JobRow, type LaunchRow } from './task-store.ts';
import { jobView, launchView, recordResponse, type ViewSettings } from './task-views.ts';

/**
 * The record a request names (CONTRACT.md §6): a launch by LaunchID, a job by JobID, or with both
 * the job, which must belong to that launch. IDs that are not IDs were parsed to `null`.
 */
export interface Target {
  launchId?: number | null;
  jobId?: number | null;
}

/** LaunchID alone: the launch with all its jobs. */
export async function queryLaunch(db: Db, caller: Caller, launchId: number | null, settings: ViewSettings): Promise<TaskResponse> {
  const launch = launchId === null ? undefined : await findVisibleLaunch(db, caller.userId, launchId);
  return launchAnswer(launch, launch ? await listLaunchJobs(db, launch.launch_id) : [], settings);
}

/** The answer about a visible launch and its jobs, or 111 when there is none (pure). */
export function launchAnswer(launch: LaunchRow | undefined, jobs: JobRow[], settings: ViewSettings): TaskResponse {
  if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
  return recordResponse(launch, launchView(launch, jobs.map((job) => jobView(job, settings)), settings));
}

/** JobID (with or without LaunchID): the job inside its launch, without the launch's other jobs. */
export async function queryJob(db: Db, caller: Caller, target: Target, settings: ViewSettings): Promise<TaskResponse> {
  const found = await locateJob(db, caller, target);
  return jobAnswer(found, target, settings);
}

/** Finds the job a target names, or answers 110 (missing, foreign, or not in the named launch). */
export async function locateJob(db: Db, caller: Caller, target: Target, options: { forUpdate?: boolean } = {}) {
  const found = target.jobId ? await findVisibleJob(db, caller.userId, target.jobId, options) : undefined;
  return checkJobTarget(found, target);
}

/** 110 unless the job was found and belongs to the launch the target names, if it names one (pure). */
export function checkJobTarget<T extends { launch: LaunchRow; job: JobRow }>(found: T | undefined, target: Target): T {
  if (!found) throw new ApiError(ErrorCodes.NO_JOB);
  if (target.launchId !== undefined && target.launchId !== found.launch.launch_id) throw new ApiError(ErrorCodes.NO_JOB);
  return found;
}

/** The answer about one job inside its launch, without the launch's other jobs (pure). */
export function jobAnswer(found: { launch: LaunchRow; job: JobRow } | undefined, target: Target, settings: ViewSettings): TaskResponse {
  const { launch, job } = checkJobTarget(found, target);
  const view = jobView(job, settings);
  return recordResponse(launch, launchView(launch, [view], settings), view);
}

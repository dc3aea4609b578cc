import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { TaskResponse } from '../render/task-response.ts';
import type { Caller } from '../auth/authenticate.ts';
import { findVisibleJob, findVisibleLaunch, listLaunchJobs, type Db } from './task-store.ts';
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
  if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
  const jobs = await listLaunchJobs(db, launch.launch_id);
  return recordResponse(launch, launchView(launch, jobs.map((job) => jobView(job, settings)), settings));
}

/** JobID (with or without LaunchID): the job inside its launch, without the launch's other jobs. */
export async function queryJob(db: Db, caller: Caller, target: Target, settings: ViewSettings): Promise<TaskResponse> {
  const found = await locateJob(db, caller, target);
  const job = jobView(found.job, settings);
  return recordResponse(found.launch, launchView(found.launch, [job], settings), job);
}

/** Finds the job a target names, or answers 110 (missing, foreign, or not in the named launch). */
export async function locateJob(db: Db, caller: Caller, target: Target, options: { forUpdate?: boolean } = {}) {
  const { jobId, launchId } = target;
  const found = jobId ? await findVisibleJob(db, caller.userId, jobId, options) : undefined;
  if (!found) throw new ApiError(ErrorCodes.NO_JOB);
  if (launchId !== undefined && launchId !== found.launch.launch_id) throw new ApiError(ErrorCodes.NO_JOB);
  return found;
}

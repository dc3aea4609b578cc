import type { SqlConnection } from '../db/database.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { Answer } from '../render/answer.ts';
import type { Intent, RecipientFilter } from '../request/intent.ts';
import type { JobRow, LaunchRow } from '../store/launches.ts';
import { findRecipients } from '../store/recipients.ts';
import { jobView, launchView, recipientView, recordAnswer, type ViewSettings } from './views.ts';

/**
 * The answer about a record as it now stands (docs/API.md#querying-a-launch-or-a-job): a launch with
 * its jobs, or one job inside its launch — after a query, and after an action alike. With a
 * recipient filter, only the matching recipients — and for a launch only the jobs that have some —
 * are shown; none at all is 117. A JobType given with the filter keeps to jobs of that type.
 */
export interface AnsweredRecord {
  launch: LaunchRow;
  /** The launch's jobs (used when the answer is about the launch). */
  jobs: JobRow[];
  /** The job the answer is about, when the request named one. */
  job?: JobRow | undefined;
}

/** An answer names at most this many recipients; the full list is the job's ReportPath. */
export const MAX_RECIPIENTS_PER_ANSWER = 1000;

/**
 * The record a request names, among what its read found (store/request-read.ts): what it acts on or
 * asks about must be visible, else 111 / 110, exactly as when it does not exist. A launch action is
 * about its launch (with JobID too, about that job of it); a query or a job action with a JobID is
 * about the job, which must belong to the LaunchID if one is given.
 */
export function recordOf(intent: Intent, launch: LaunchRow | undefined, jobs: JobRow[]): AnsweredRecord {
  const { target } = intent;
  if (intent.kind === 'launch-action' || target.jobId === undefined) {
    if (!launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
    if (target.jobId === undefined) return { launch, jobs };
    const job = jobs.find((candidate) => candidate.job_id === target.jobId);
    if (!job) throw new ApiError(ErrorCodes.NO_JOB);
    return { launch, jobs, job };
  }
  const job = jobs[0];
  if (!launch || !job) throw new ApiError(ErrorCodes.NO_JOB);
  if (target.launchId !== undefined && target.launchId !== launch.launch_id) throw new ApiError(ErrorCodes.NO_JOB);
  return { launch, jobs: [job], job };
}

/** The record a request's read should look for: a launch action's launch; otherwise a JobID's job, else a LaunchID's launch. */
export function readTarget(intent: Intent | undefined): { launchId?: number; jobId?: number } {
  if (!intent) return {};
  const { launchId, jobId } = intent.target;
  if (intent.kind === 'launch-action') return typeof launchId === 'number' ? { launchId } : {};
  if (jobId !== undefined) return typeof jobId === 'number' ? { jobId } : {};
  return typeof launchId === 'number' ? { launchId } : {};
}

export async function answerRecord(db: SqlConnection, record: AnsweredRecord, filter: RecipientFilter | undefined, settings: ViewSettings): Promise<Answer> {
  const { launch, job } = record;
  let shown = job ? [job] : record.jobs;
  if (!filter) {
    const views = shown.map((row) => jobView(row, settings));
    return recordAnswer(launch, launchView(launch, views, settings), job ? views[0] : undefined);
  }
  if (filter.jobType !== undefined) shown = shown.filter((row) => row.job_type.toUpperCase() === filter.jobType);
  const recipients = await findRecipients(
    db,
    shown.map((row) => row.job_id),
    filter,
    MAX_RECIPIENTS_PER_ANSWER,
  );
  if (recipients.size === 0) throw new ApiError(ErrorCodes.NO_RECIPIENT);
  const views = shown.filter((row) => recipients.has(row.job_id)).map((row) => jobView(row, settings, recipients.get(row.job_id)!.map(recipientView)));
  return recordAnswer(launch, launchView(launch, views, settings), job ? views[0] : undefined);
}

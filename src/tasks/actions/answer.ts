import { ApiError, ErrorCodes } from '../../errors/error-codes.ts';
import type { TaskResponse } from '../../render/task-response.ts';
import { findRecipients } from '../../recipients/recipient-lookup.ts';
import type { RecipientFilter } from '../intent.ts';
import type { Db, JobRow, LaunchRow } from '../task-store.ts';
import { jobView, launchView, recordResponse, type ViewSettings } from '../task-views.ts';

/**
 * The answer about a record as it now stands (CONTRACT.md §6): a launch with its jobs, or one job
 * inside its launch. With a recipient filter, only the matching recipients — and for a launch only
 * the jobs that have some — are shown; none at all is 117. A JobType given with the filter keeps
 * to jobs of that type.
 */
export interface AnsweredRecord {
  launch: LaunchRow;
  /** The launch's jobs (used when the answer is about the launch). */
  jobs: JobRow[];
  /** The job the answer is about, when the request named one. */
  job?: JobRow | undefined;
}

export async function answerRecord(
  db: Db,
  record: AnsweredRecord,
  filter: RecipientFilter | undefined,
  settings: ViewSettings,
): Promise<TaskResponse> {
  const { launch, job } = record;
  let shown = job ? [job] : record.jobs;
  if (!filter) {
    const views = shown.map((row) => jobView(row, settings));
    return recordResponse(launch, launchView(launch, views, settings), job ? views[0] : undefined);
  }
  if (filter.jobType !== undefined) shown = shown.filter((row) => row.job_type.toUpperCase() === filter.jobType);
  const recipients = await findRecipients(
    db,
    shown.map((row) => row.job_id),
    filter,
  );
  if (recipients.size === 0) throw new ApiError(ErrorCodes.NO_RECIPIENT);
  const views = shown.filter((row) => recipients.has(row.job_id)).map((row) => jobView(row, settings, recipients.get(row.job_id)));
  return recordResponse(launch, launchView(launch, views, settings), job ? views[0] : undefined);
}

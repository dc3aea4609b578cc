import type { Answer, JobView, LaunchView, RecipientView } from '../render/answer.ts';
import { ErrorCodes, errorMessage } from '../errors/error-codes.ts';
import type { JobRow, LaunchRow } from '../store/launches.ts';
import type { RecipientRow } from '../store/recipients.ts';
import { formatExpireTime } from './expire-time.ts';
import { jobStatusText, launchStatusText } from './status-text.ts';

/** Turns database rows into the views the renderers show (pure). */
export interface ViewSettings {
  timeZone: string;
  /** Builds a job's signed ReportPath. */
  reportPath(jobId: number): string;
}

export function recipientView(row: RecipientRow): RecipientView {
  return {
    emailAddress: row.email_address ?? '',
    smsNumber: row.sms_number ?? '',
    externRefNum: row.extern_ref_num ?? '',
    deliveryStatus: row.delivery_status,
  };
}

export function jobView(job: JobRow, settings: ViewSettings, recipients: RecipientView[] = []): JobView {
  return {
    jobId: job.job_id,
    launchId: job.launch_id,
    jobType: job.job_type,
    status: job.status,
    errorCode: job.error_code,
    statusText: jobStatusText(job.status, job.error_code),
    reportPath: settings.reportPath(job.job_id),
    recipients,
  };
}

export function launchView(launch: LaunchRow, jobs: JobView[], settings: ViewSettings): LaunchView {
  return {
    launchId: launch.launch_id,
    launchName: launch.name,
    userId: launch.owner_id,
    status: launch.status,
    errorCode: launch.error_code,
    launchCount: launch.launch_count,
    statusText: launchStatusText(launch.status, launch.error_code, launch.launch_count),
    expireTime: formatExpireTime(launch.expire_time, settings.timeZone),
    jobs,
  };
}

/**
 * A successful answer about a launch (jobId undefined) or about one job of it. Top-level UserID and
 * CustomerID are the record owner's, not the caller's (docs/API.md#xml-answer).
 */
export function recordAnswer(launch: LaunchRow, view: LaunchView, job?: JobView): Answer {
  return {
    errorCode: ErrorCodes.OK,
    errorMsg: errorMessage(ErrorCodes.OK),
    launchId: String(launch.launch_id),
    jobId: job ? String(job.jobId) : '',
    userId: String(launch.owner_id),
    customerId: launch.customer_id,
    reportPath: job ? job.reportPath : '',
    launch: view,
  };
}

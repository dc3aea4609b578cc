import type { JobRow, LaunchRow } from '../store/launches.ts';
import type { JobSnapshot, LaunchSnapshot } from '../store/audit.ts';

/** The parts of a launch or job row an audit entry keeps (pure). Times are ISO-8601 UTC. */
export function launchSnapshot(launch: LaunchRow, deleted = false): LaunchSnapshot {
  return {
    launchId: launch.launch_id,
    status: launch.status,
    errorCode: launch.error_code,
    launchCount: launch.launch_count,
    expireTime: launch.expire_time ? launch.expire_time.toISOString() : null,
    deleted,
  };
}

export function jobSnapshot(job: JobRow, deleted = false): JobSnapshot {
  return {
    jobId: job.job_id,
    launchId: job.launch_id,
    status: job.status,
    errorCode: job.error_code,
    pausedByLaunch: job.paused_by_launch,
    pointsCharged: job.points_charged,
    deleted,
  };
}

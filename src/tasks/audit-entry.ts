import type { Caller } from '../auth/authenticate.ts';
import type { RequestedAction } from '../request/actions.ts';
import type { PageOrigin } from '../request/page-request.ts';
import type { AuditEntry, AuditState, AuditTargetType, JobSnapshot, LaunchSnapshot } from '../store/audit.ts';
import type { JobRow, LaunchRow } from '../store/launches.ts';

/** What an audit entry keeps of a launch or job row (pure; times in ISO-8601 UTC), and the entry itself. */
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

/** Who asked for an action, from where, and what: the parts of an audit entry the request gives. */
export interface Actor {
  caller: Caller;
  origin: PageOrigin;
  requested: RequestedAction;
}

/** The audit entry of an action on a record: accepted (`errorCode` 0, with `after`) or refused (`after` null). */
export function auditEntry(actor: Actor, target: { type: AuditTargetType; id: number | null }, errorCode: number, before: AuditState | null, after: AuditState | null): AuditEntry {
  return {
    accountId: actor.caller.userId,
    login: actor.caller.login,
    clientIp: actor.origin.clientIp,
    origin: actor.origin.via,
    action: actor.requested.label,
    targetType: target.type,
    targetId: target.id,
    errorCode,
    before,
    after,
  };
}

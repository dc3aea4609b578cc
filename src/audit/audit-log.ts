import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../tasks/task-store.ts';

/**
 * The audit log (CONTRACT.md §5): every action, accepted or refused — who, when, from where, what,
 * on which record, with its state before and after. An accepted action writes its entry in the same
 * transaction as its change, so the log never shows a change that did not happen, nor misses one.
 */
export type AuditTargetType = 'launch' | 'job';

/** `api`: a request to TaskManager.aspx; `console`: a signed-in manager in the console. */
export type AuditOrigin = 'api' | 'console';

export interface AuditEntry {
  /** Where the request came from; `api` when not said. */
  origin?: AuditOrigin;
  accountId: number | null;
  login: string;
  clientIp: string;
  /** e.g. `launch.pause`, `job.restart`; `launch.invalid` when the LaunchAction was not 1–5. */
  action: string;
  targetType: AuditTargetType;
  /** The ID the request named; null when what it gave was not an ID. */
  targetId: number | null;
  /** 0 for an accepted action, else the ErrorCode it was refused with. */
  errorCode: number;
  before: AuditState | null;
  after: AuditState | null;
}

/** The state recorded around an action: the records it touched (jobs: those a cascade changed). */
export interface AuditState {
  launch?: LaunchSnapshot;
  job?: JobSnapshot;
  jobs?: JobSnapshot[];
  /** The root account's balance, for actions that move points. */
  rootPoints?: number;
  /** The request's own values worth keeping (e.g. the ExpireTime asked for). */
  request?: Record<string, string>;
  /** The account's sandbox rule answered instead of the action (docs/CONSOLE.md#sandbox). */
  sandbox?: { latencyMs: number; errorCode: number | null };
}

export interface LaunchSnapshot {
  launchId: number;
  status: number;
  errorCode: number;
  launchCount: number;
  expireTime: string | null;
  deleted: boolean;
}

export interface JobSnapshot {
  jobId: number;
  launchId: number;
  status: number;
  errorCode: number;
  pausedByLaunch: boolean;
  pointsCharged: number;
  deleted: boolean;
}

const json = (value: AuditState | null) => (value === null ? Prisma.sql`NULL` : Prisma.sql`${JSON.stringify(value)}::jsonb`);

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.$executeRaw`
    INSERT INTO audit_log (account_id, login, client_ip, action, target_type, target_id, error_code, before, after, origin)
    VALUES (${entry.accountId}::int, ${entry.login}, ${entry.clientIp}, ${entry.action}, ${entry.targetType},
            ${entry.targetId}::int, ${entry.errorCode}::int, ${json(entry.before)}, ${json(entry.after)}, ${entry.origin ?? 'api'})`;
}

export interface AuditFilter {
  launchId?: number;
  jobId?: number;
  /** Compared case-insensitively, like logins everywhere. */
  login?: string;
  /** Only refused (true) or only accepted (false) actions. */
  refused?: boolean;
  limit: number;
}

export interface AuditRow {
  audit_id: bigint;
  at: Date;
  account_id: number | null;
  login: string;
  client_ip: string;
  action: string;
  target_type: AuditTargetType;
  target_id: number | null;
  error_code: number;
  before: AuditState | null;
  after: AuditState | null;
  origin: AuditOrigin;
}

/**
 * The newest entries first. `launchId` also finds the actions on the launch's jobs (the launch is
 * recorded in the job's snapshot).
 */
export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditRow[]> {
  const conditions: Prisma.Sql[] = [];
  if (filter.launchId !== undefined) {
    conditions.push(Prisma.sql`((target_type = 'launch' AND target_id = ${filter.launchId}::int)
      OR (target_type = 'job' AND (before -> 'job' ->> 'launchId')::int = ${filter.launchId}::int))`);
  }
  if (filter.jobId !== undefined) {
    conditions.push(Prisma.sql`((target_type = 'job' AND target_id = ${filter.jobId}::int)
      OR before -> 'jobs' @> ${JSON.stringify([{ jobId: filter.jobId }])}::jsonb)`);
  }
  if (filter.login !== undefined) conditions.push(Prisma.sql`lower(login) = ${filter.login.trim().toLowerCase()}`);
  if (filter.refused !== undefined) conditions.push(filter.refused ? Prisma.sql`error_code <> 0` : Prisma.sql`error_code = 0`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  return db.$queryRaw<AuditRow[]>`
    SELECT audit_id, at, account_id, login, client_ip, action, target_type, target_id, error_code, before, after, origin
      FROM audit_log ${where}
     ORDER BY audit_id DESC
     LIMIT ${filter.limit}::int`;
}

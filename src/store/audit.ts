import { functionStatement, type SqlConnection } from '../db/database.ts';

/**
 * The audit log (docs/API.md#audit-trail): every action, accepted or refused — who, when, from
 * where, through what (the page or the console), what, on which record, with its state before and
 * after. An accepted action writes its entry in the same transaction as its change, so the log
 * never shows a change that did not happen, nor misses one.
 */
export type AuditTargetType = 'launch' | 'job';

export interface AuditEntry {
  accountId: number | null;
  login: string;
  clientIp: string;
  /** Where the request came from: `api` (TaskManager.aspx) or `console`. */
  origin: string;
  /** The action's label in the actions table (request/actions.ts): `launch.pause`, `job.restart`, `launch.invalid`… */
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

const json = (value: AuditState | null) => (value === null ? null : JSON.stringify(value));

/**
 * The INSERT of one audit entry with its parameters numbered after `offset` others (auditValues
 * gives them), so that an action's change can carry its entry in the same statement.
 */
export function auditInsert(offset: number): string {
  const p = (n: number) => `$${offset + n}`;
  return `INSERT INTO audit_log (account_id, login, client_ip, origin, action, target_type, target_id, error_code, before, after)
     VALUES (${p(1)}::int, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::int, ${p(8)}::int, ${p(9)}::jsonb, ${p(10)}::jsonb)`;
}

/** The types of auditValues, for the functions whose statements carry an entry. */
export const AUDIT_PARAMS = ['integer', 'text', 'text', 'text', 'text', 'text', 'integer', 'integer', 'jsonb', 'jsonb'] as const;

export function auditValues(entry: AuditEntry): unknown[] {
  return [entry.accountId, entry.login, entry.clientIp, entry.origin, entry.action, entry.targetType, entry.targetId, entry.errorCode, json(entry.before), json(entry.after)];
}

/** An audit entry on its own: a refused action, or one that changed nothing. */
export async function writeAudit(db: SqlConnection, entry: AuditEntry): Promise<void> {
  await db.query(WRITE_AUDIT, auditValues(entry));
}

export const WRITE_AUDIT = functionStatement('write_audit', AUDIT_PARAMS, auditInsert(0));

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
  audit_id: string;
  at: Date;
  account_id: number | null;
  login: string;
  client_ip: string;
  origin: string;
  action: string;
  target_type: AuditTargetType;
  target_id: number | null;
  error_code: number;
  before: AuditState | null;
  after: AuditState | null;
}

/**
 * The newest entries first. `launchId` also finds the actions on the launch's jobs (the launch is
 * recorded in the job's snapshot).
 */
export async function listAudit(db: SqlConnection, filter: AuditFilter): Promise<AuditRow[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.launchId !== undefined) {
    const id = param(filter.launchId);
    conditions.push(`((target_type = 'launch' AND target_id = ${id}::int)
      OR (target_type = 'job' AND (before -> 'job' ->> 'launchId')::int = ${id}::int))`);
  }
  if (filter.jobId !== undefined) {
    conditions.push(`((target_type = 'job' AND target_id = ${param(filter.jobId)}::int)
      OR before -> 'jobs' @> ${param(JSON.stringify([{ jobId: filter.jobId }]))}::jsonb)`);
  }
  if (filter.login !== undefined) conditions.push(`lower(login) = ${param(filter.login.trim().toLowerCase())}`);
  if (filter.refused !== undefined) conditions.push(filter.refused ? 'error_code <> 0' : 'error_code = 0');
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return db.query<AuditRow>(
    `SELECT audit_id::text AS audit_id, at, account_id, login, client_ip, origin, action, target_type, target_id, error_code, before, after
       FROM audit_log ${where}
      ORDER BY audit_id DESC
      LIMIT ${param(filter.limit)}::int`,
    params,
  );
}

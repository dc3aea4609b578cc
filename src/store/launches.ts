import { functionStatement, type SqlConnection } from '../db/database.ts';
import { AUDIT_PARAMS, auditInsert, auditValues, type AuditEntry } from './audit.ts';

/**
 * Launches (任務) and their jobs (寄送) as the page reads, locks and changes them. What a manager may
 * see is one rule, written once (VISIBLE_LAUNCH): the launch's owner is the manager or an account
 * below it in the tree (one primary-key probe of account_closure), and the launch is not deleted.
 * Anything else is "not found" by the same statement, so a foreign record cannot be told from a
 * missing one.
 */
export interface LaunchRow {
  launch_id: number;
  owner_id: number;
  /** The owner's CustomerID (the answer's top-level CustomerID is the owner's). */
  customer_id: string;
  name: string;
  status: number;
  error_code: number;
  launch_count: number;
  expire_time: Date | null;
}

export interface JobRow {
  job_id: number;
  launch_id: number;
  job_type: string;
  status: number;
  error_code: number;
  cost: number;
  points_charged: number;
  paused_by_launch: boolean;
}

/** The columns of a LaunchRow, from `launch l` joined with its owner `account o`. */
export const LAUNCH_COLUMNS = 'l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time';

/** A launch as one JSON array of its LAUNCH_COLUMNS; launchFromArray reads it. */
export const LAUNCH_ARRAY = `json_build_array(${LAUNCH_COLUMNS})`;

export function launchFromArray(values: readonly unknown[]): LaunchRow {
  const [launch_id, owner_id, customer_id, name, status, error_code, launch_count, expire_time] = values as [
    number, number, string, string, number, number, number, string | null,
  ];
  // JSON carries the time as text.
  return { launch_id, owner_id, customer_id, name, status, error_code, launch_count, expire_time: expire_time === null ? null : new Date(expire_time) };
}

const JOB_FIELDS = ['job_id', 'launch_id', 'job_type', 'status', 'error_code', 'cost', 'points_charged', 'paused_by_launch'] as const;

/** The columns of a JobRow, from `job j`. */
export const JOB_COLUMNS = JOB_FIELDS.map((field) => `j.${field}`).join(', ');

/** A job as one JSON array of its JOB_COLUMNS, where a statement returns jobs inside another row; jobFromArray reads it. */
export const JOB_ARRAY = `json_build_array(${JOB_COLUMNS})`;

/** Field by field, in JOB_FIELDS order: an object literal keeps one shape for every job, which the renderers read fast. */
export function jobFromArray(values: readonly unknown[]): JobRow {
  const [job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch] = values as [
    number, number, string, number, number, number, number, boolean,
  ];
  return { job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch };
}

/**
 * `launch l` with its owner `o`, visible to the account `caller` (an SQL expression): the owner at
 * or below the caller, the launch not deleted. Used as `FROM ${VISIBLE_LAUNCH('$1')} WHERE …`.
 */
export const VISIBLE_LAUNCH = (caller: string) =>
  `launch l
     JOIN account o ON o.user_id = l.owner_id
     JOIN account_closure c ON c.ancestor_id = ${caller} AND c.descendant_id = l.owner_id AND l.deleted_at IS NULL`;

/**
 * A job that still holds its launch's run open: neither finished (STATUS 0, ERRORCODE 0) nor
 * terminated. The simulator's launches wait for these; `j` is the job.
 */
export const UNSETTLED_JOB = `j.deleted_at IS NULL AND NOT ((j.status = 0 AND j.error_code = 0) OR j.error_code = -1)`;

/**
 * The launch, locked for an action, unless it was deleted meanwhile; its jobs are locked next
 * (lockLaunchJobs). Every writer locks a launch before its jobs, so concurrent writers queue
 * instead of deadlocking. Whether the caller may see it was decided by the request's read
 * (VISIBLE_LAUNCH): a launch's owner and the account tree never change, so only a deletion since
 * can make the answer differ, and that is checked here. Locking by key alone also keeps the
 * statement cheap to plan.
 */
export async function lockLaunch(tx: SqlConnection, launchId: number): Promise<LaunchRow | undefined> {
  return (await tx.query<LaunchRow>(LOCK_LAUNCH, [launchId]))[0];
}

export const LOCK_LAUNCH = functionStatement(
  'lock_launch',
  ['integer'],
  `SELECT ${LAUNCH_COLUMNS} FROM launch l JOIN account o ON o.user_id = l.owner_id
    WHERE l.launch_id = $1::int AND l.deleted_at IS NULL FOR UPDATE OF l`,
);

/** The launch's jobs (not deleted), in job_id order, locked in that order. */
export async function lockLaunchJobs(tx: SqlConnection, launchId: number): Promise<JobRow[]> {
  return tx.query<JobRow>(LOCK_LAUNCH_JOBS, [launchId]);
}

export const LOCK_LAUNCH_JOBS = functionStatement(
  'lock_launch_jobs',
  ['integer'],
  `SELECT ${JOB_COLUMNS} FROM job j WHERE j.launch_id = $1::int AND j.deleted_at IS NULL ORDER BY j.job_id FOR UPDATE OF j`,
);

/** Job $1 with its launch, neither deleted, whoever owns them. */
const JOB_WITH_LAUNCH = `SELECT ${LAUNCH_COLUMNS}, ${JOB_ARRAY} AS job
    FROM job j
    JOIN launch l ON l.launch_id = j.launch_id AND l.deleted_at IS NULL
    JOIN account o ON o.user_id = l.owner_id
   WHERE j.job_id = $1::int AND j.deleted_at IS NULL`;

/**
 * A job and its launch, locked for an action, unless either was deleted meanwhile: one statement,
 * the launch's row locked before the job's (the order of `FOR UPDATE OF`), as every writer takes
 * them. Visibility was decided by the request's read, as for lockLaunch.
 */
export async function lockJob(tx: SqlConnection, jobId: number): Promise<{ launch: LaunchRow; job: JobRow } | undefined> {
  return launchWithJob((await tx.query<LaunchRow & { job: unknown[] }>(LOCK_JOB, [jobId]))[0]);
}

export const LOCK_JOB = functionStatement('lock_job', ['integer'], `${JOB_WITH_LAUNCH} FOR UPDATE OF l, j`);

function launchWithJob(row: (LaunchRow & { job: unknown[] }) | undefined): { launch: LaunchRow; job: JobRow } | undefined {
  if (!row) return undefined;
  const { job, ...launch } = row;
  return { launch, job: jobFromArray(job) };
}

/**
 * Writes a launch's new ERRORCODE and ExpireTime with the action's audit entry, in one statement;
 * `deleted` hides the launch from every later request.
 */
export async function writeLaunch(tx: SqlConnection, launch: LaunchRow, deleted: boolean, audit: AuditEntry): Promise<void> {
  await tx.query(WRITE_LAUNCH, [launch.launch_id, launch.error_code, launch.expire_time, deleted, ...auditValues(audit)]);
}

export const WRITE_LAUNCH = functionStatement(
  'write_launch',
  ['integer', 'integer', 'timestamp with time zone', 'boolean', ...AUDIT_PARAMS],
  `WITH audit AS (${auditInsert(4)})
   UPDATE launch SET error_code = $2::int, expire_time = $3::timestamptz,
          deleted_at = CASE WHEN $4::boolean THEN now() ELSE NULL END, updated_at = now()
    WHERE launch_id = $1::int`,
);

/** Writes one job's new state (an action on the job) with the action's audit entry, in one statement. */
export async function writeJob(tx: SqlConnection, job: JobRow, deleted: boolean, audit: AuditEntry): Promise<void> {
  await tx.query(WRITE_JOB, [job.job_id, job.error_code, job.paused_by_launch, job.points_charged, deleted, ...auditValues(audit)]);
}

export const WRITE_JOB = functionStatement(
  'write_job',
  ['integer', 'integer', 'boolean', 'integer', 'boolean', ...AUDIT_PARAMS],
  `WITH audit AS (${auditInsert(5)})
   UPDATE job SET error_code = $2::int, paused_by_launch = $3::boolean, points_charged = $4::int,
          deleted_at = CASE WHEN $5::boolean THEN now() ELSE NULL END, updated_at = now()
    WHERE job_id = $1::int`,
);

/**
 * Writes the jobs a launch action cascaded to: one UPDATE per distinct new state (a cascade gives
 * every job it touches the same one), so a launch of thousands of jobs costs a statement, not
 * thousands. `deleted` marks them deleted with their launch.
 */
export async function writeCascade(tx: SqlConnection, jobs: readonly JobRow[], deleted: boolean): Promise<void> {
  const groups = new Map<string, { errorCode: number; pausedByLaunch: boolean; ids: number[] }>();
  for (const job of jobs) {
    const key = `${job.error_code}:${job.paused_by_launch}`;
    const group = groups.get(key) ?? { errorCode: job.error_code, pausedByLaunch: job.paused_by_launch, ids: [] };
    group.ids.push(job.job_id);
    groups.set(key, group);
  }
  for (const group of groups.values()) await tx.query(WRITE_CASCADE, [group.errorCode, group.pausedByLaunch, deleted, group.ids]);
}

export const WRITE_CASCADE = functionStatement(
  'write_cascade',
  ['integer', 'boolean', 'boolean', 'integer[]'],
  `UPDATE job SET error_code = $1::int, paused_by_launch = $2::boolean,
          deleted_at = CASE WHEN $3::boolean THEN now() ELSE deleted_at END, updated_at = now()
    WHERE job_id = ANY($4::int[])`,
);

/** A job and its launch, neither deleted, whoever owns them: for a signed report link, which is its own authority. */
export async function readReportJob(db: SqlConnection, jobId: number): Promise<{ launch: LaunchRow; job: JobRow } | undefined> {
  return launchWithJob((await db.query<LaunchRow & { job: unknown[] }>(JOB_WITH_LAUNCH, [jobId]))[0]);
}

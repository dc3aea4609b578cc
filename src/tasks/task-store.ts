import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

/**
 * Reading launches and jobs as a manager may see them (CONTRACT.md §3): owned by the caller or by any
 * account below it, and not deleted. Anything else is "not found", by the same query, so a foreign
 * record cannot be told from a missing one.
 */
export type Db = PrismaClient | Prisma.TransactionClient;

export interface LaunchRow {
  launch_id: number;
  owner_id: number;
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

/** `forUpdate` when an action is about to change the rows (CONTRACT.md §5: no lost updates). */
export interface ReadOptions {
  forUpdate?: boolean;
}

const JOB_COLUMNS = Prisma.sql`job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch`;

const lockClause = (options: ReadOptions, of?: string) =>
  options.forUpdate ? Prisma.raw(of ? `FOR UPDATE OF ${of}` : 'FOR UPDATE') : Prisma.empty;

export async function findVisibleLaunch(db: Db, callerId: number, launchId: number, options: ReadOptions = {}): Promise<LaunchRow | undefined> {
  // The closure join is one primary-key probe: (caller, owner) is in it iff the owner is at or below the caller.
  const rows = await db.$queryRaw<LaunchRow[]>`
    SELECT l.launch_id, l.owner_id, a.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time
      FROM launch l
      JOIN account a ON a.user_id = l.owner_id
      JOIN account_closure c ON c.ancestor_id = ${callerId}::int AND c.descendant_id = l.owner_id
     WHERE l.launch_id = ${launchId}::int AND l.deleted_at IS NULL
     ${lockClause(options, 'l')}`;
  return rows[0];
}

/** The job and its launch, when the caller may see them; locks both rows when asked to. */
export async function findVisibleJob(
  db: Db,
  callerId: number,
  jobId: number,
  options: ReadOptions = {},
): Promise<{ launch: LaunchRow; job: JobRow } | undefined> {
  const found = await db.$queryRaw<Array<{ launch_id: number }>>`
    SELECT launch_id FROM job WHERE job_id = ${jobId}::int AND deleted_at IS NULL`;
  const launchId = found[0]?.launch_id;
  if (launchId === undefined) return undefined;
  // Launch first, then job: every transaction that locks both takes them in this order (no deadlocks).
  const launch = await findVisibleLaunch(db, callerId, launchId, options);
  if (!launch) return undefined;
  const jobs = await db.$queryRaw<JobRow[]>`
    SELECT ${JOB_COLUMNS} FROM job WHERE job_id = ${jobId}::int AND deleted_at IS NULL ${lockClause(options)}`;
  const job = jobs[0];
  // A job deleted between the two reads is gone for this request.
  if (!job || job.launch_id !== launch.launch_id) return undefined;
  return { launch, job };
}

export async function listLaunchJobs(db: Db, launchId: number, options: ReadOptions = {}): Promise<JobRow[]> {
  return db.$queryRaw<JobRow[]>`
    SELECT ${JOB_COLUMNS} FROM job WHERE launch_id = ${launchId}::int AND deleted_at IS NULL
     ORDER BY job_id ${lockClause(options)}`;
}

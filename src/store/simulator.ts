import type { SqlConnection } from '../db/database.ts';
import { UNSETTLED_JOB } from './launches.ts';

/**
 * The simulator's statements (its loop and rules: src/sim/). Rows are taken FOR UPDATE SKIP LOCKED,
 * so several simulators (or server instances) on one PostgreSQL share the work: a row one of them
 * holds is left to it. Launch before job before root account, the order of every writer.
 *
 * Times travel as ISO text cast to timestamptz, so no driver or session time zone can shift them.
 */
export interface SimLaunch {
  launch_id: number;
  owner_id: number;
  status: number;
  error_code: number;
  deleted: boolean;
  launch_count: number;
  recur_seconds: number | null;
  expire_time: Date | null;
  next_run_at: Date | null;
}

export interface SimJob {
  job_id: number;
  launch_id: number;
  status: number;
  error_code: number;
  cost: number;
  points_charged: number;
  deleted: boolean;
  next_step_at: Date | null;
}

export type Delivery = 'none' | 'send-half' | 'send-rest' | 'confirm';

const iso = (date: Date) => date.toISOString();

/** Jobs that may be due a step (candidates only: each is checked again under its locks). */
export async function dueJobs(db: SqlConnection, now: Date, limit: number): Promise<Array<{ job_id: number; launch_id: number }>> {
  return db.query(
    `SELECT j.job_id, j.launch_id FROM job j JOIN launch l ON l.launch_id = j.launch_id
      WHERE j.deleted_at IS NULL AND l.deleted_at IS NULL AND j.error_code = 0 AND l.error_code = 0
        AND j.status BETWEEN 1 AND 8 AND l.status IN (2, 3)
        AND (j.next_step_at IS NULL OR j.next_step_at <= $1::timestamptz)
      ORDER BY j.next_step_at NULLS FIRST, j.job_id
      LIMIT $2::int`,
    [iso(now), limit],
  );
}

/** Launches that may be due a step: waiting or launching, or started with every job of the run settled. */
export async function dueLaunches(db: SqlConnection, now: Date, limit: number): Promise<number[]> {
  const rows = await db.query<{ launch_id: number }>(
    `SELECT l.launch_id FROM launch l
      WHERE l.deleted_at IS NULL AND l.error_code = 0 AND l.status IN (1, 2, 3)
        AND (l.next_run_at IS NULL OR l.next_run_at <= $1::timestamptz)
        AND (l.status <> 3 OR NOT EXISTS (SELECT 1 FROM job j WHERE j.launch_id = l.launch_id AND ${UNSETTLED_JOB}))
      ORDER BY l.next_run_at NULLS FIRST, l.launch_id
      LIMIT $2::int`,
    [iso(now), limit],
  );
  return rows.map((row) => row.launch_id);
}

/** The launch, locked, unless another transaction holds it. */
export async function lockLaunchIfFree(tx: SqlConnection, launchId: number): Promise<SimLaunch | undefined> {
  const rows = await tx.query<SimLaunch>(
    `SELECT launch_id, owner_id, status, error_code, deleted_at IS NOT NULL AS deleted, launch_count,
            recur_seconds, expire_time, next_run_at
       FROM launch WHERE launch_id = $1::int
        FOR UPDATE SKIP LOCKED`,
    [launchId],
  );
  return rows[0];
}

/** The job, locked, unless another transaction holds it. */
export async function lockJobIfFree(tx: SqlConnection, jobId: number): Promise<SimJob | undefined> {
  const rows = await tx.query<SimJob>(
    `SELECT job_id, launch_id, status, error_code, cost, points_charged, deleted_at IS NOT NULL AS deleted, next_step_at
       FROM job WHERE job_id = $1::int
        FOR UPDATE SKIP LOCKED`,
    [jobId],
  );
  return rows[0];
}

/** Jobs of the launch that still hold its run open (the launch is locked, so the count is stable). */
export async function countUnsettledJobs(tx: SqlConnection, launchId: number): Promise<number> {
  const rows = await tx.query<{ unsettled: number }>(`SELECT count(*)::int AS unsettled FROM job j WHERE j.launch_id = $1::int AND ${UNSETTLED_JOB}`, [
    launchId,
  ]);
  return rows[0]?.unsettled ?? 0;
}

/** Stops the job where it stands with ERRORCODE `errorCode` (201: out of points), waiting for a restart. */
export async function stopJob(tx: SqlConnection, jobId: number, errorCode: number): Promise<void> {
  await tx.query(`UPDATE job SET error_code = $2::int, next_step_at = NULL, updated_at = now() WHERE job_id = $1::int`, [jobId, errorCode]);
}

/** Spends points of a root account whose row the caller has locked and judged. */
export async function spendPoints(tx: SqlConnection, rootId: number, amount: number): Promise<void> {
  await tx.query(`UPDATE account SET points = points - $2::int WHERE user_id = $1::int`, [rootId, amount]);
}

/** Moves the job to `status`, adding `charge` to what it has been charged; `nextStepAt` null when it is done. */
export async function advanceJob(tx: SqlConnection, jobId: number, status: number, charge: number, nextStepAt: Date | null): Promise<void> {
  await tx.query(
    `UPDATE job SET status = $2::int, points_charged = points_charged + $3::int, next_step_at = $4::timestamptz, updated_at = now()
      WHERE job_id = $1::int`,
    [jobId, status, charge, nextStepAt && iso(nextStepAt)],
  );
}

/** Recipients' delivery status as a stage is left. */
export async function deliver(tx: SqlConnection, jobId: number, delivery: Delivery): Promise<void> {
  switch (delivery) {
    case 'none':
      return;
    case 'send-half':
      // The first half (rounded up) of the recipients still pending.
      await tx.query(
        `WITH pending AS (
           SELECT recipient_id, row_number() OVER (ORDER BY recipient_id) AS rn, count(*) OVER () AS n
             FROM recipient WHERE job_id = $1::int AND delivery_status = 'PENDING')
         UPDATE recipient r SET delivery_status = 'SENT', updated_at = now()
           FROM pending p WHERE r.recipient_id = p.recipient_id AND p.rn * 2 <= p.n + 1`,
        [jobId],
      );
      return;
    case 'send-rest':
      await tx.query(`UPDATE recipient SET delivery_status = 'SENT', updated_at = now() WHERE job_id = $1::int AND delivery_status = 'PENDING'`, [jobId]);
      return;
    case 'confirm':
      await tx.query(`UPDATE recipient SET delivery_status = 'DELIVERED', updated_at = now() WHERE job_id = $1::int AND delivery_status = 'SENT'`, [jobId]);
      return;
  }
}

/** A launch's new STATUS (and LAUNCHCOUNT when it fires), and when it is next due (null: not by time). */
export async function stepLaunchTo(tx: SqlConnection, launchId: number, status: number, launchCount: number, nextRunAt: Date | null): Promise<void> {
  await tx.query(
    `UPDATE launch SET status = $2::int, launch_count = $3::int, next_run_at = $4::timestamptz, updated_at = now() WHERE launch_id = $1::int`,
    [launchId, status, launchCount, nextRunAt && iso(nextRunAt)],
  );
}

/**
 * A new run's jobs: one per job type the launch has sent before, copied from the latest job of that
 * type (its cost and its recipients, all pending again).
 */
export async function createRunJobs(tx: SqlConnection, launchId: number, firstStepAt: Date): Promise<void> {
  const templates = await tx.query<{ job_id: number; job_type: string; cost: number }>(
    `SELECT DISTINCT ON (job_type) job_id, job_type, cost FROM job
      WHERE launch_id = $1::int AND deleted_at IS NULL
      ORDER BY job_type, job_id DESC`,
    [launchId],
  );
  for (const template of templates) {
    const created = await tx.query<{ job_id: number }>(
      `INSERT INTO job (launch_id, job_type, status, error_code, cost, points_charged, next_step_at, updated_at)
       VALUES ($1::int, $2, 1, 0, $3::int, 0, $4::timestamptz, now())
       RETURNING job_id`,
      [launchId, template.job_type, template.cost, iso(firstStepAt)],
    );
    await tx.query(
      `INSERT INTO recipient (job_id, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, delivery_status, updated_at)
       SELECT $1::int, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, 'PENDING', now()
         FROM recipient WHERE job_id = $2::int ORDER BY recipient_id`,
      [created[0]!.job_id, template.job_id],
    );
  }
}

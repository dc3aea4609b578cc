import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { simulatorSteps } from '../metrics/process-metrics.ts';
import { OUT_OF_POINTS, planJobStep, planLaunchStep, stepMayCharge, type Delivery } from './next-state.ts';

/**
 * The simulator: makes the embedded demo (or a test database) behave like production by moving
 * jobs and launches on over time (rules: sim/next-state.ts).
 *
 * It never races the API: each step is one transaction that locks the launch, then the job, then the
 * root account (the order every action uses), re-reads them under the locks and skips anything
 * paused, terminated, deleted, finished or no longer due. Rows are taken with FOR UPDATE SKIP LOCKED,
 * so several simulators (or server instances) on one PostgreSQL share the work: a row one of them
 * holds is left to it, and once it commits, the step it took has pushed the row's next step time
 * past `now`, so nobody takes that step again.
 */
export type SimLogger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>;

export interface SimulatorOptions {
  /** How long a job stays at a stage (and a launch at "launching") before its next step. */
  stepMs: number;
  /** Most jobs (and launches) looked at per tick. */
  batchSize?: number;
  log?: SimLogger | undefined;
}

export interface TickResult {
  jobsAdvanced: number;
  jobsOutOfPoints: number;
  launchesStepped: number;
  /** Candidates another simulator or an action held, or that changed before they were locked. */
  skipped: number;
}

type Tx = Prisma.TransactionClient;

interface LockedLaunch {
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

interface LockedJob {
  job_id: number;
  launch_id: number;
  status: number;
  error_code: number;
  cost: number;
  points_charged: number;
  deleted: boolean;
  next_step_at: Date | null;
}

/** Times travel as ISO text cast to timestamptz: no driver or session time zone can shift them. */
function ts(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString()}::timestamptz`;
}

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export class Simulator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Moved on by stop(): a pass started before ends after the step it is taking. */
  private generation = 0;
  private readonly batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly options: SimulatorOptions,
  ) {
    this.batchSize = options.batchSize ?? 100;
  }

  /** Ticks every `tickMs` until stop(); ticks never overlap. A failing tick is logged and retried. */
  start(tickMs: number): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.runOnce().catch((error: unknown) => {
        this.options.log?.warn({ err: error }, 'simulator tick failed; retrying next tick');
      });
      await this.running;
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(loop, tickMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops ticking; a tick in progress ends after its current step, whose transaction commits or rolls back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: every due job one step, then every due launch one step. */
  async runOnce(now: Date = new Date()): Promise<TickResult> {
    const result: TickResult = { jobsAdvanced: 0, jobsOutOfPoints: 0, launchesStepped: 0, skipped: 0 };
    const generation = this.generation;
    const halted = () => this.generation !== generation;
    for (const { job_id: jobId, launch_id: launchId } of await this.dueJobs(now)) {
      await yieldToRequests();
      if (halted()) break;
      const outcome = await this.stepJob(jobId, launchId, now);
      if (outcome === 'advanced') result.jobsAdvanced++;
      else if (outcome === 'out-of-points') result.jobsOutOfPoints++;
      else result.skipped++;
      simulatorSteps.inc({ kind: `job-${outcome}` });
    }
    for (const launchId of halted() ? [] : await this.dueLaunches(now)) {
      await yieldToRequests();
      if (halted()) break;
      const outcome = await this.stepLaunch(launchId, now);
      if (outcome === 'skipped') result.skipped++;
      else result.launchesStepped++;
      simulatorSteps.inc({ kind: `launch-${outcome}` });
    }
    return result;
  }

  private later(now: Date): Date {
    return new Date(now.getTime() + this.options.stepMs);
  }

  /** Candidates only (no locks): each is re-checked under its locks. */
  private async dueJobs(now: Date): Promise<Array<{ job_id: number; launch_id: number }>> {
    return this.db.prisma.$queryRaw<Array<{ job_id: number; launch_id: number }>>`
      SELECT j.job_id, j.launch_id FROM job j JOIN launch l ON l.launch_id = j.launch_id
       WHERE j.deleted_at IS NULL AND l.deleted_at IS NULL AND j.error_code = 0 AND l.error_code = 0
         AND j.status BETWEEN 1 AND 8 AND l.status IN (2, 3)
         AND (j.next_step_at IS NULL OR j.next_step_at <= ${ts(now)})
       ORDER BY j.next_step_at NULLS FIRST, j.job_id
       LIMIT ${this.batchSize}::int`;
  }

  private async dueLaunches(now: Date): Promise<number[]> {
    const rows = await this.db.prisma.$queryRaw<Array<{ launch_id: number }>>`
      SELECT l.launch_id FROM launch l
       WHERE l.deleted_at IS NULL AND l.error_code = 0 AND l.status IN (1, 2, 3)
         AND (l.next_run_at IS NULL OR l.next_run_at <= ${ts(now)})
         AND (l.status <> 3 OR NOT EXISTS (
               SELECT 1 FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL
                  AND NOT ((j.status = 0 AND j.error_code = 0) OR j.error_code = -1)))
       ORDER BY l.next_run_at NULLS FIRST, l.launch_id
       LIMIT ${this.batchSize}::int`;
    return rows.map((row) => row.launch_id);
  }

  private async lockLaunch(tx: Tx, launchId: number): Promise<LockedLaunch | undefined> {
    const rows = await tx.$queryRaw<LockedLaunch[]>`
      SELECT launch_id, owner_id, status, error_code, deleted_at IS NOT NULL AS deleted, launch_count,
             recur_seconds, expire_time, next_run_at
        FROM launch WHERE launch_id = ${launchId}::int
         FOR UPDATE SKIP LOCKED`;
    return rows[0];
  }

  private async stepJob(jobId: number, launchId: number, now: Date): Promise<'advanced' | 'out-of-points' | 'skipped'> {
    return this.db.prisma.$transaction(async (tx) => {
      // Launch first, then job: the lock order of every action (tasks/task-store.ts).
      const launch = await this.lockLaunch(tx, launchId);
      if (!launch) return 'skipped';
      const jobs = await tx.$queryRaw<LockedJob[]>`
        SELECT job_id, launch_id, status, error_code, cost, points_charged, deleted_at IS NOT NULL AS deleted, next_step_at
          FROM job WHERE job_id = ${jobId}::int
           FOR UPDATE SKIP LOCKED`;
      const job = jobs[0];
      if (!job || job.launch_id !== launchId) return 'skipped';
      // Another simulator took this step while we were on our way here.
      if (job.next_step_at && job.next_step_at.getTime() > now.getTime()) return 'skipped';
      const jobState = {
        status: job.status,
        errorCode: job.error_code,
        cost: job.cost,
        pointsCharged: job.points_charged,
        deleted: job.deleted,
      };
      const launchState = { status: launch.status, errorCode: launch.error_code, deleted: launch.deleted };
      let root: { user_id: number; points: number } | undefined;
      if (stepMayCharge(jobState)) {
        // Then the root account of the owner's tree, whose points the whole tree shares.
        const roots = await tx.$queryRaw<Array<{ user_id: number; points: number }>>`
          SELECT r.user_id, r.points FROM account r
           WHERE r.user_id = (SELECT o.root_id FROM account o WHERE o.user_id = ${launch.owner_id}::int)
             FOR UPDATE OF r`;
        root = roots[0];
      }
      const step = planJobStep(jobState, launchState, root?.points ?? 0);
      if (step.kind === 'skip') return 'skipped';
      if (step.kind === 'out-of-points') {
        await tx.$executeRaw`
          UPDATE job SET error_code = ${OUT_OF_POINTS}::int, next_step_at = NULL, updated_at = now() WHERE job_id = ${jobId}::int`;
        this.options.log?.info({ jobId, needed: step.needed, rootId: root?.user_id }, 'simulator: root account out of points; job stopped with 201');
        return 'out-of-points';
      }
      if (step.charge > 0 && root) {
        await tx.$executeRaw`UPDATE account SET points = points - ${step.charge}::int WHERE user_id = ${root.user_id}::int`;
      }
      await tx.$executeRaw`
        UPDATE job SET status = ${step.status}::int, points_charged = points_charged + ${step.charge}::int,
               next_step_at = ${step.status === 0 ? null : ts(this.later(now))}, updated_at = now()
         WHERE job_id = ${jobId}::int`;
      await deliver(tx, jobId, step.delivery);
      return 'advanced';
    }, TX_OPTIONS);
  }

  private async stepLaunch(launchId: number, now: Date): Promise<'fired' | 'started' | 'finished' | 'rearmed' | 'skipped'> {
    return this.db.prisma.$transaction(async (tx) => {
      const launch = await this.lockLaunch(tx, launchId);
      if (!launch) return 'skipped';
      // Every writer of a launch's jobs holds the launch's lock first, so this count is stable.
      const counts = await tx.$queryRaw<Array<{ unsettled: number }>>`
        SELECT count(*)::int AS unsettled FROM job
         WHERE launch_id = ${launchId}::int AND deleted_at IS NULL
           AND NOT ((status = 0 AND error_code = 0) OR error_code = -1)`;
      const step = planLaunchStep(
        {
          status: launch.status,
          errorCode: launch.error_code,
          deleted: launch.deleted,
          launchCount: launch.launch_count,
          recurSeconds: launch.recur_seconds,
          expireTime: launch.expire_time,
          nextRunAt: launch.next_run_at,
          unsettledJobs: counts[0]?.unsettled ?? 0,
        },
        now,
      );
      switch (step.kind) {
        case 'skip':
          return 'skipped';
        case 'fire':
          await tx.$executeRaw`
            UPDATE launch SET status = 2, launch_count = ${step.launchCount}::int, next_run_at = ${ts(this.later(now))}, updated_at = now()
             WHERE launch_id = ${launchId}::int`;
          if (step.createJobs) await this.createRunJobs(tx, launchId, now);
          return 'fired';
        case 'start':
          await tx.$executeRaw`UPDATE launch SET status = 3, next_run_at = NULL, updated_at = now() WHERE launch_id = ${launchId}::int`;
          return 'started';
        case 'finish':
          await tx.$executeRaw`UPDATE launch SET status = 0, next_run_at = NULL, updated_at = now() WHERE launch_id = ${launchId}::int`;
          return 'finished';
        case 'rearm':
          await tx.$executeRaw`
            UPDATE launch SET status = 1, next_run_at = ${ts(step.nextRunAt)}, updated_at = now() WHERE launch_id = ${launchId}::int`;
          return 'rearmed';
      }
    }, TX_OPTIONS);
  }

  /**
   * A new run's jobs: one per job type the launch has sent before, copied from the latest job of that
   * type (its cost and its recipients, all pending again).
   */
  private async createRunJobs(tx: Tx, launchId: number, now: Date): Promise<void> {
    const templates = await tx.$queryRaw<Array<{ job_id: number; job_type: string; cost: number }>>`
      SELECT DISTINCT ON (job_type) job_id, job_type, cost FROM job
       WHERE launch_id = ${launchId}::int AND deleted_at IS NULL
       ORDER BY job_type, job_id DESC`;
    for (const template of templates) {
      const created = await tx.$queryRaw<Array<{ job_id: number }>>`
        INSERT INTO job (launch_id, job_type, status, error_code, cost, points_charged, next_step_at, updated_at)
        VALUES (${launchId}::int, ${template.job_type}, 1, 0, ${template.cost}::int, 0, ${ts(this.later(now))}, now())
        RETURNING job_id`;
      await tx.$executeRaw`
        INSERT INTO recipient (job_id, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, delivery_status, updated_at)
        SELECT ${created[0]!.job_id}::int, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, 'PENDING', now()
          FROM recipient WHERE job_id = ${template.job_id}::int ORDER BY recipient_id`;
    }
  }
}

/**
 * Lets the event loop take pending I/O (new requests) between two steps. The embedded database runs
 * its queries on the main thread, and a chain of awaits on it never reaches the poll phase: without
 * this a tick of many steps would hold every request back until it ends.
 */
function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Recipients' delivery status as a stage is left (next-state.ts: deliveryLeaving). */
async function deliver(tx: Tx, jobId: number, delivery: Delivery): Promise<void> {
  switch (delivery) {
    case 'none':
      return;
    case 'send-half':
      await tx.$executeRaw`
        WITH pending AS (
          SELECT recipient_id, row_number() OVER (ORDER BY recipient_id) AS rn, count(*) OVER () AS n
            FROM recipient WHERE job_id = ${jobId}::int AND delivery_status = 'PENDING')
        UPDATE recipient r SET delivery_status = 'SENT', updated_at = now()
          FROM pending p WHERE r.recipient_id = p.recipient_id AND p.rn * 2 <= p.n + 1`;
      return;
    case 'send-rest':
      await tx.$executeRaw`
        UPDATE recipient SET delivery_status = 'SENT', updated_at = now() WHERE job_id = ${jobId}::int AND delivery_status = 'PENDING'`;
      return;
    case 'confirm':
      await tx.$executeRaw`
        UPDATE recipient SET delivery_status = 'DELIVERED', updated_at = now() WHERE job_id = ${jobId}::int AND delivery_status = 'SENT'`;
      return;
  }
}

import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { lockRootAccount } from '../store/accounts.ts';
import {
  advanceJob,
  countUnsettledJobs,
  createRunJobs,
  deliver,
  dueJobs,
  dueLaunches,
  lockJobIfFree,
  lockLaunchIfFree,
  spendPoints,
  stepLaunchTo,
  stopJob,
} from '../store/simulator.ts';
import { OUT_OF_POINTS, planJobStep, planLaunchStep, stepMayCharge } from './next-state.ts';

/**
 * The simulator: makes the embedded demo (or a test database) behave like production by moving
 * jobs and launches on over time (rules: sim/next-state.ts; statements: store/simulator.ts).
 *
 * It never races the API: each step is one transaction that locks the launch, then the job, then the
 * root account (the order every action uses), re-reads them under the locks and skips anything
 * paused, terminated, deleted, finished or no longer due. Rows are taken with SKIP LOCKED, so several
 * simulators (or server instances) on one PostgreSQL share the work: a row one of them holds is left
 * to it, and once it commits, the step it took has pushed the row's next step time past `now`, so
 * nobody takes that step again.
 */
export type SimLogger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug'>;

export interface SimulatorOptions {
  /** How long a job stays at a stage (and a launch at "launching") before its next step. */
  stepMs: number;
  /** Most jobs (and launches) looked at per tick. */
  batchSize?: number;
  log?: SimLogger | undefined;
  /** Told what every step did (`job-advanced`, `launch-fired`, …): the metrics' step counter. */
  onStep?: (kind: string) => void;
}

export interface TickResult {
  jobsAdvanced: number;
  jobsOutOfPoints: number;
  launchesStepped: number;
  /** Candidates another simulator or an action held, or that changed before they were locked. */
  skipped: number;
}

export class Simulator {
  /** Aborted by stop(): the loop ticks no more, and a pass under way ends after the step it is taking. */
  #stop = new AbortController();
  #running: Promise<void> | undefined;
  readonly #batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly options: SimulatorOptions,
  ) {
    this.#batchSize = options.batchSize ?? 100;
  }

  /** Ticks every `tickMs` until stop(); ticks never overlap. A failing tick is logged and retried. */
  start(tickMs: number): void {
    if (this.#running) return;
    this.#stop = new AbortController();
    const signal = this.#stop.signal;
    this.#running = (async () => {
      while (!signal.aborted) {
        await this.runOnce(new Date(), signal).catch((error: unknown) => {
          this.options.log?.warn({ err: error }, 'simulator tick failed; retrying next tick');
        });
        await sleep(tickMs, signal);
      }
    })();
  }

  /** Stops ticking; a tick in progress ends after its current step, whose transaction commits or rolls back. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
    this.#running = undefined;
  }

  /** One pass: every due job one step, then every due launch one step. */
  async runOnce(now: Date = new Date(), signal: AbortSignal = new AbortController().signal): Promise<TickResult> {
    const result: TickResult = { jobsAdvanced: 0, jobsOutOfPoints: 0, launchesStepped: 0, skipped: 0 };
    for (const { job_id: jobId, launch_id: launchId } of await dueJobs(this.db, now, this.#batchSize)) {
      await yieldToRequests();
      if (signal.aborted) return result;
      const outcome = await this.stepJob(jobId, launchId, now);
      if (outcome === 'advanced') result.jobsAdvanced++;
      else if (outcome === 'out-of-points') result.jobsOutOfPoints++;
      else result.skipped++;
      this.options.onStep?.(`job-${outcome}`);
    }
    for (const launchId of await dueLaunches(this.db, now, this.#batchSize)) {
      await yieldToRequests();
      if (signal.aborted) return result;
      const outcome = await this.stepLaunch(launchId, now);
      if (outcome === 'skipped') result.skipped++;
      else result.launchesStepped++;
      this.options.onStep?.(`launch-${outcome}`);
    }
    return result;
  }

  private later(now: Date): Date {
    return new Date(now.getTime() + this.options.stepMs);
  }

  private stepJob(jobId: number, launchId: number, now: Date): Promise<'advanced' | 'out-of-points' | 'skipped'> {
    return this.db.transaction(async (tx) => {
      const launch = await lockLaunchIfFree(tx, launchId);
      if (!launch) return 'skipped';
      const job = await lockJobIfFree(tx, jobId);
      if (!job || job.launch_id !== launchId) return 'skipped';
      // Another simulator took this step while we were on our way here.
      if (job.next_step_at && job.next_step_at.getTime() > now.getTime()) return 'skipped';
      const jobState = { status: job.status, errorCode: job.error_code, cost: job.cost, pointsCharged: job.points_charged, deleted: job.deleted };
      // The root account of the owner's tree, whose points the whole tree shares, only when this step may cost some.
      const root = stepMayCharge(jobState) ? await lockRootAccount(tx, launch.owner_id) : undefined;
      const step = planJobStep(jobState, { status: launch.status, errorCode: launch.error_code, deleted: launch.deleted }, root?.points ?? 0);
      if (step.kind === 'skip') return 'skipped';
      if (step.kind === 'out-of-points') {
        await stopJob(tx, jobId, OUT_OF_POINTS);
        this.options.log?.info({ jobId, needed: step.needed, rootId: root?.user_id }, 'simulator: root account out of points; job stopped with 201');
        return 'out-of-points';
      }
      if (step.charge > 0 && root) await spendPoints(tx, root.user_id, step.charge);
      await advanceJob(tx, jobId, step.status, step.charge, step.status === 0 ? null : this.later(now));
      await deliver(tx, jobId, step.delivery);
      return 'advanced';
    });
  }

  private stepLaunch(launchId: number, now: Date): Promise<'fired' | 'started' | 'finished' | 'rearmed' | 'skipped'> {
    return this.db.transaction(async (tx) => {
      const launch = await lockLaunchIfFree(tx, launchId);
      if (!launch) return 'skipped';
      const step = planLaunchStep(
        {
          status: launch.status,
          errorCode: launch.error_code,
          deleted: launch.deleted,
          launchCount: launch.launch_count,
          recurSeconds: launch.recur_seconds,
          expireTime: launch.expire_time,
          nextRunAt: launch.next_run_at,
          // Every writer of a launch's jobs holds the launch's lock first, so this count is stable.
          unsettledJobs: await countUnsettledJobs(tx, launchId),
        },
        now,
      );
      switch (step.kind) {
        case 'skip':
          return 'skipped';
        case 'fire':
          await stepLaunchTo(tx, launchId, 2, step.launchCount, this.later(now));
          if (step.createJobs) await createRunJobs(tx, launchId, this.later(now));
          return 'fired';
        case 'start':
          await stepLaunchTo(tx, launchId, 3, launch.launch_count, null);
          return 'started';
        case 'finish':
          await stepLaunchTo(tx, launchId, 0, launch.launch_count, null);
          return 'finished';
        case 'rearm':
          await stepLaunchTo(tx, launchId, 1, launch.launch_count, step.nextRunAt);
          return 'rearmed';
      }
    });
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

/** Waits `ms`, or until the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

import type { Database } from '../db/database.ts';
import type { AccountRow } from '../auth/authenticate.ts';
import { failureKey } from '../auth/lockout.ts';
import { loginKey } from '../accounts/login-key.ts';
import type { TaskResponse } from '../render/task-response.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { readIntent, type Intent } from './intent.ts';
import { checkJobTarget, jobAnswer, launchAnswer } from './query-task.ts';
import { answerRecord } from './actions/answer.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { TaskContext } from './task-context.ts';
import type { Db, JobRow, LaunchRow } from './task-store.ts';
import type { ViewSettings } from './task-views.ts';

/**
 * The hot path's single database round trip (issue 6, docs/PERFORMANCE.md): the caller's account
 * row, its brute-force lockout state and, for a plain query, the record it names with ownership
 * already checked — one statement instead of four, through the driver rather than Prisma.
 *
 * Nothing read here is shown to anyone before the password is verified: the record is read
 * speculatively and thrown away on any refusal, in the contract's checking order (CONTRACT.md §5).
 * Visibility is the rule of task-store.ts (owner at or below the caller, not deleted), by the same
 * joins, so a foreign record reads exactly like a missing one.
 */
export interface RequestReadKeys {
  loginKey: string;
  /** login_failure's key of the login (auth/lockout.ts failureKey). */
  failureKey: string;
  /** Prefetch this launch with its jobs (a LaunchID query). */
  launchId?: number | undefined;
  /** Prefetch this job with its launch (a JobID query). */
  jobId?: number | undefined;
}

export interface RequestRead {
  /** The record this read looked for (none: account and lockout state only). */
  prefetched: { launchId?: number; jobId?: number };
  account: AccountRow | undefined;
  /** undefined: the login has no failure record; else whether it is locked now. */
  locked: boolean | undefined;
  /** Present when a record was asked for and is visible to the account. */
  launch?: LaunchRow | undefined;
  jobs?: JobRow[] | undefined;
}

const ACCOUNT_AND_LOCK = `
  SELECT a.user_id, a.login, a.password_hash, a.customer_id, a.root_id, a.licences, f.locked
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN account a ON a.login_key = $1::text
    LEFT JOIN LATERAL (
      SELECT (locked_until IS NOT NULL AND locked_until > now()) AS locked
        FROM login_failure WHERE login_key = $2::text) f ON true`;

const LAUNCH_COLUMNS = `l.launch_id, l.owner_id, o.customer_id AS owner_customer_id, l.name, l.status, l.error_code,
       l.launch_count, l.expire_time`;

// Jobs travel as one JSON array of arrays: one row per request however many jobs the launch has.
const JOB_ARRAY = `json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch)`;

const VISIBLE_OWNER = `JOIN account o ON o.user_id = l.owner_id
      JOIN account_closure c ON c.ancestor_id = q.user_id AND c.descendant_id = l.owner_id`;

const WITH_LAUNCH = `
  SELECT q.*, r.* FROM (${ACCOUNT_AND_LOCK}) q
    LEFT JOIN LATERAL (
      SELECT ${LAUNCH_COLUMNS},
             (SELECT coalesce(json_agg(${JOB_ARRAY} ORDER BY j.job_id), '[]'::json)
                FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL) AS jobs
        FROM launch l ${VISIBLE_OWNER}
       WHERE l.launch_id = $3::int AND l.deleted_at IS NULL) r ON true`;

const WITH_JOB = `
  SELECT q.*, r.* FROM (${ACCOUNT_AND_LOCK}) q
    LEFT JOIN LATERAL (
      SELECT ${LAUNCH_COLUMNS}, json_build_array(${JOB_ARRAY}) AS jobs
        FROM job j
        JOIN launch l ON l.launch_id = j.launch_id AND l.deleted_at IS NULL
        ${VISIBLE_OWNER}
       WHERE j.job_id = $3::int AND j.deleted_at IS NULL) r ON true`;

type JobTuple = [number, number, string, number, number, number, number, boolean];

interface ReadRow {
  user_id: number | null;
  login: string | null;
  password_hash: string | null;
  customer_id: string | null;
  root_id: number | null;
  licences: string[] | null;
  locked: boolean | null;
  launch_id?: number | null;
  owner_id?: number | null;
  owner_customer_id?: string | null;
  name?: string | null;
  status?: number | null;
  error_code?: number | null;
  launch_count?: number | null;
  expire_time?: Date | string | null;
  jobs?: JobTuple[] | null;
}

/** Named statements are parsed and planned once per pooled connection (PostgreSQL only). */
async function run(db: Database, name: string, text: string, values: unknown[]): Promise<ReadRow> {
  const rows = db.pool
    ? (await db.pool.query<ReadRow>({ name, text, values })).rows
    : await db.query<ReadRow>(text, values);
  return rows[0]!;
}

function toJob(tuple: JobTuple): JobRow {
  const [job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch] = tuple;
  return { job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch };
}

export async function readRequest(db: Database, keys: RequestReadKeys): Promise<RequestRead> {
  const base = [keys.loginKey, keys.failureKey];
  const row =
    keys.jobId !== undefined
      ? await run(db, 'omis-read-job', WITH_JOB, [...base, keys.jobId])
      : keys.launchId !== undefined
        ? await run(db, 'omis-read-launch', WITH_LAUNCH, [...base, keys.launchId])
        : await run(db, 'omis-read-account', ACCOUNT_AND_LOCK, base);
  const account: AccountRow | undefined =
    row.user_id === null
      ? undefined
      : { user_id: row.user_id, login: row.login!, password_hash: row.password_hash!, customer_id: row.customer_id!, root_id: row.root_id!, licences: row.licences! };
  const prefetched = keys.jobId !== undefined ? { jobId: keys.jobId } : keys.launchId !== undefined ? { launchId: keys.launchId } : {};
  const read: RequestRead = { prefetched, account, locked: row.locked ?? undefined };
  if (row.launch_id != null) {
    read.launch = {
      launch_id: row.launch_id,
      owner_id: row.owner_id!,
      customer_id: row.owner_customer_id!,
      name: row.name!,
      status: row.status!,
      error_code: row.error_code!,
      launch_count: row.launch_count!,
      expire_time: row.expire_time == null ? null : new Date(row.expire_time),
    };
    // Either query gives an array of job tuples: all the launch's jobs, or the one job.
    read.jobs = (row.jobs ?? []).map(toJob);
  }
  return read;
}

/**
 * The request's read, when the context has the driver (the app always does). A query's record is
 * prefetched (its recipients, if asked for, are looked up after authentication); an action locks
 * what it changes in its own transaction, so for actions only the account and lockout state are read.
 */
export async function readForRequest(ctx: TaskContext, login: string, bag: ParamBag): Promise<RequestRead | undefined> {
  // PostgreSQL text cannot hold NUL; such a login takes the ordinary path, which knows it is unknown.
  if (!ctx.db || login.includes('\u0000')) return undefined;
  return readRequest(ctx.db, { loginKey: loginKey(login), failureKey: failureKey(login), ...prefetchTarget(bag, ctx.config.OMIS_TIMEZONE) });
}

/**
 * Which record to prefetch: the fields' syntax is read here only to know that. Its errors (112-118)
 * are reported later by the request's own readIntent, after credentials and licence.
 */
function prefetchTarget(bag: ParamBag, timeZone: string): { launchId?: number; jobId?: number } {
  let intent: Intent;
  try {
    intent = readIntent(bag, timeZone);
  } catch {
    return {};
  }
  if (intent.kind !== 'query') return {};
  const { jobId, launchId } = intent.target;
  if (jobId !== undefined) return typeof jobId === 'number' ? { jobId } : {};
  return typeof launchId === 'number' ? { launchId } : {};
}

/**
 * The answer to a query from the prefetched rows, by the rules of query-task.ts (111, 110, a job
 * in another launch is 110); with a recipient filter, the recipients are then looked up as
 * actions/answer.ts does. undefined when this read did not prefetch this intent's record.
 */
export async function answerFromRead(db: Db, read: RequestRead, intent: Intent, settings: ViewSettings): Promise<TaskResponse | undefined> {
  if (intent.kind !== 'query') return undefined;
  const { target, recipients } = intent;
  const { prefetched } = read;
  if (target.jobId !== undefined) {
    if (prefetched.jobId === undefined || prefetched.jobId !== target.jobId) return undefined;
    const job = read.jobs?.[0];
    const found = checkJobTarget(read.launch && job ? { launch: read.launch, job } : undefined, target);
    return recipients ? answerRecord(db, { launch: found.launch, jobs: [found.job], job: found.job }, recipients, settings) : jobAnswer(found, target, settings);
  }
  if (prefetched.launchId === undefined || prefetched.launchId !== target.launchId) return undefined;
  if (!recipients) return launchAnswer(read.launch, read.jobs ?? [], settings);
  if (!read.launch) throw new ApiError(ErrorCodes.NO_LAUNCH);
  return answerRecord(db, { launch: read.launch, jobs: read.jobs ?? [] }, recipients, settings);
}

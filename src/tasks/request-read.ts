import type { Database } from '../db/database.ts';
import type { AccountRow } from '../auth/authenticate.ts';
import type { TaskResponse } from '../render/task-response.ts';
import type { Intent } from './intent.ts';
import { checkJobTarget, jobAnswer, launchAnswer } from './query-task.ts';
import { answerRecord } from './actions/answer.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { Db, JobRow, LaunchRow } from './task-store.ts';
import type { ViewSettings } from './task-views.ts';

/**
 * The hot path's single database round trip (issue 6, docs/PERFORMANCE.md): the caller's account
 * row, its brute-force lockout state and, for a plain query, the record it names with ownership
 * already checked — one statement instead of four, through the driver rather than Prisma. The
 * statement reads any number of requests at once; read-batcher.ts gives it those that arrive together.
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

// Jobs travel as JSON arrays of their columns.
const JOB_ARRAY = `json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch)`;

/**
 * One statement reads any number of requests: the keys travel as parallel arrays, one element per
 * request, and each request's read comes back as one JSON array (account, lockout state, record),
 * in the order asked. A job's launch is the launch of that job; visibility is task-store.ts's rule.
 *
 * The arrays are read through sub-selects so that the planner estimates every batch alike. Given the
 * arrays themselves it would count their elements, find each custom plan cheaper than the generic
 * one, and plan the statement again on every execution: about 0.4 ms of PostgreSQL's CPU each time,
 * more than running it (measured, docs/PERFORMANCE.md). This way a named statement settles on its
 * generic plan (index probes per request) after PostgreSQL's five trial plans. An unnamed one, the
 * default (pooler-safe), pays that planning on every execution: requests arriving together share it.
 */
const READ_BATCH = `
  SELECT json_build_array(
           a.user_id, a.login, a.password_hash, a.customer_id, a.root_id, a.licences,
           (SELECT f.locked_until IS NOT NULL AND f.locked_until > now() FROM login_failure f WHERE f.login_key = k.failure_key),
           r.record) AS read
    FROM unnest((SELECT $1::text[]), (SELECT $2::text[]), (SELECT $3::int[]), (SELECT $4::int[])) WITH ORDINALITY AS k (login_key, failure_key, launch_id, job_id, i)
    LEFT JOIN account a ON a.login_key = k.login_key
    LEFT JOIN LATERAL (
      SELECT json_build_array(l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time,
               CASE WHEN k.job_id IS NULL
                    THEN (SELECT coalesce(json_agg(${JOB_ARRAY} ORDER BY j.job_id), '[]'::json)
                            FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL)
                    ELSE (SELECT json_build_array(${JOB_ARRAY}) FROM job j WHERE j.job_id = k.job_id AND j.deleted_at IS NULL)
               END) AS record
        FROM launch l
        JOIN account o ON o.user_id = l.owner_id
        JOIN account_closure c ON c.ancestor_id = a.user_id AND c.descendant_id = l.owner_id
       WHERE l.deleted_at IS NULL
         AND l.launch_id = coalesce(k.launch_id, (SELECT j.launch_id FROM job j WHERE j.job_id = k.job_id AND j.deleted_at IS NULL))
    ) r ON k.launch_id IS NOT NULL OR k.job_id IS NOT NULL
   ORDER BY k.i`;

/** The statement's name on a connection when OMIS_NAMED_STATEMENTS is on. */
export const READ_BATCH_NAME = 'omis-read-batch';

type JobTuple = [number, number, string, number, number, number, number, boolean];
type RecordTuple = [number, number, string, string, number, number, number, string | null, JobTuple[]];
type ReadTuple = [number | null, string | null, string | null, string | null, number | null, string[] | null, boolean | null, RecordTuple | null];

function toJob(tuple: JobTuple): JobRow {
  const [job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch] = tuple;
  return { job_id, launch_id, job_type, status, error_code, cost, points_charged, paused_by_launch };
}

function toRead(keys: RequestReadKeys, tuple: ReadTuple): RequestRead {
  const [user_id, login, password_hash, customer_id, root_id, licences, locked, record] = tuple;
  const account: AccountRow | undefined =
    user_id === null ? undefined : { user_id, login: login!, password_hash: password_hash!, customer_id: customer_id!, root_id: root_id!, licences: licences! };
  const prefetched = keys.jobId !== undefined ? { jobId: keys.jobId } : keys.launchId !== undefined ? { launchId: keys.launchId } : {};
  const read: RequestRead = { prefetched, account, locked: locked ?? undefined };
  if (record) {
    const [launch_id, owner_id, owner_customer_id, name, status, error_code, launch_count, expire_time, jobs] = record;
    read.launch = { launch_id, owner_id, customer_id: owner_customer_id, name, status, error_code, launch_count, expire_time: expire_time === null ? null : new Date(expire_time) };
    // All the launch's jobs, or the one job asked for.
    read.jobs = jobs.map(toJob);
  }
  return read;
}

/** The reads of several requests in one statement, in the order of `keys`. */
export async function readRequests(db: Database, keys: readonly RequestReadKeys[]): Promise<RequestRead[]> {
  const values = [
    keys.map((k) => k.loginKey),
    keys.map((k) => k.failureKey),
    keys.map((k) => (k.jobId === undefined ? (k.launchId ?? null) : null)),
    keys.map((k) => k.jobId ?? null),
  ];
  // Unnamed, PostgreSQL parses and plans the statement on every execution; named, once per
  // connection — which only a direct connection (or a pooler that carries named statements) allows.
  const rows = db.pool && db.namedStatements
    ? (await db.pool.query<{ read: ReadTuple }>({ name: READ_BATCH_NAME, text: READ_BATCH, values })).rows
    : await db.query<{ read: ReadTuple }>(READ_BATCH, values);
  return rows.map((row, index) => toRead(keys[index]!, row.read));
}

export async function readRequest(db: Database, keys: RequestReadKeys): Promise<RequestRead> {
  return (await readRequests(db, [keys]))[0]!;
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

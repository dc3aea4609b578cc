import { namedStatement, type Database } from '../db/database.ts';
import type { AccountRow } from './accounts.ts';
import { RULE_IN_FORCE, type SandboxInForce } from './sandbox.ts';
import { JOB_ARRAY, jobFromArray, LAUNCH_ARRAY, launchFromArray, VISIBLE_LAUNCH, type JobRow, type LaunchRow } from './launches.ts';

/**
 * The page's one read per request: the caller's account row, its login's failure state and the
 * record the request names — a launch with its jobs, or a job with its launch — already filtered by
 * the visibility rule (store/launches.ts VISIBLE_LAUNCH), so a foreign record reads exactly like a
 * missing one, in the same statement that finds it.
 *
 * Nothing read here is shown to anyone before the password is verified: the record is read
 * speculatively and thrown away on any refusal, in the contract's checking order.
 */
export interface RequestReadKeys {
  loginKey: string;
  /** login_failure's key of the login (auth/lockout.ts failureKey). */
  failureKey: string;
  /** Read this launch with its jobs. */
  launchId?: number | undefined;
  /** Read this job with its launch (wins over launchId). */
  jobId?: number | undefined;
}

/** What the login's failure record says: locked now, failing (failures counted), or nothing. */
export type LoginState = 'locked' | 'failing' | undefined;

export interface RequestRead {
  account: AccountRow | undefined;
  loginState: LoginState;
  /** The account's sandbox rule in force (docs/CONSOLE.md#sandbox), read here: an account without one costs no statement more. */
  sandbox?: SandboxInForce | undefined;
  /** Present when a record was asked for and the account may see it. */
  launch?: LaunchRow | undefined;
  /** With `launch`: all its jobs (launchId), or the one job asked for (jobId). */
  jobs?: JobRow[] | undefined;
}

/** Where a read finds its keys: columns of the batch's key table, or the single read's parameters. */
interface KeyTerms {
  failureKey: string;
  launchId: string;
  jobId: string;
}

/** One request's read as one JSON array: account, login state, record (the ReadTuple below), sandbox rule. */
const readArray = (k: KeyTerms) => `json_build_array(
           a.user_id, a.login, a.password_hash, a.customer_id, a.root_id, a.licences,
           (SELECT CASE WHEN f.locked_until > now() THEN 'locked' WHEN f.failures > 0 THEN 'failing' END
              FROM login_failure f WHERE f.login_key = ${k.failureKey}),
           r.record,
           (SELECT json_build_array(s.latency_ms, s.error_code, s.remaining IS NOT NULL)
              FROM sandbox_rule s
             WHERE s.account_id = a.user_id AND ${RULE_IN_FORCE('s')}))`;

/** The record asked for, visible to account `a`: a launch with its jobs, or a job with its launch. */
const recordJoin = (k: KeyTerms) => `LEFT JOIN LATERAL (
      SELECT json_build_array(${LAUNCH_ARRAY},
               CASE WHEN ${k.jobId} IS NULL
                    THEN (SELECT coalesce(json_agg(${JOB_ARRAY} ORDER BY j.job_id), '[]'::json)
                            FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL)
                    ELSE (SELECT json_build_array(${JOB_ARRAY}) FROM job j WHERE j.job_id = ${k.jobId} AND j.deleted_at IS NULL)
               END) AS record
        FROM ${VISIBLE_LAUNCH('a.user_id')}
       WHERE l.launch_id = coalesce(${k.launchId}, (SELECT j.launch_id FROM job j WHERE j.job_id = ${k.jobId} AND j.deleted_at IS NULL))
    ) r ON ${k.launchId} IS NOT NULL OR ${k.jobId} IS NOT NULL`;

/**
 * One statement reads any number of requests: the keys travel as parallel arrays, one element per
 * request, and each request's read comes back as one JSON array, in the order asked
 * (store/request-reader.ts gives it the requests that arrive together).
 *
 * The statement runs inside a PL/pgSQL function, omis_read_requests (its migration holds this text;
 * test/store/request-read-function.test.ts keeps the two alike). Sent as a plain statement it would
 * be parsed and planned on every execution, about 0.6 ms of PostgreSQL's CPU, several times the cost
 * of running it; PL/pgSQL keeps the plan for the life of the server connection, whoever borrows that
 * connection, so it costs nothing a transaction-mode pooler cannot carry (docs/PERFORMANCE.md).
 *
 * The arrays are read through sub-selects so that the planner estimates every batch alike. Given the
 * arrays themselves it would count their elements, find each custom plan cheaper than the generic
 * one, and plan again on every execution; this way the cached plan settles on its generic form
 * (index probes per request) after PostgreSQL's five trial plans.
 */
const BATCH_KEYS: KeyTerms = { failureKey: 'k.failure_key', launchId: 'k.launch_id', jobId: 'k.job_id' };
export const READ_BATCH = `
  SELECT ${readArray(BATCH_KEYS)} AS read
    FROM unnest((SELECT $1::text[]), (SELECT $2::text[]), (SELECT $3::int[]), (SELECT $4::int[])) WITH ORDINALITY AS k (login_key, failure_key, launch_id, job_id, i)
    LEFT JOIN account a ON a.login_key = k.login_key
    ${recordJoin(BATCH_KEYS)}
   ORDER BY k.i`;

/**
 * A request that arrives alone (every request at low concurrency) is read by omis_read_request, the
 * same read of one key given as plain parameters: without the key table, its join and its sort, and
 * without a set-returning function to plan around the call, it costs PostgreSQL a quarter less
 * (docs/PERFORMANCE.md). The function forces the generic plan, so that the parameters' values never
 * make PostgreSQL plan it again.
 */
const singleRead = (k: KeyTerms, login: string, column = '') => `
  SELECT ${readArray(k)}${column}
    FROM (SELECT 1) k
    LEFT JOIN account a ON a.login_key = ${login}
    ${recordJoin(k)}`;
const SINGLE_KEY: KeyTerms = { failureKey: '$2', launchId: '$3', jobId: '$4' };
export const READ_ONE = singleRead(SINGLE_KEY, '$1');

type ReadTuple = [
  number | null,
  string | null,
  string | null,
  string | null,
  number | null,
  string[] | null,
  'locked' | 'failing' | null,
  [unknown[], unknown[][]] | null,
  [number, number | null, boolean] | null,
];

function toRead(tuple: ReadTuple): RequestRead {
  const [user_id, login, password_hash, customer_id, root_id, licences, loginState, record, sandbox] = tuple;
  const account: AccountRow | undefined =
    user_id === null ? undefined : { user_id, login: login!, password_hash: password_hash!, customer_id: customer_id!, root_id: root_id!, licences: licences! };
  const read: RequestRead = { account, loginState: loginState ?? undefined };
  if (sandbox) read.sandbox = { latencyMs: sandbox[0], errorCode: sandbox[1], counted: sandbox[2] };
  if (record) {
    read.launch = launchFromArray(record[0]);
    read.jobs = record[1].map(jobFromArray);
  }
  return read;
}

/**
 * Behind a pooler the functions are called, unprepared. Where statements are prepared (straight to
 * PostgreSQL), their queries are prepared themselves: PostgreSQL keeps the plan for the connection
 * either way, and without PL/pgSQL's call around the query it runs the read for about a seventh
 * less (docs/PERFORMANCE.md#prepared-statements). The parameters are typed here as the functions'
 * signatures type them. After its five trial plans PostgreSQL settles on the generic plan, the one
 * the single read's function forces (test/store/request-read.test.ts).
 */
const READ_REQUESTS = namedStatement(
  'read_requests',
  'SELECT r AS read FROM omis_read_requests($1::text[], $2::text[], $3::int[], $4::int[]) AS r',
  READ_BATCH,
);
const READ_REQUEST = namedStatement(
  'read_request',
  'SELECT omis_read_request($1::text, $2::text, $3::int, $4::int) AS read',
  singleRead({ failureKey: '$2::text', launchId: '$3::int', jobId: '$4::int' }, '$1::text', ' AS read'),
);

/** The launch to read (unless a job is named, which wins) and the job, as the functions take them. */
const recordKeys = (k: RequestReadKeys): [number | null, number | null] => [k.jobId === undefined ? (k.launchId ?? null) : null, k.jobId ?? null];

/** The reads of several requests in one statement, in the order of `keys`. */
export async function readRequests(db: Database, keys: readonly RequestReadKeys[]): Promise<RequestRead[]> {
  if (keys.length === 1) return [await readRequest(db, keys[0]!)];
  const records = keys.map(recordKeys);
  const values = [keys.map((k) => k.loginKey), keys.map((k) => k.failureKey), records.map(([launchId]) => launchId), records.map(([, jobId]) => jobId)];
  const rows = await db.query<{ read: ReadTuple }>(READ_REQUESTS, values);
  return rows.map((row) => toRead(row.read));
}

export async function readRequest(db: Database, keys: RequestReadKeys): Promise<RequestRead> {
  const [row] = await db.query<{ read: ReadTuple }>(READ_REQUEST, [keys.loginKey, keys.failureKey, ...recordKeys(keys)]);
  return toRead(row!.read);
}

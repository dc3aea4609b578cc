import type { Database } from '../db/database.ts';
import { VISIBLE_LAUNCH } from './launches.ts';

/**
 * What the console lists beside the page's answers: the launches of a manager's tree, the accounts
 * of the tree, and per job its cost and recipients by delivery status. Visibility is the page's
 * rule (VISIBLE_LAUNCH, store/launches.ts): owner at or below the manager, not deleted.
 */
/** Launches by what their status text says (console/status-labels.ts names them). */
export type LaunchFilter = 'waiting' | 'running' | 'finished' | 'paused' | 'terminated' | 'error' | 'approval';

/**
 * The SQL condition of a filter, by the rules of tasks/status-text.ts: 99 is awaiting approval
 * whatever ERRORCODE says; otherwise a non-zero ERRORCODE decides, then STATUS. Constant text: no
 * value of the request goes into it.
 */
export function launchFilterSql(filter: LaunchFilter): string {
  switch (filter) {
    case 'waiting':
      return 'l.status = 1 AND l.error_code = 0';
    case 'running':
      return 'l.status IN (2, 3) AND l.error_code = 0';
    case 'finished':
      return 'l.status = 0 AND l.error_code = 0';
    case 'paused':
      return 'l.status <> 99 AND l.error_code = -2';
    case 'terminated':
      return 'l.status <> 99 AND l.error_code = -1';
    case 'error':
      return 'l.status <> 99 AND l.error_code > 0';
    case 'approval':
      return 'l.status = 99';
  }
}

export interface LaunchListFilter {
  status?: LaunchFilter | undefined;
  ownerId?: number | undefined;
  /** Part of the name (any case), or a LaunchID. */
  text?: string | undefined;
  offset: number;
  limit: number;
}

export interface LaunchListRow {
  launch_id: number;
  name: string;
  owner_id: number;
  owner_login: string;
  status: number;
  error_code: number;
  launch_count: number;
  expire_time: Date | null;
}

export async function listLaunches(db: Database, viewerId: number, filter: LaunchListFilter): Promise<{ rows: LaunchListRow[]; total: number }> {
  const params: unknown[] = [viewerId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['true'];
  if (filter.status) where.push(launchFilterSql(filter.status));
  if (filter.ownerId !== undefined) where.push(`l.owner_id = ${param(filter.ownerId)}::int`);
  const text = filter.text?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    where.push(`(l.name ILIKE ${param(like)} OR l.launch_id::text = ${param(text)})`);
  }
  const rows = await db.query<LaunchListRow & { total: string }>(
    `SELECT l.launch_id, l.name, l.owner_id, o.login AS owner_login, l.status, l.error_code, l.launch_count, l.expire_time,
            count(*) OVER () AS total
       FROM ${VISIBLE_LAUNCH('$1::int')}
      WHERE ${where.join(' AND ')}
      ORDER BY l.launch_id DESC
      LIMIT ${param(filter.limit)}::int OFFSET ${param(filter.offset)}::int`,
    params,
  );
  return { rows: rows.map(({ total: _total, ...row }) => row), total: Number(rows[0]?.total ?? 0) };
}

export interface TreeAccount {
  user_id: number;
  login: string;
  depth: number;
}

/** The manager and every account below it, nearest first. */
export async function treeAccounts(db: Database, viewerId: number): Promise<TreeAccount[]> {
  return db.query<TreeAccount>(
    `SELECT a.user_id, a.login, c.depth
       FROM account_closure c JOIN account a ON a.user_id = c.descendant_id
      WHERE c.ancestor_id = $1::int
      ORDER BY c.depth, a.login`,
    [viewerId],
  );
}

/** Recipients counted per job, at most this many: a job of millions is summarised from its first ones. */
export const RECIPIENTS_COUNTED = 100_000;

export interface JobExtras {
  job_id: number;
  cost: number;
  points_charged: number;
  /** Recipients by delivery status (of the first RECIPIENTS_COUNTED). */
  deliveries: Record<string, number>;
}

/**
 * Cost and recipients of jobs the page's answer has already shown to this manager (their IDs come
 * from it); the owner's login of the launch.
 */
export async function launchExtras(db: Database, launchId: number, jobIds: number[]): Promise<{ ownerLogin: string | undefined; jobs: Map<number, JobExtras> }> {
  const [owner, jobs] = await Promise.all([
    db.query<{ login: string }>('SELECT a.login FROM launch l JOIN account a ON a.user_id = l.owner_id WHERE l.launch_id = $1::int', [launchId]),
    jobIds.length === 0
      ? Promise.resolve([] as JobExtras[])
      : db.query<JobExtras>(
          `SELECT j.job_id, j.cost, j.points_charged,
                  coalesce((SELECT json_object_agg(s.delivery_status, s.n)
                              FROM (SELECT r.delivery_status, count(*)::int AS n
                                      FROM (SELECT delivery_status FROM recipient WHERE job_id = j.job_id LIMIT ${RECIPIENTS_COUNTED}) r
                                     GROUP BY r.delivery_status) s), '{}'::json) AS deliveries
             FROM job j WHERE j.job_id = ANY($1::int[])`,
          [jobIds],
        ),
  ]);
  return { ownerLogin: owner[0]?.login, jobs: new Map(jobs.map((job) => [job.job_id, job])) };
}

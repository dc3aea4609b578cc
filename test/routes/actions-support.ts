import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { multipartBody, seedWith } from '../helper.ts';
import type { Database } from '../../src/db/database.ts';

/** Shared by the actions-*.test.ts files: HTML form posts, parsed answers, per-test records. */
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['JOB', 'RECIPIENT'].includes(name) });

export function parseXml(body: string) {
  const doc = parser.parse(body);
  if (!doc.RESPONSE) throw new Error(`not a RESPONSE: ${body.slice(0, 300)}`);
  return doc.RESPONSE;
}

/** Posts fields exactly as the original document's HTML form does (multipart, in its order). */
export async function postForm(app: FastifyInstance, fields: Array<[string, string]>, remoteAddress = '203.0.113.7') {
  const { payload, headers } = multipartBody(fields);
  const res = await app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', payload, headers, remoteAddress });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
  return parseXml(res.body);
}

export function credentials(login: { ManagerLoginName: string; ManagerPassword: string }): Array<[string, string]> {
  return [
    ['ManagerLoginName', login.ManagerLoginName],
    ['ManagerPassword', login.ManagerPassword],
  ];
}

/** The launch forms of the original document (hidden LaunchAction, LaunchID, Submit). */
export function launchForm(login: { ManagerLoginName: string; ManagerPassword: string }, action: string | undefined, launchId: string, submit: string, extra: Array<[string, string]> = []) {
  return [...credentials(login), ...(action ? [['LaunchAction', action] as [string, string]] : []), ['LaunchID', launchId] as [string, string], ...extra, ['Submit', submit] as [string, string]];
}

export function jobForm(login: { ManagerLoginName: string; ManagerPassword: string }, action: string | undefined, jobId: string, submit: string, extra: Array<[string, string]> = []) {
  return [...credentials(login), ...(action ? [['JobAction', action] as [string, string]] : []), ['JobID', jobId] as [string, string], ...extra, ['Submit', submit] as [string, string]];
}

export interface JobSpec {
  status: number;
  errorCode?: number;
  cost?: number;
  pointsCharged?: number;
  jobType?: 'EMAIL' | 'SMS';
}

let nextId = 70_000;

/**
 * A fresh launch (owned by acme-mkt unless told) with the given jobs; returns their IDs. Each call
 * takes new IDs, so tests in one file never share records.
 */
export async function makeLaunch(db: Database, launch: { status: number; errorCode?: number; owner?: string; launchCount?: number }, jobs: JobSpec[] = []) {
  const launchId = nextId++;
  const jobIds = jobs.map(() => nextId++);
  await seedWith(db, {
    launches: [
      {
        launchId,
        owner: launch.owner ?? 'acme-mkt',
        name: `Launch ${launchId}`,
        status: launch.status,
        errorCode: launch.errorCode ?? 0,
        launchCount: launch.launchCount ?? 0,
        expireTime: '2030-06-30 12:00:00',
        jobs: jobs.map((job, i) => ({
          jobId: jobIds[i],
          jobType: job.jobType ?? 'EMAIL',
          status: job.status,
          errorCode: job.errorCode ?? 0,
          cost: job.cost ?? 10,
          ...(job.pointsCharged === undefined ? {} : { pointsCharged: job.pointsCharged }),
        })),
      },
    ],
  });
  return { launchId, jobIds };
}

export async function jobRow(db: Database, jobId: number) {
  const rows = await db.query<{ error_code: number; status: number; paused_by_launch: boolean; points_charged: number; deleted_at: Date | null }>(
    'SELECT error_code, status, paused_by_launch, points_charged, deleted_at FROM job WHERE job_id = $1',
    [jobId],
  );
  return rows[0]!;
}

export async function launchRow(db: Database, launchId: number) {
  const rows = await db.query<{ error_code: number; status: number; expire_time: Date | null; deleted_at: Date | null }>(
    'SELECT error_code, status, expire_time, deleted_at FROM launch WHERE launch_id = $1',
    [launchId],
  );
  return rows[0]!;
}

export async function rootPoints(db: Database, userId = 1001): Promise<number> {
  const rows = await db.query<{ points: number }>('SELECT points FROM account WHERE user_id = $1', [userId]);
  return rows[0]!.points;
}

export async function setRootPoints(db: Database, points: number, userId = 1001): Promise<void> {
  await db.query('UPDATE account SET points = $1 WHERE user_id = $2', [points, userId]);
}

export async function auditRows(db: Database, targetType: string, targetId: number) {
  return db.query<{ login: string; client_ip: string; action: string; error_code: number; account_id: number | null; before: any; after: any }>(
    'SELECT login, client_ip, action, error_code, account_id, before, after FROM audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY audit_id',
    [targetType, targetId],
  );
}

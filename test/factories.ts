import { seedWith } from './helper.ts';
import type { Database } from '../src/db/database.ts';

/**
 * Records made for one test, and the reads tests make of them. A test that changes a record makes
 * its own (fresh IDs on every call) rather than changing the file's shared seeded records: the
 * helper checks that those are left as they were seeded (test/helper.ts useSeededApp).
 */
export interface JobSpec {
  status: number;
  errorCode?: number;
  cost?: number;
  pointsCharged?: number;
  jobType?: 'EMAIL' | 'SMS';
}

// Far above every ID a seed or a test names by hand.
let nextId = 800_000;

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

/** Sets a root's balance for the test; the returned function puts the one it had back. */
export async function setRootPoints(db: Database, points: number, userId = 1001): Promise<() => Promise<void>> {
  const before = await rootPoints(db, userId);
  await db.query('UPDATE account SET points = $1 WHERE user_id = $2', [points, userId]);
  return async () => {
    await db.query('UPDATE account SET points = $1 WHERE user_id = $2', [before, userId]);
  };
}

export async function auditRows(db: Database, targetType: string, targetId: number) {
  return db.query<{ login: string; client_ip: string; action: string; error_code: number; account_id: number | null; before: any; after: any }>(
    'SELECT login, client_ip, action, error_code, account_id, before, after FROM audit_log WHERE target_type = $1 AND target_id = $2 ORDER BY audit_id',
    [targetType, targetId],
  );
}

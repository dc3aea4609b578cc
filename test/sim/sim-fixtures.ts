import type { Database } from '../../src/db/database.ts';

/** A small tree for simulator tests: a root with `points` and a child that owns the launches. */
export function simSeed(points: number, launches: unknown[]) {
  return {
    accounts: [
      { login: 'sim-root', password: 'root-pass', userId: 3001, customerId: 'SIM', parent: null, licences: ['TaskManager', 'Points'], points },
      { login: 'sim-user', password: 'user-pass', userId: 3002, customerId: 'SIM', parent: 'sim-root', licences: ['TaskManager'] },
    ],
    launches,
  };
}

export const simLogins = {
  root: { ManagerLoginName: 'sim-root', ManagerPassword: 'root-pass' },
  user: { ManagerLoginName: 'sim-user', ManagerPassword: 'user-pass' },
};

export interface JobFacts {
  status: number;
  errorCode: number;
  pointsCharged: number;
}

export async function jobFacts(db: Database, jobId: number): Promise<JobFacts> {
  const job = await db.prisma.job.findUniqueOrThrow({ where: { jobId } });
  return { status: job.status, errorCode: job.errorCode, pointsCharged: job.pointsCharged };
}

export async function rootPoints(db: Database): Promise<number> {
  return (await db.prisma.account.findUniqueOrThrow({ where: { userId: 3001 } })).points;
}

export async function deliveries(db: Database, jobId: number): Promise<string[]> {
  const rows = await db.prisma.recipient.findMany({ where: { jobId }, orderBy: { recipientId: 'asc' } });
  return rows.map((row) => row.deliveryStatus);
}

/** `count` EMAIL jobs at STATUS 1 in launches of ten jobs each, all started (STATUS 3). */
export function manyJobs(count: number, cost = 2) {
  const launches = [];
  for (let l = 0; l * 10 < count; l++) {
    const jobs = [];
    for (let j = l * 10; j < Math.min(count, l * 10 + 10); j++) {
      jobs.push({ jobId: 20_000 + j, jobType: 'EMAIL', status: 1, errorCode: 0, cost, recipients: [{ emailAddress: `r${j}@example.com` }] });
    }
    launches.push({ launchId: 7000 + l, owner: 'sim-user', name: `bulk ${l}`, status: 3, errorCode: 0, jobs });
  }
  return launches;
}

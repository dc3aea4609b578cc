import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { createTestDatabase, databaseKind, onPostgres, seedWith, type TestDatabase } from '../helper.ts';
import { jobFacts, manyJobs, rootPoints, simSeed } from './sim-fixtures.ts';

const STEP_MS = 1000;
const t0 = new Date('2026-11-29T08:00:00Z');
const at = (steps: number) => new Date(t0.getTime() + steps * STEP_MS);
// PGlite runs every transaction one after another: fewer jobs keep the file quick there.
const JOBS = onPostgres ? 40 : 20;
const POINTS = Math.round(JOBS * 1.25);

describe(`two simulators on one database never take the same step twice (${databaseKind})`, { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let second: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    // On PostgreSQL the second simulator has its own pool, as a second server process would.
    second = database.url ? await openDatabase({ databaseUrl: database.url, poolSize: 8 }) : database.db;
    // Cost 2 per job: one point leaving 6, one leaving 7. The jobs need 2 × JOBS points; the root has less.
    await seedWith(database.db, simSeed(POINTS, manyJobs(JOBS)));
  });
  afterAll(async () => {
    if (second && second !== database?.db) await second.close();
    await database?.drop();
  });

  it('advances every job exactly one stage per step time, and spends each point once', async () => {
    const simulators = [new Simulator(database.db, { stepMs: STEP_MS, batchSize: 500 }), new Simulator(second, { stepMs: STEP_MS, batchSize: 500 })];
    /** Both simulators tick at once, twice each, and again while anything was skipped (held by the other). */
    async function concurrentPasses(now: Date) {
      let advanced = 0;
      for (let pass = 0; pass < 20; pass++) {
        const results = await Promise.all([...simulators, ...simulators].map((sim) => sim.runOnce(now)));
        advanced += results.reduce((sum, r) => sum + r.jobsAdvanced + r.jobsOutOfPoints, 0);
        if (results.every((r) => r.skipped === 0 && r.jobsAdvanced === 0 && r.jobsOutOfPoints === 0)) break;
      }
      return advanced;
    }
    for (let step = 0; step < 5; step++) {
      expect(await concurrentPasses(at(step))).toBe(JOBS);
      const statuses = await database.db.prisma.job.groupBy({ by: ['status'], _count: true });
      expect(statuses).toEqual([{ status: step + 2, _count: JOBS }]);
    }
    // Every job is at 6 now; leaving 6 costs one point each, leaving 7 another: POINTS for 2 × JOBS.
    for (let step = 5; step < 9; step++) await concurrentPasses(at(step));
    const jobs = await database.db.prisma.job.findMany();
    const charged = jobs.reduce((sum, job) => sum + job.pointsCharged, 0);
    expect(charged).toBe(POINTS);
    expect(await rootPoints(database.db)).toBe(0);
    const stopped = jobs.filter((job) => job.errorCode === 201);
    const finished = jobs.filter((job) => job.status === 0 && job.errorCode === 0);
    // Each job either paid all it needed so far or stopped at the step it could not pay for.
    for (const job of jobs) {
      if (job.errorCode === 201) expect(job.pointsCharged).toBe(job.status === 6 ? 0 : 1);
      else expect(job.pointsCharged).toBe(2);
    }
    expect(finished.length * 2 + stopped.reduce((sum, job) => sum + job.pointsCharged, 0)).toBe(POINTS);
    expect(finished.length + stopped.length).toBe(JOBS);
  });
});

describe.runIf(onPostgres)('the simulator and an action in progress (postgres)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, simSeed(100, [
      { launchId: 8101, owner: 'sim-user', name: 'Busy', status: 3, jobs: [
        { jobId: 9901, jobType: 'EMAIL', status: 2, cost: 0 },
        { jobId: 9902, jobType: 'EMAIL', status: 2, cost: 0 },
      ] },
      { launchId: 8102, owner: 'sim-user', name: 'Free', status: 3, jobs: [{ jobId: 9911, jobType: 'EMAIL', status: 2, cost: 0 }] },
    ]));
  });
  afterAll(async () => database?.drop());

  it('passes over a launch an action holds (without waiting for it) and then obeys the pause that action made', async () => {
    const sim = new Simulator(database.db, { stepMs: STEP_MS });
    const action = new pg.Client({ connectionString: database.url });
    await action.connect();
    try {
      // A JobAction 3 in progress: launch, then job, locked FOR UPDATE as tasks/actions do.
      await action.query('BEGIN');
      await action.query('SELECT * FROM launch WHERE launch_id = 8101 FOR UPDATE');
      await action.query('SELECT * FROM job WHERE job_id = 9901 FOR UPDATE');
      const result = await sim.runOnce(at(0));
      // The other launch moved on; the held one was skipped, not waited for.
      expect(result).toMatchObject({ jobsAdvanced: 1, skipped: 2 });
      expect((await jobFacts(database.db, 9911)).status).toBe(3);
      await action.query('UPDATE job SET error_code = -2 WHERE job_id = 9901');
      await action.query('COMMIT');
    } finally {
      await action.end();
    }
    await sim.runOnce(at(1));
    await sim.runOnce(at(2));
    expect(await jobFacts(database.db, 9901)).toEqual({ status: 2, errorCode: -2, pointsCharged: 0 });
    expect((await jobFacts(database.db, 9902)).status).toBe(4);
  });
});

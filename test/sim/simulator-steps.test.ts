import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.ts';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { deliveries, jobFacts, rootPoints, simSeed } from './sim-fixtures.ts';

const STEP_MS = 1000;
const t0 = new Date('2026-11-29T08:00:00Z');
const at = (steps: number) => new Date(t0.getTime() + steps * STEP_MS);

describe(`the simulator on the database (${databaseKind})`, { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let sim: Simulator;
  beforeEach(async () => {
    database = await createTestDatabase();
    sim = new Simulator(database.db, { stepMs: STEP_MS });
  });
  afterEach(async () => database?.drop());

  const startedLaunch = (jobs: unknown[], extra: Record<string, unknown> = {}) => ({
    launchId: 8001, owner: 'sim-user', name: 'Running', status: 3, errorCode: 0, launchCount: 1, jobs, ...extra,
  });

  it('walks a job from STATUS 1 to 0, sending and delivering its recipients and charging its cost to the root', async () => {
    const recipients = ['a', 'b', 'c'].map((name) => ({ emailAddress: `${name}@example.com` }));
    await seedWith(database.db, simSeed(100, [startedLaunch([{ jobId: 9801, jobType: 'EMAIL', status: 1, cost: 9, recipients }])]));
    const seen: Array<[number, number, string[]]> = [];
    for (let step = 0; step < 8; step++) {
      const result = await sim.runOnce(at(step));
      expect(result.jobsAdvanced).toBe(1);
      const job = await jobFacts(database.db, 9801);
      seen.push([job.status, job.pointsCharged, await deliveries(database.db, 9801)]);
    }
    expect(seen).toEqual([
      [2, 0, ['PENDING', 'PENDING', 'PENDING']],
      [3, 0, ['PENDING', 'PENDING', 'PENDING']],
      [4, 0, ['PENDING', 'PENDING', 'PENDING']],
      [5, 0, ['PENDING', 'PENDING', 'PENDING']],
      [6, 0, ['PENDING', 'PENDING', 'PENDING']],
      [7, 5, ['SENT', 'SENT', 'PENDING']],
      [8, 9, ['SENT', 'SENT', 'SENT']],
      [0, 9, ['DELIVERED', 'DELIVERED', 'DELIVERED']],
    ]);
    expect(await rootPoints(database.db)).toBe(91);
    // The launch's only job is finished: the one-shot launch finished in the same pass.
    expect((await database.db.prisma.launch.findUniqueOrThrow({ where: { launchId: 8001 } })).status).toBe(0);
    // Nothing is left to do.
    expect(await sim.runOnce(at(20))).toEqual({ jobsAdvanced: 0, jobsOutOfPoints: 0, launchesStepped: 0, skipped: 0 });
  });

  it('takes one step per job per step time, however often it ticks', async () => {
    await seedWith(database.db, simSeed(100, [startedLaunch([{ jobId: 9801, jobType: 'SMS', status: 2, cost: 0 }])]));
    await sim.runOnce(at(0));
    await sim.runOnce(at(0.5));
    await sim.runOnce(at(0.9));
    expect((await jobFacts(database.db, 9801)).status).toBe(3);
    await sim.runOnce(at(1));
    expect((await jobFacts(database.db, 9801)).status).toBe(4);
  });

  it('stops a job with ERRORCODE 201 when the root runs out, takes nothing for the refused step, and goes on after a restart', async () => {
    await seedWith(database.db, simSeed(4, [startedLaunch([{ jobId: 9801, jobType: 'EMAIL', status: 6, cost: 10 }])]));
    const result = await sim.runOnce(at(0));
    expect(result.jobsOutOfPoints).toBe(1);
    expect(await jobFacts(database.db, 9801)).toEqual({ status: 6, errorCode: 201, pointsCharged: 0 });
    expect(await rootPoints(database.db)).toBe(4);
    // It stays stopped, whatever the time.
    await sim.runOnce(at(50));
    expect(await jobFacts(database.db, 9801)).toEqual({ status: 6, errorCode: 201, pointsCharged: 0 });
    // JobAction 5's effect (tasks/actions): the remaining cost reserved from the root, ERRORCODE 0.
    await database.db.prisma.$transaction([
      database.db.prisma.account.update({ where: { userId: 3001 }, data: { points: { increment: 6 } } }),
      database.db.prisma.account.update({ where: { userId: 3001 }, data: { points: { decrement: 10 } } }),
      database.db.prisma.job.update({ where: { jobId: 9801 }, data: { errorCode: 0, pointsCharged: 10 } }),
    ]);
    for (let step = 51; step < 54; step++) await sim.runOnce(at(step));
    expect(await jobFacts(database.db, 9801)).toEqual({ status: 0, errorCode: 0, pointsCharged: 10 });
    expect(await rootPoints(database.db)).toBe(0);
  });

  it('shares the root between the jobs of a tree until it runs dry', async () => {
    const jobs = [9801, 9802, 9803].map((jobId) => ({ jobId, jobType: 'EMAIL', status: 7, cost: 4 }));
    await seedWith(database.db, simSeed(9, [startedLaunch(jobs)]));
    await sim.runOnce(at(0));
    const facts = await Promise.all([9801, 9802, 9803].map((jobId) => jobFacts(database.db, jobId)));
    expect(facts.map((job) => job.errorCode).sort()).toEqual([0, 0, 201]);
    expect(facts.reduce((sum, job) => sum + job.pointsCharged, 0)).toBe(8);
    expect(await rootPoints(database.db)).toBe(1);
  });

  it('fires a waiting launch, runs its unfinished jobs, and finishes it once they are done', async () => {
    await seedWith(database.db, simSeed(100, [
      { launchId: 8002, owner: 'sim-user', name: 'One shot', status: 1, launchCount: 0, jobs: [{ jobId: 9811, jobType: 'EMAIL', status: 7, cost: 0 }] },
    ]));
    const launch = () => database.db.prisma.launch.findUniqueOrThrow({ where: { launchId: 8002 } });
    await sim.runOnce(at(0));
    expect(await launch()).toMatchObject({ status: 2, launchCount: 1 });
    // Jobs do not move before their launch fires.
    expect((await jobFacts(database.db, 9811)).status).toBe(7);
    await sim.runOnce(at(1));
    expect(await launch()).toMatchObject({ status: 3 });
    expect((await jobFacts(database.db, 9811)).status).toBe(8);
    await sim.runOnce(at(2));
    expect((await jobFacts(database.db, 9811)).status).toBe(0);
    expect(await launch()).toMatchObject({ status: 0, launchCount: 1 });
    expect(await database.db.prisma.job.count({ where: { launchId: 8002 } })).toBe(1);
  });

  it('gives a recurring launch new jobs for each run (copies of the last, recipients pending again) and counts the runs', async () => {
    await seedWith(database.db, simSeed(100, [
      {
        launchId: 8003, owner: 'sim-user', name: 'Every minute', status: 1, launchCount: 2, recurSeconds: 60,
        jobs: [
          { jobId: 9821, jobType: 'EMAIL', status: 0, cost: 3, recipients: [{ emailAddress: 'x@example.com', externRefNum: 'X-1', deliveryStatus: 'OPENED' }] },
          { jobId: 9822, jobType: 'SMS', status: 0, cost: 1, recipients: [{ smsNumber: '0912345678' }] },
        ],
      },
    ]));
    const launch = () => database.db.prisma.launch.findUniqueOrThrow({ where: { launchId: 8003 } });
    await sim.runOnce(at(0));
    expect(await launch()).toMatchObject({ status: 2, launchCount: 3 });
    const created = await database.db.prisma.job.findMany({ where: { launchId: 8003, jobId: { notIn: [9821, 9822] } }, include: { recipients: true }, orderBy: { jobType: 'asc' } });
    expect(created.map((job) => [job.jobType, job.status, job.errorCode, job.cost, job.pointsCharged])).toEqual([
      ['EMAIL', 1, 0, 3, 0],
      ['SMS', 1, 0, 1, 0],
    ]);
    expect(created[0]!.recipients.map((r) => [r.emailAddress, r.emailKey, r.externRefNum, r.deliveryStatus])).toEqual([
      ['x@example.com', 'x@example.com', 'X-1', 'PENDING'],
    ]);
    expect(created[1]!.recipients.map((r) => [r.smsNumber, r.smsKey])).toEqual([['0912345678', '+886912345678']]);
    // New job IDs come from the sequence, above the seeded ones.
    expect(created.every((job) => job.jobId > 9822)).toBe(true);
    // Run the jobs to the end: the launch waits for its next run (LAUNCHCOUNT > 0).
    let step = 1;
    while ((await launch()).status !== 1 && step < 30) await sim.runOnce(at(step++));
    const waiting = await launch();
    expect(waiting).toMatchObject({ status: 1, launchCount: 3 });
    expect(waiting.nextRunAt!.getTime()).toBe(at(step - 1).getTime() + 60_000);
    // Not before its time; at its time, a fourth run with two more jobs.
    await sim.runOnce(new Date(waiting.nextRunAt!.getTime() - 1));
    expect((await launch()).status).toBe(1);
    await sim.runOnce(waiting.nextRunAt!);
    expect(await launch()).toMatchObject({ status: 2, launchCount: 4 });
    expect(await database.db.prisma.job.count({ where: { launchId: 8003 } })).toBe(6);
  });

  it('leaves alone launches and jobs that are paused, terminated, deleted, in error or awaiting approval', async () => {
    await seedWith(database.db, simSeed(100, [
      startedLaunch([
        { jobId: 9831, jobType: 'EMAIL', status: 3, errorCode: -2 },
        { jobId: 9832, jobType: 'EMAIL', status: 3, errorCode: -1 },
        { jobId: 9833, jobType: 'EMAIL', status: 3, errorCode: 201 },
        { jobId: 9834, jobType: 'EMAIL', status: 3 },
      ]),
      { launchId: 8004, owner: 'sim-user', name: 'Paused', status: 3, errorCode: -2, jobs: [{ jobId: 9841, jobType: 'EMAIL', status: 2 }] },
      { launchId: 8005, owner: 'sim-user', name: 'Approval', status: 99, jobs: [{ jobId: 9851, jobType: 'EMAIL', status: 1 }] },
      { launchId: 8006, owner: 'sim-user', name: 'Terminated', status: 1, errorCode: -1, jobs: [] },
    ]));
    await database.db.prisma.job.update({ where: { jobId: 9834 }, data: { deletedAt: new Date() } });
    const before = await database.db.prisma.job.findMany({ orderBy: { jobId: 'asc' } });
    const launchesBefore = await database.db.prisma.launch.findMany({ orderBy: { launchId: 'asc' } });
    await sim.runOnce(at(0));
    await sim.runOnce(at(1));
    const after = await database.db.prisma.job.findMany({ orderBy: { jobId: 'asc' } });
    expect(after.map((job) => [job.jobId, job.status, job.errorCode])).toEqual(before.map((job) => [job.jobId, job.status, job.errorCode]));
    const launchesAfter = await database.db.prisma.launch.findMany({ orderBy: { launchId: 'asc' } });
    // 8001 stays started: its paused job (9831) and its job out of points (9833) hold the run open.
    expect(launchesAfter.map((l) => [l.launchId, l.status, l.errorCode])).toEqual(launchesBefore.map((l) => [l.launchId, l.status, l.errorCode]));
  });
});

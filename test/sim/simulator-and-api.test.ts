import { afterEach, describe, expect, it } from 'vitest';
import { addPoints } from '../../src/store/accounts.ts';
import { buildTestApp, createTestDatabase, databaseKind, pageUrl, seedWith, type TestApp, type TestDatabase } from '../helper.ts';
import { parseResponse } from '../xml.ts';
import { jobFacts, rootPoints, simLogins, simSeed } from './sim-fixtures.ts';

/**
 * The simulator running inside the app (OMIS_SIMULATOR, a stage every 150 ms) while actions arrive
 * through the page, as a developer would try it: what an action stops stays stopped, at once.
 * Progress is observed through a control job the simulator keeps moving, never through the clock.
 */
const SIMULATOR_ENV = { OMIS_SIMULATOR: 'true', OMIS_SIMULATOR_TICK_MS: '50', OMIS_SIMULATOR_STEP_MS: '150' };

describe(`the simulator obeys actions issued mid-run (${databaseKind})`, { timeout: 120_000 }, () => {
  let t: TestApp | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await t?.close();
    await database?.drop();
    t = undefined;
    database = undefined;
  });

  async function act(fields: Record<string, string>, login = simLogins.user) {
    const res = await t!.app.inject({ method: 'GET', url: pageUrl({ ...login, ...fields }) });
    return parseResponse(res.body);
  }

  /** Polls; the generous limit is for busy machines (PGlite shares one core with everything else). */
  async function until(what: string, condition: () => Promise<boolean>) {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`gave up waiting until ${what}`);
  }

  const launch = (launchId: number, jobs: Array<{ jobId: number; status?: number; cost?: number }>) => ({
    launchId, owner: 'sim-user', name: `launch ${launchId}`, status: 3, errorCode: 0, launchCount: 1,
    jobs: jobs.map((job) => ({ jobType: 'EMAIL', status: 1, cost: 0, recipients: [{ emailAddress: `${job.jobId}@example.com` }], ...job })),
  });

  /** Seeds first, then starts the app with its simulator: nothing moves before the data is whole. */
  async function startWith(points: number, launches: unknown[]) {
    database = await createTestDatabase();
    await seedWith(database.db, simSeed(points, launches));
    t = await buildTestApp({ env: SIMULATOR_ENV, database });
    return t.db;
  }

  it('a job paused mid-run stays at its STATUS while others move on, and runs to the end once unpaused', async () => {
    const db = await startWith(100, [launch(8201, [{ jobId: 9921 }]), launch(8202, [{ jobId: 9931 }])]);
    await until('job 9921 is under way', async () => (await jobFacts(db, 9921)).status >= 2);
    const paused = await act({ JobID: '9921', JobAction: '3' });
    expect(paused.ErrorCode).toBe('0');
    const at = Number(paused.LAUNCH!.JOB![0]!.STATUS);
    expect(paused.LAUNCH!.JOB![0]!.ERRORCODE).toBe('-2');
    // The answer is the job as it stands; the simulator has not moved it since.
    expect(await jobFacts(db, 9921)).toMatchObject({ status: at, errorCode: -2 });
    await until('the control job has finished', async () => (await jobFacts(db, 9931)).status === 0);
    expect(await jobFacts(db, 9921)).toMatchObject({ status: at, errorCode: -2 });
    expect((await act({ JobID: '9921', JobAction: '4' })).ErrorCode).toBe('0');
    await until('job 9921 has finished', async () => (await jobFacts(db, 9921)).status === 0);
    await until('launch 8201 has finished', async () => (await act({ LaunchID: '8201' })).LAUNCH!.STATUS === '0');
  });

  it('a launch paused mid-run holds all its jobs; unpausing it lets them finish', async () => {
    const db = await startWith(100, [launch(8301, [{ jobId: 9941 }, { jobId: 9942, status: 2 }]), launch(8302, [{ jobId: 9951 }])]);
    await until('job 9941 is under way', async () => (await jobFacts(db, 9941)).status >= 2);
    const paused = await act({ LaunchID: '8301', LaunchAction: '3' });
    expect(paused.ErrorCode).toBe('0');
    const held = paused.LAUNCH!.JOB!.map((job) => [job.JobID, job.STATUS, job.ERRORCODE]);
    expect(held.every(([, , errorCode]) => errorCode === '-2')).toBe(true);
    await until('the control job has finished', async () => (await jobFacts(db, 9951)).status === 0);
    const still = (await act({ LaunchID: '8301' })).LAUNCH!;
    expect(still.ERRORCODE).toBe('-2');
    expect(still.JOB!.map((job) => [job.JobID, job.STATUS, job.ERRORCODE])).toEqual(held);
    expect((await act({ LaunchID: '8301', LaunchAction: '4' })).ErrorCode).toBe('0');
    await until('launch 8301 has finished', async () => (await act({ LaunchID: '8301' })).LAUNCH!.STATUS === '0');
  });

  it('a job deleted or terminated mid-run is never moved again', async () => {
    const db = await startWith(100, [launch(8401, [{ jobId: 9961 }, { jobId: 9962 }]), launch(8402, [{ jobId: 9971 }])]);
    await until('jobs are under way', async () => (await jobFacts(db, 9962)).status >= 2);
    expect((await act({ JobID: '9961', JobAction: '1' })).ErrorCode).toBe('0');
    expect((await act({ JobID: '9962', JobAction: '2' })).ErrorCode).toBe('0');
    const deleted = await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9961 } });
    const terminated = await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9962 } });
    await until('the control job has finished', async () => (await jobFacts(db, 9971)).status === 0);
    expect(await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9961 } })).toMatchObject({ status: deleted.status, updatedAt: deleted.updatedAt });
    expect(await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9962 } })).toMatchObject({ status: terminated.status, errorCode: -1, updatedAt: terminated.updatedAt });
  });

  it('stops a job with 201 when the root runs out; after a top-up JobAction 5 restarts it and it finishes', async () => {
    const db = await startWith(3, [launch(8501, [{ jobId: 9981, status: 5, cost: 10 }])]);
    await until('job 9981 is out of points', async () => (await jobFacts(db, 9981)).errorCode === 201);
    expect(await jobFacts(db, 9981)).toEqual({ status: 6, errorCode: 201, pointsCharged: 0 });
    expect(await rootPoints(db)).toBe(3);
    const query = await act({ JobID: '9981' });
    expect(query.LAUNCH!.JOB![0]!.ERRORCODE).toBe('201');
    // Not enough yet: 116, nothing taken.
    expect((await act({ JobID: '9981', JobAction: '5' }, simLogins.root)).ErrorCode).toBe('116');
    await addPoints(db.prisma, 'sim-root', 20);
    const restarted = await act({ JobID: '9981', JobAction: '5' }, simLogins.root);
    expect(restarted.ErrorCode).toBe('0');
    expect(restarted.LAUNCH!.JOB![0]!.ERRORCODE).toBe('0');
    await until('job 9981 has finished', async () => (await jobFacts(db, 9981)).status === 0);
    // The restart reserved the remaining cost; the simulator took nothing more.
    expect(await jobFacts(db, 9981)).toEqual({ status: 0, errorCode: 0, pointsCharged: 10 });
    expect(await rootPoints(db)).toBe(13);
  });

  it('closing the app stops the simulator after its tick, before the database goes', async () => {
    const db = await startWith(100, [launch(8701, [{ jobId: 9995 }])]);
    const app = t!.app;
    await until('job 9995 is under way', async () => (await jobFacts(db, 9995)).status >= 2);
    await app.close();
    t = undefined;
    // No transaction of the simulator is left open: the database answers and nothing moves any more.
    const stopped = await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9995 } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await db.prisma.job.findUniqueOrThrow({ where: { jobId: 9995 } })).toEqual(stopped);
  });
});

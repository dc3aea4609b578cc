import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anotherInstanceOf, buildTestApp, createTestDatabase, databaseKind, onPostgres, seedWith, type TestApp, type TestDatabase } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { launchTransition } from '../../src/tasks/launch-machine.ts';
import { cascadeToJob, jobTransition, type JobState } from '../../src/tasks/job-machine.ts';
import { jobForm, launchForm, postForm } from './actions-support.ts';
import { jobRow, launchRow, makeLaunch, rootPoints, setRootPoints } from '../factories.ts';

/**
 * Concurrent actions must give the result of some serial order (docs/API.md#concurrent-actions). The proof used
 * here: the accepted actions' audit entries, in the order they were written, replay through the
 * pure state machines — each entry's "before" is exactly what the previous ones left, its "after"
 * is what the machine says — and the replay ends where the database ends.
 */
interface Model {
  launch: { status: number; errorCode: number };
  jobs: Map<number, JobState>;
}

interface Entry {
  action: string;
  target_type: string;
  target_id: number;
  error_code: number;
  before: any;
  after: any;
}


function replay(model: Model, entries: Entry[]): void {
  for (const entry of entries.filter((e) => e.error_code === 0)) {
    // The audit's label names the action (request/actions.ts): replay it through the machines.
    const action = entry.action.split('.')[1] as never;
    if (entry.target_type === 'launch') {
      expect(entry.before.launch.errorCode).toBe(model.launch.errorCode);
      const outcome = launchTransition(action, model.launch, new Date('2031-01-01T00:00:00Z'));
      expect(outcome.result).not.toBe('refused');
      const changedJobs: Array<[number, JobState]> = [];
      if (outcome.result === 'changed') {
        model.launch = { ...outcome.next };
        for (const [jobId, job] of model.jobs) {
          const next = cascadeToJob(outcome.jobs, job);
          if (next) changedJobs.push([jobId, next]);
        }
      }
      expect(entry.after.launch.errorCode).toBe(model.launch.errorCode);
      const recorded = (entry.after.jobs ?? []).map((job: any) => [job.jobId, { status: job.status, errorCode: job.errorCode, pausedByLaunch: job.pausedByLaunch }]);
      expect(recorded).toEqual(changedJobs);
      for (const [jobId, next] of changedJobs) model.jobs.set(jobId, next);
    } else {
      const job = model.jobs.get(entry.target_id)!;
      expect({ errorCode: entry.before.job.errorCode, pausedByLaunch: entry.before.job.pausedByLaunch }).toEqual({
        errorCode: job.errorCode,
        pausedByLaunch: job.pausedByLaunch,
      });
      const outcome = jobTransition(action, { ...job, cost: 0, pointsCharged: 0 }, model.launch);
      expect(outcome.result).not.toBe('refused');
      if (outcome.result === 'changed') model.jobs.set(entry.target_id, outcome.next);
      const after = model.jobs.get(entry.target_id)!;
      expect({ errorCode: entry.after.job.errorCode, pausedByLaunch: entry.after.job.pausedByLaunch }).toEqual({
        errorCode: after.errorCode,
        pausedByLaunch: after.pausedByLaunch,
      });
    }
  }
}

async function entriesOf(t: { db: TestApp['db'] }, launchId: number, jobIds: number[]): Promise<Entry[]> {
  return t.db.query<Entry>(
    `SELECT action, target_type, target_id, error_code, before, after FROM audit_log
      WHERE (target_type = 'launch' AND target_id = $1) OR (target_type = 'job' AND target_id = ANY($2::int[]))
      ORDER BY audit_id`,
    [launchId, jobIds],
  );
}

/** A shuffled mix of actions, the same every run (tests must not depend on luck). */
function mix<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe(`concurrent actions (${databaseKind})`, () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let other: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
    first = await buildTestApp({ database });
    // The second instance has a connection pool of its own on PostgreSQL, as a second server would.
    other = await anotherInstanceOf(database);
    second = await buildTestApp({ database: other });
  });
  afterAll(async () => {
    await second?.close();
    await other?.drop();
    await first?.close();
    await database?.drop();
  });

  const apps = () => [first.app, second.app];

  /** Posts every form at once, alternating instances; waits for all before judging any. */
  async function postAll(forms: Array<Array<[string, string]>>) {
    const settled = await Promise.allSettled(forms.map((fields, i) => postForm(apps()[i % 2]!, fields)));
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return settled.map((result) => (result as PromiseFulfilledResult<any>).value);
  }

  it('dozens of simultaneous pause/unpause/terminate on one job serialise', async () => {
    const { launchId, jobIds } = await makeLaunch(database.db, { status: 3 }, [{ status: 6 }]);
    const jobId = String(jobIds[0]);
    const actions = mix([...Array(15).fill('3'), ...Array(15).fill('4'), ...Array(2).fill('2'), ...Array(8).fill('3')]);
    const answers = await postAll(actions.map((action) => jobForm(logins.mkt, action, jobId, 'x')));
    for (const answer of answers) expect(['0', '115']).toContain(answer.ErrorCode);
    // Once terminated, every later pause/unpause is refused; a terminate is never refused here.
    const entries = await entriesOf(first, launchId, jobIds);
    expect(entries).toHaveLength(actions.length);
    const model: Model = { launch: { status: 3, errorCode: 0 }, jobs: new Map([[jobIds[0]!, { status: 6, errorCode: 0, pausedByLaunch: false }]]) };
    replay(model, entries);
    expect((await jobRow(database.db, jobIds[0]!)).error_code).toBe(-1);
    expect(model.jobs.get(jobIds[0]!)!.errorCode).toBe(-1);
    expect(answers.filter((answer) => answer.ErrorCode === '0')).toHaveLength(entries.filter((e) => e.error_code === 0).length);
  });

  it('a launch and its jobs acted on at once end as some serial order of the accepted actions', async () => {
    const { launchId, jobIds } = await makeLaunch(database.db, { status: 2 }, [{ status: 6 }, { status: 4 }, { status: 1 }, { status: 6, errorCode: -2 }]);
    const requests: Array<Array<[string, string]>> = [];
    for (let i = 0; i < 8; i++) {
      requests.push(launchForm(logins.mkt, '3', String(launchId), 'x'), launchForm(logins.mkt, '4', String(launchId), 'x'));
    }
    for (const jobId of jobIds) {
      for (let i = 0; i < 4; i++) requests.push(jobForm(logins.mkt, '3', String(jobId), 'x'), jobForm(logins.mkt, '4', String(jobId), 'x'));
    }
    requests.push(jobForm(logins.root, '2', String(jobIds[2]), 'x'));
    const answers = await postAll(mix(requests, 11));
    for (const answer of answers) expect(['0', '115']).toContain(answer.ErrorCode);
    const entries = await entriesOf(first, launchId, jobIds);
    expect(entries).toHaveLength(requests.length);
    const model: Model = {
      launch: { status: 2, errorCode: 0 },
      jobs: new Map<number, JobState>([
        [jobIds[0]!, { status: 6, errorCode: 0, pausedByLaunch: false }],
        [jobIds[1]!, { status: 4, errorCode: 0, pausedByLaunch: false }],
        [jobIds[2]!, { status: 1, errorCode: 0, pausedByLaunch: false }],
        [jobIds[3]!, { status: 6, errorCode: -2, pausedByLaunch: false }],
      ]),
    };
    replay(model, entries);
    expect((await launchRow(database.db, launchId)).error_code).toBe(model.launch.errorCode);
    for (const jobId of jobIds) {
      const row = await jobRow(database.db, jobId);
      expect({ errorCode: row.error_code, pausedByLaunch: row.paused_by_launch }).toEqual({
        errorCode: model.jobs.get(jobId)!.errorCode,
        pausedByLaunch: model.jobs.get(jobId)!.pausedByLaunch,
      });
    }
  });

  it('restarts racing for points never spend more than the balance', async () => {
    await setRootPoints(database.db, 55);
    const { jobIds } = await makeLaunch(database.db, { status: 3 }, Array.from({ length: 12 }, () => ({ status: 6, errorCode: 201, cost: 10 })));
    // Every job restarted twice at once, from both instances.
    const requests = mix([...jobIds, ...jobIds]);
    const answers = await postAll(requests.map((jobId) => jobForm(logins.root, '5', String(jobId), 'x')));
    const accepted = answers.filter((answer) => answer.ErrorCode === '0');
    expect(accepted).toHaveLength(5);
    for (const answer of answers) expect(['0', '115', '116']).toContain(answer.ErrorCode);
    expect(await rootPoints(database.db)).toBe(5);
    let running = 0;
    for (const jobId of jobIds) {
      const row = await jobRow(database.db, jobId);
      if (row.error_code === 0) {
        running++;
        expect(row.points_charged).toBe(10);
      } else {
        expect([row.error_code, row.points_charged]).toEqual([201, 0]);
      }
    }
    expect(running).toBe(5);
  });

  it('one job restarted dozens of times at once is charged once', async () => {
    await setRootPoints(database.db, 1000);
    const { jobIds } = await makeLaunch(database.db, { status: 3 }, [{ status: 6, errorCode: 201, cost: 40, pointsCharged: 15 }]);
    const answers = await postAll(Array.from({ length: 30 }, () => jobForm(logins.root, '5', String(jobIds[0]), 'x')));
    expect(answers.filter((answer) => answer.ErrorCode === '0')).toHaveLength(1);
    expect(answers.filter((answer) => answer.ErrorCode === '115')).toHaveLength(29);
    expect(await rootPoints(database.db)).toBe(975);
    expect((await jobRow(database.db, jobIds[0]!)).points_charged).toBe(40);
  });

  it('a delete racing with other actions leaves every later one answering 110/111', async () => {
    const { launchId, jobIds } = await makeLaunch(database.db, { status: 2 }, [{ status: 6 }, { status: 6 }]);
    const requests = mix([
      launchForm(logins.mkt, '1', String(launchId), 'x'),
      ...Array.from({ length: 10 }, () => launchForm(logins.mkt, '3', String(launchId), 'x')),
      ...Array.from({ length: 10 }, () => launchForm(logins.mkt, '4', String(launchId), 'x')),
      ...jobIds.flatMap((jobId) => Array.from({ length: 5 }, () => jobForm(logins.mkt, '3', String(jobId), 'x'))),
    ]);
    const answers = await postAll(requests);
    for (const answer of answers) expect(['0', '110', '111', '115']).toContain(answer.ErrorCode);
    const entries = await entriesOf(first, launchId, jobIds);
    const deleteIndex = entries.findIndex((entry) => entry.action === 'launch.delete');
    expect(entries[deleteIndex]!.error_code).toBe(0);
    // Everything accepted came before the delete; everything after it found nothing.
    expect(entries.slice(deleteIndex + 1).every((entry) => entry.error_code !== 0)).toBe(true);
    expect((await launchRow(database.db, launchId)).deleted_at).not.toBeNull();
  });

  it.runIf(onPostgres)('the two instances really are two connection pools', () => {
    expect(first.db).not.toBe(second.db);
  });
});

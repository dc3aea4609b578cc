import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, onPostgres, seedWith, type TestDatabase } from '../helper.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { readRequest, readRequests, type RequestReadKeys } from '../../src/store/request-read.ts';
import { lockJob, lockLaunch, lockLaunchJobs } from '../../src/store/launches.ts';
import { failureKey } from '../../src/auth/lockout.ts';
import { loginKey } from '../../src/store/login-key.ts';

/**
 * The page's one read must see exactly what an action's locking reads see (store/launches.ts): the
 * same visible record by the same rule — and nothing for a record the login may not see — with the
 * account and the login's state beside it.
 */
describe(`readRequest: account, lockout state and record in one statement (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => {
    await t.db.exec('DELETE FROM login_failure');
  });

  const keys = (login: string, extra: Partial<RequestReadKeys> = {}): RequestReadKeys => ({
    loginKey: loginKey(login),
    failureKey: failureKey(login),
    ...extra,
  });

  it('reads the account row of a login in any letter case', async () => {
    const read = await readRequest(t.db, keys('ACME-Mkt'));
    expect(read.account).toMatchObject({ user_id: 1002, login: 'acme-mkt', customer_id: 'ACME', root_id: 1001, licences: ['TaskManager'] });
    expect(read.account!.password_hash).toMatch(/^\$argon2id\$/);
    expect(read.loginState).toBeUndefined();
    expect(read.launch).toBeUndefined();
  });

  it('reads no account for an unknown login, and no record even when the record exists', async () => {
    const read = await readRequest(t.db, keys('nobody', { launchId: 5001 }));
    expect(read.account).toBeUndefined();
    expect(read.launch).toBeUndefined();
    expect(read.jobs).toBeUndefined();
  });

  it.each([
    ['no failure record', undefined, undefined],
    ['failures but no lock', null, 'failing'],
    ['a lock that has passed', "now() - interval '1 second'", 'failing'],
    ['a lock in force', "now() + interval '1 minute'", 'locked'],
  ])('reads the lock state of the login: %s', async (_label, lockedUntil, expected) => {
    if (lockedUntil !== undefined) {
      await t.db.query(
        `INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until) VALUES ($1, 3, now(), ${lockedUntil ?? 'NULL'})`,
        [failureKey('acme-mkt')],
      );
    }
    const read = await readRequest(t.db, keys('acme-mkt', { launchId: 5001 }));
    expect(read.loginState).toBe(expected);
  });

  it('reads a record holding only reservations (no failure yet) as clean', async () => {
    await t.db.query(
      `INSERT INTO login_failure (login_key, failures, last_failure_at, pending, pending_until) VALUES ($1, 0, now(), 2, now() + interval '1 minute')`,
      [failureKey('acme-mkt')],
    );
    expect((await readRequest(t.db, keys('acme-mkt'))).loginState).toBeUndefined();
  });

  it('reads the lock state of an unknown login too (it is counted like a known one)', async () => {
    await t.db.query(`INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until) VALUES ($1, 9, now(), now() + interval '1 minute')`, [
      failureKey('nobody'),
    ]);
    const read = await readRequest(t.db, keys('nobody'));
    expect(read.account).toBeUndefined();
    expect(read.loginState).toBe('locked');
  });

  it.each([
    ['its own launch', 'acme-mkt', true, 5001],
    ['a launch below it', 'acme', true, 5002],
    ['a launch of another tree', 'acme', false, 6001],
    ['a launch above it', 'acme-mkt', false, 5003],
    ['a launch that does not exist', 'acme', false, 7777],
  ])('reads a launch exactly as an action then locks it, or not at all: %s', async (_label, login, visible, launchId) => {
    const read = await readRequest(t.db, keys(login, { launchId }));
    // The action locks by key what the read found visible; the read alone decides visibility.
    const locked = await t.db.transaction(async (tx) => {
      const launch = await lockLaunch(tx, launchId);
      return launch && { launch, jobs: await lockLaunchJobs(tx, launchId) };
    });
    expect(read.launch).toEqual(visible ? locked?.launch : undefined);
    expect(read.jobs).toEqual(visible ? locked?.jobs : undefined);
  });

  it.each([
    ['a job of its own launch', 'acme-mkt', true, 9002],
    ['a job below it', 'acme', true, 9003],
    ['a job of another tree', 'acme', false, 9101],
    ['a job above it', 'acme-mkt', false, 9004],
    ['a job that does not exist', 'acme', false, 8888],
  ])('reads a job with its launch exactly as an action then locks them, or not at all: %s', async (_label, login, visible, jobId) => {
    const read = await readRequest(t.db, keys(login, { jobId }));
    const found = await t.db.transaction((tx) => lockJob(tx, jobId));
    expect(read.launch).toEqual(visible ? found?.launch : undefined);
    expect(read.jobs).toEqual(visible && found ? [found.job] : undefined);
  });

  it('reads a launch with no jobs as an empty list, and keeps jobs in JobID order', async () => {
    await seedWith(t.db, {
      accounts: [],
      launches: [
        { launchId: 5100, owner: 'acme-mkt', name: 'Empty', status: 1, jobs: [] },
        {
          launchId: 5101, owner: 'acme-mkt', name: 'Many', status: 1,
          jobs: [9505, 9501, 9503].map((jobId) => ({ jobId, jobType: 'SMS', status: 2, errorCode: -2, cost: 7, recipients: [] })),
        },
      ],
    });
    expect((await readRequest(t.db, keys('acme-mkt', { launchId: 5100 }))).jobs).toEqual([]);
    const many = await readRequest(t.db, keys('acme-mkt', { launchId: 5101 }));
    expect(many.jobs!.map((job) => job.job_id)).toEqual([9501, 9503, 9505]);
    expect(many.jobs![0]).toEqual({ job_id: 9501, launch_id: 5101, job_type: 'SMS', status: 2, error_code: -2, cost: 7, points_charged: 0, paused_by_launch: false });
  });

  it('reads nothing of a deleted launch or job, and leaves a deleted job out of its launch', async () => {
    await seedWith(t.db, {
      accounts: [],
      launches: [
        { launchId: 5200, owner: 'acme-mkt', name: 'Deleted', status: 1, jobs: [{ jobId: 9600, jobType: 'EMAIL', status: 1, recipients: [] }] },
        {
          launchId: 5201, owner: 'acme-mkt', name: 'Half', status: 1,
          jobs: [
            { jobId: 9601, jobType: 'EMAIL', status: 1, recipients: [] },
            { jobId: 9602, jobType: 'EMAIL', status: 1, recipients: [] },
          ],
        },
      ],
    });
    await t.db.exec(`UPDATE launch SET deleted_at = now() WHERE launch_id = 5200; UPDATE job SET deleted_at = now() WHERE job_id = 9602`);
    expect((await readRequest(t.db, keys('acme-mkt', { launchId: 5200 }))).launch).toBeUndefined();
    expect((await readRequest(t.db, keys('acme-mkt', { jobId: 9600 }))).launch).toBeUndefined();
    expect((await readRequest(t.db, keys('acme-mkt', { jobId: 9602 }))).launch).toBeUndefined();
    expect((await readRequest(t.db, keys('acme-mkt', { launchId: 5201 }))).jobs!.map((job) => job.job_id)).toEqual([9601]);
  });

  /** Requests of every kind: launch and job, own, foreign, missing, unknown login, no record, any case, twice. */
  const mixedRequests = (): RequestReadKeys[] => [
    keys('acme-mkt', { launchId: 5001 }),
    keys('acme', { jobId: 9003 }),
    keys('nobody', { launchId: 5001 }),
    keys('acme-mkt'),
    keys('acme-mkt-tw', { launchId: 5003 }),
    keys('globex', { jobId: 9101 }),
    keys('acme', { launchId: 7777 }),
    keys('ACME-MKT', { jobId: 9002 }),
    keys('acme-mkt', { launchId: 5001 }),
  ];

  it('reads many requests in one statement, each exactly as it reads alone, in the order asked', async () => {
    await t.db.query(`INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until) VALUES ($1, 9, now(), now() + interval '1 minute')`, [
      failureKey('globex'),
    ]);
    const asked = mixedRequests();
    const alone = [];
    for (const key of asked) alone.push(await readRequest(t.db, key));
    expect(await readRequests(t.db, asked)).toEqual(alone);
    expect(await readRequests(t.db, [...asked].reverse())).toEqual([...alone].reverse());
    // The reads really differ from one another, so a mix-up could not pass unnoticed.
    expect(new Set(alone.map((read) => JSON.stringify(read))).size).toBe(asked.length - 1);
  });

  it('reads no request at all as no rows', async () => {
    expect(await readRequests(t.db, [])).toEqual([]);
  });

  // They look into the session of one connection of their own: straight to PostgreSQL, never through a pooler.
  const onOwnConnection = async <T>(preparedStatements: boolean, work: (db: Database) => Promise<T>) => {
    const single = await openDatabase({ databaseUrl: t.directUrl, poolSize: 1, preparedStatements });
    try {
      return await work(single);
    } finally {
      await single.close();
    }
  };
  const preparedAfterReads = (preparedStatements: boolean) =>
    onOwnConnection(preparedStatements, async (single) => {
      const asked = [keys('acme-mkt', { launchId: 5001 }), keys('acme', { jobId: 9002 })];
      // More than PostgreSQL's five trial plans, so that the plan it settles on shows.
      for (let run = 0; run < 8; run++) {
        expect((await readRequests(single, asked)).map((read) => read.launch?.launch_id)).toEqual([5001, 5001]);
        expect((await readRequest(single, asked[run % 2]!)).launch?.launch_id).toBe(5001);
      }
      return single.query<{ name: string; generic_plans: string; custom_plans: string }>(
        `SELECT name, generic_plans::text, custom_plans::text FROM pg_prepared_statements ORDER BY name`,
      );
    });

  it.runIf(onPostgres)('leaves no named statement on the connection with prepared statements off, so that any pooler may pass it on (PostgreSQL)', async () => {
    expect(await preparedAfterReads(false)).toEqual([]);
  });

  it.runIf(onPostgres)('prepares the batch and the single read once on the connection with prepared statements on, and keeps to their generic plans (PostgreSQL)', async () => {
    expect(await preparedAfterReads(true)).toEqual([
      { name: expect.stringMatching(/^omis_read_request_[0-9a-f]{12}$/), generic_plans: '3', custom_plans: '5' },
      { name: expect.stringMatching(/^omis_read_requests_[0-9a-f]{12}$/), generic_plans: '3', custom_plans: '5' },
    ]);
  });

  it.runIf(onPostgres)('reads alike whether the query is prepared itself or its function is called (PostgreSQL)', async () => {
    await t.db.query(`INSERT INTO login_failure (login_key, failures, last_failure_at) VALUES ($1, 2, now())`, [failureKey('acme')]);
    const asked = mixedRequests();
    const readAll = (preparedStatements: boolean) =>
      onOwnConnection(preparedStatements, async (db) => {
        const alone = [];
        for (const key of asked) alone.push(await readRequest(db, key));
        return { alone, together: await readRequests(db, asked) };
      });
    const prepared = await readAll(true);
    expect(prepared.together).toEqual(prepared.alone);
    expect(prepared).toEqual(await readAll(false));
    expect(prepared.alone[1]!.loginState).toBe('failing');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anotherInstanceOf, buildTestApp, createTestDatabase, databaseKind, pageUrl, seedWith, type TestApp, type TestDatabase } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { sample } from '../metrics.ts';

/**
 * Queries that arrive together share one read statement (store/request-reader.ts). Whatever else
 * arrives with it, every request must get the answer it gets alone: its own account, its own
 * record, its own refusal — on one instance, and on two instances whose statements meet on the
 * same server connections (behind a pooler in transaction mode, as CI runs this file too).
 */
describe(`concurrent queries of different managers and records (${databaseKind})`, () => {
  let database: TestDatabase;
  let other: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
    // The unknown login's failures add up over the file; its answer must stay 100, not become a lockout.
    const env = { OMIS_LOCKOUT_THRESHOLD: '100' };
    first = await buildTestApp({ database, env });
    // On PostgreSQL a connection pool of its own, as a second server process would have.
    other = await anotherInstanceOf(database);
    second = await buildTestApp({ database: other, env });
  });
  afterAll(async () => {
    await second?.close();
    await other?.drop();
    await first?.close();
    await database?.drop();
  });

  const requests: Array<Record<string, string>> = [
    { ...logins.mkt, LaunchID: '5001' },
    { ...logins.root, LaunchID: '5002' },
    { ...logins.globex, LaunchID: '5001' },
    { ...logins.globex, LaunchID: '6001', ReturnType: 'CSV' },
    { ...logins.tw, JobID: '9003' },
    { ...logins.mkt, JobID: '9004' },
    { ...logins.root, JobID: '9002', EmailAddress: 'a@example.com' },
    { ...logins.noLicence, LaunchID: '5001' },
    { ManagerLoginName: 'nobody', ManagerPassword: 'x', LaunchID: '5001' },
    { ...logins.mkt, LaunchID: '5001x' },
    { ...logins.root },
    { ...logins.mkt, LaunchID: '5001', LaunchAction: '9' },
  ];

  // Report links carry their expiry; a window may turn between two answers.
  const comparable = (body: string) => body.replace(/Expires=\d+&(amp;)?Signature=[\w-]+/g, 'Expires=…');
  const get = async (t: TestApp, fields: Record<string, string>) => comparable((await t.app.inject({ method: 'GET', url: pageUrl(fields) })).body);

  async function answersAlone(): Promise<string[]> {
    await database.db.exec('DELETE FROM login_failure');
    const alone: string[] = [];
    for (const fields of requests) alone.push(await get(first, fields));
    // Different answers: a mix-up between requests could not pass unnoticed.
    expect(new Set(alone).size).toBe(requests.length);
    return alone;
  }

  /** Whether each instance sent a read statement carrying more than one read while `work` ran (omis_db_reads_per_statement). */
  async function sharedDuring(work: () => Promise<void>): Promise<boolean[]> {
    const statements = async (t: TestApp) => {
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      return { all: sample(text, 'omis_db_reads_per_statement_count') ?? 0, single: sample(text, 'omis_db_reads_per_statement_bucket', { le: '1' }) ?? 0 };
    };
    const before = await Promise.all([first, second].map(statements));
    await work();
    const after = await Promise.all([first, second].map(statements));
    return after.map((counts, i) => counts.all - before[i]!.all > counts.single - before[i]!.single);
  }

  it('answers each request as it is answered alone, however the requests are batched', async () => {
    const alone = await answersAlone();
    const order = [...requests.keys(), ...requests.keys()];
    let together: string[] = [];
    const [shared] = await sharedDuring(async () => {
      together = await Promise.all(order.map((index) => get(first, requests[index]!)));
    });
    expect(together).toEqual(order.map((index) => alone[index]));
    // They really shared statements.
    expect(shared).toBe(true);
  });

  it('answers each request as it is answered alone when two instances take them at once', async () => {
    const alone = await answersAlone();
    const order = [...requests.keys(), ...requests.keys(), ...requests.keys(), ...requests.keys()];
    let together: string[] = [];
    const shared = await sharedDuring(async () => {
      together = await Promise.all(order.map((index, i) => get(i % 2 === 0 ? first : second, requests[index]!)));
    });
    expect(together).toEqual(order.map((index) => alone[index]));
    // Both instances read, each sharing statements among its own requests.
    expect(shared).toEqual([true, true]);
  });
});

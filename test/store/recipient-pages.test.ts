import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { recipientPages } from '../../src/store/recipients.ts';

/** Keyset pages, each asked for while the one before is being written: every row once, in order. */
describe(`recipientPages (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedWith(t.db, standardSeed);
    await t.db.query(`INSERT INTO launch (launch_id, owner_id, name, status) VALUES (5950, 1002, 'Pages', 3)`);
    await t.db.query(`INSERT INTO job (job_id, launch_id, job_type, status) VALUES (79001, 5950, 'EMAIL', 6), (79002, 5950, 'EMAIL', 6), (79003, 5950, 'EMAIL', 6)`);
    await t.db.query(
      `INSERT INTO recipient (job_id, email_address, delivery_status) SELECT 79001, 'u' || g || '@example.com', 'SENT' FROM generate_series(1, 25) AS g`,
    );
    await t.db.query(
      `INSERT INTO recipient (job_id, email_address, delivery_status) SELECT 79002, 'v' || g || '@example.com', 'SENT' FROM generate_series(1, 20) AS g`,
    );
  });
  afterAll(async () => t?.drop());

  const collect = async (jobId: number, pageSize: number) => {
    const pages: string[][] = [];
    for await (const page of recipientPages(t.db, jobId, pageSize)) pages.push(page.map((row) => row.email_address!));
    return pages;
  };

  it.each([
    [79001, 10, [10, 10, 5]],
    [79002, 10, [10, 10]],
    [79002, 20, [20]],
    [79002, 50, [20]],
    [79003, 10, []],
  ])('job %i in pages of %i: %j rows', async (jobId, pageSize, sizes) => {
    const pages = await collect(jobId, pageSize);
    expect(pages.map((page) => page.length)).toEqual(sizes);
    const prefix = jobId === 79001 ? 'u' : 'v';
    expect(pages.flat()).toEqual(Array.from({ length: sizes.reduce((a, b) => a + b, 0) }, (_, i) => `${prefix}${i + 1}@example.com`));
  });

  it('can be abandoned after the first page without leaving a query behind unheard', async () => {
    for await (const page of recipientPages(t.db, 79001, 10)) {
      expect(page).toHaveLength(10);
      break;
    }
    // The database still answers: the page fetched in advance finished or failed quietly.
    expect(await t.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

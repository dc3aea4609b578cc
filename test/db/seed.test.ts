import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed, seedRecords, SeedError } from '../../src/cli/seed-file.ts';
import { loadSeed } from '../../src/store/seed.ts';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';

const TZ = 'Asia/Taipei';

async function snapshot(t: TestDatabase) {
  return t.db.query(`
    SELECT (SELECT json_agg(a ORDER BY user_id) FROM (SELECT user_id, login, password_hash, customer_id, parent_id, root_id, licences, points FROM account) a) AS accounts,
           (SELECT json_agg(c ORDER BY ancestor_id, descendant_id) FROM account_closure c) AS closure,
           (SELECT json_agg(l ORDER BY launch_id) FROM (SELECT launch_id, owner_id, name, status, error_code, launch_count, expire_time FROM launch) l) AS launches,
           (SELECT json_agg(j ORDER BY job_id) FROM (SELECT job_id, launch_id, job_type, status, error_code, cost, points_charged FROM job) j) AS jobs,
           (SELECT json_agg(r ORDER BY recipient_id) FROM (SELECT recipient_id, job_id, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, delivery_status FROM recipient) r) AS recipients`);
}

describe(`seed files (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.drop());

  it('loads the contract example, and loading it twice changes nothing', async () => {
    const first = await seedWith(t.db, standardSeed);
    expect(first.created).toEqual({ accounts: 5, launches: 4, jobs: 5, recipients: 3 });
    const before = await snapshot(t);
    const second = await seedWith(t.db, standardSeed);
    expect(second.created).toEqual({ accounts: 0, launches: 0, jobs: 0, recipients: 0 });
    expect(second.skipped).toEqual({ accounts: 5, launches: 4 });
    expect(await snapshot(t)).toEqual(before);
  });

  it('builds the closure of the account tree', async () => {
    const rows = await t.db.query<{ ancestor_id: number; descendant_id: number; depth: number }>(
      `SELECT ancestor_id, descendant_id, depth FROM account_closure WHERE descendant_id = 1003 ORDER BY depth`,
    );
    expect(rows).toEqual([
      { ancestor_id: 1003, descendant_id: 1003, depth: 0 },
      { ancestor_id: 1002, descendant_id: 1003, depth: 1 },
      { ancestor_id: 1001, descendant_id: 1003, depth: 2 },
    ]);
  });

  it('stores passwords only as argon2id hashes and normalised lookup keys', async () => {
    const [account] = await t.db.query<{ password_hash: string }>(`SELECT password_hash FROM account WHERE user_id = 1001`);
    expect(account!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const [sms] = await t.db.query<{ sms_key: string }>(`SELECT sms_key FROM recipient WHERE sms_number = '0912-345-678'`);
    expect(sms!.sms_key).toBe('+886912345678');
    const [email] = await t.db.query<{ email_key: string }>(`SELECT email_key FROM recipient WHERE email_address = 'Bob@Example.com'`);
    expect(email!.email_key).toBe('bob@example.com');
  });

  it.each<[string, unknown, RegExp]>([
    ['a job type', { launches: [{ launchId: 1, owner: 'acme', name: 'x', status: 1, jobs: [{ jobId: 1, jobType: 'FAX', status: 1 }] }] }, /^launches\[0\]\.jobs\[0\]\.jobType:/],
    ['a status', { launches: [{ launchId: 1, owner: 'acme', name: 'x', status: 7 }] }, /^launches\[0\]\.status:/],
    ['an unknown key', { accounts: [{ login: 'a', password: 'p', userId: 1, customerId: 'C', parent: null, colour: 'red' }] }, /^accounts\[0\]:.*colour/],
    ['a missing password', { accounts: [{ login: 'a', userId: 1, customerId: 'C' }] }, /^accounts\[0\]\.password:/],
    ['an expire time', { launches: [{ launchId: 1, owner: 'acme', name: 'x', status: 1, expireTime: '2026-02-30 10:00:00' }] }, /^launches\[0\]\.expireTime:/],
    ['a duplicate job', { launches: [{ launchId: 1, owner: 'acme', name: 'x', status: 1, jobs: [{ jobId: 1, jobType: 'SMS', status: 1 }, { jobId: 1, jobType: 'SMS', status: 1 }] }] }, /^launches\[0\]\.jobs\[1\]\.jobId:/],
    ['points on a sub-account', { accounts: [{ login: 'a', password: 'p', userId: 1, customerId: 'C', parent: 'acme', points: 5 }] }, /^accounts\[0\]\.points:/],
  ])('refuses %s, naming the entry', (_what, seed, message) => {
    expect(() => parseSeed(seed, TZ)).toThrowError(SeedError);
    expect(() => parseSeed(seed, TZ)).toThrowError(message);
  });

  it('writes nothing of a file that fails half-way through loading', async () => {
    const before = await snapshot(t);
    const seed = parseSeed(
      {
        accounts: [{ login: 'newcomer', password: 'p', userId: 3001, customerId: 'NEW', parent: null, licences: ['TaskManager'] }],
        launches: [
          { launchId: 7101, owner: 'newcomer', name: 'fine', status: 1, jobs: [{ jobId: 7102, jobType: 'EMAIL', status: 1 }] },
          { launchId: 7103, owner: 'nobody-at-all', name: 'bad owner', status: 1 },
        ],
      },
      TZ,
    );
    await expect(loadSeed(t.db.prisma, await seedRecords(seed, TZ))).rejects.toThrowError(/^launches\[1\]\.owner: account "nobody-at-all" does not exist/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a login or user id that belongs to another account', async () => {
    const seed = parseSeed({ accounts: [{ login: 'ACME', password: 'x', userId: 4444, customerId: 'X', parent: null }] }, TZ);
    await expect(loadSeed(t.db.prisma, await seedRecords(seed, TZ))).rejects.toThrowError(/^accounts\[0\]: login "ACME" or userId 4444 belongs to another account/);
  });

  it('moves the ID sequences past explicit IDs', async () => {
    const [row] = await t.db.query<{ id: number }>(`INSERT INTO launch (owner_id, name, status) VALUES (1001, 'next', 1) RETURNING launch_id AS id`);
    expect(row!.id).toBe(6002);
  });
});

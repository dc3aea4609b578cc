import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { readRequest, type RequestReadKeys } from '../../src/store/request-read.ts';
import { MAX_READS_PER_STATEMENT, RequestReader } from '../../src/store/request-reader.ts';
import type { Database } from '../../src/db/database.ts';
import { failureKey } from '../../src/auth/lockout.ts';
import { loginKey } from '../../src/store/login-key.ts';

/**
 * Requests that arrive together share one read statement: each must still get exactly its own
 * read, one request's failure must not become another's, and a request alone waits for nothing.
 */
describe(`RequestReader: the reads of requests that arrive together, in one statement (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.drop());

  const keys = (login: string, extra: Partial<RequestReadKeys> = {}): RequestReadKeys => ({ loginKey: loginKey(login), failureKey: failureKey(login), ...extra });
  const mix: RequestReadKeys[] = [
    keys('acme-mkt', { launchId: 5001 }),
    keys('acme', { jobId: 9003 }),
    keys('nobody', { launchId: 5001 }),
    keys('globex', { launchId: 5001 }),
    keys('acme-mkt-tw'),
    keys('globex', { jobId: 9101 }),
  ];

  /** A reader whose statements are counted by size. */
  function countingReader(db: Database, maxBatchSize?: number) {
    const sizes: number[] = [];
    const reader = new RequestReader(db, { maxBatchSize, onBatch: (size) => sizes.push(size) });
    return { reader, sizes };
  }

  it('sends the reads asked for in one turn of the event loop as one statement, and gives each its own read', async () => {
    const { reader, sizes } = countingReader(t.db);
    const expected = await Promise.all(mix.map((key) => readRequest(t.db, key)));
    expect(await Promise.all(mix.map((key) => reader.read(key)))).toEqual(expected);
    expect(sizes).toEqual([mix.length]);
  });

  it('sends reads asked for in different turns as statements of their own', async () => {
    const { reader, sizes } = countingReader(t.db);
    const first = reader.read(mix[0]!);
    await nextTurn();
    const second = reader.read(mix[1]!);
    expect(await Promise.all([first, second])).toEqual([await readRequest(t.db, mix[0]!), await readRequest(t.db, mix[1]!)]);
    expect(sizes).toEqual([1, 1]);
  });

  it(`puts at most ${MAX_READS_PER_STATEMENT} reads in one statement`, async () => {
    const { reader, sizes } = countingReader(t.db);
    const many = Array.from({ length: 2 * MAX_READS_PER_STATEMENT + 5 }, (_, index) => mix[index % mix.length]!);
    const reads = await Promise.all(many.map((key) => reader.read(key)));
    expect(sizes).toEqual([MAX_READS_PER_STATEMENT, MAX_READS_PER_STATEMENT, 5]);
    expect(reads.map((read) => read.account?.login ?? null)).toEqual(many.map((key) => (key.loginKey === 'nobody' ? null : key.loginKey)));
  });

  it('retries each read alone when a shared statement fails, so one request cannot fail the others', async () => {
    let statements = 0;
    // A statement fails whenever it carries the poisoned login; everything else reaches the real database.
    const poisoned: Database = {
      ...t.db,
      pool: undefined,
      query: async <Row>(sql: string, params?: unknown[]) => {
        statements++;
        if ((params?.[0] as string[]).includes('poison')) throw new Error('statement refused');
        return t.db.query<Row>(sql, params);
      },
    };
    const reader = new RequestReader(poisoned);
    const outcomes = await Promise.allSettled([reader.read(mix[0]!), reader.read(keys('poison')), reader.read(mix[1]!)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseFulfilledResult<unknown>).value).toEqual(await readRequest(t.db, mix[0]!));
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('statement refused'));
    expect(statements).toBe(1 + 3);
  });

  it('fails every read of the statement at once when the database is gone, without retrying each', async () => {
    let statements = 0;
    const gone: Database = {
      ...t.db,
      pool: undefined,
      query: async () => {
        statements++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    };
    const reader = new RequestReader(gone);
    const outcomes = await Promise.allSettled(mix.map((key) => reader.read(key)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(statements).toBe(1);
  });
});

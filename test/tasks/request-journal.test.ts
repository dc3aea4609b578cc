import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { RequestJournal } from '../../src/tasks/request-journal.ts';
import { insertJournalRows, listJournal, pruneJournal, type JournalRow } from '../../src/store/journal.ts';
import type { PendingEntry } from '../../src/tasks/journal-entry.ts';

/** The journal's writer on its own: its bound per flush, its counts, what a refused row does to the others. */
describe(`the request journal's writer (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.drop());

  const entry = (clientIp = '203.0.113.1'): PendingEntry => ({
    atMs: Date.now(),
    clientIp,
    method: 'GET',
    contentType: undefined,
    httpStatus: 414,
    durationMs: 0.5,
    location: undefined,
    outcome: undefined,
  });

  it('keeps at most its bound per flush: what arrives while a batch is written waits for the next one, or is dropped', async () => {
    await t.db.exec('DELETE FROM request_journal');
    const counted: Array<[string, number]> = [];
    // A database whose writes wait until the test lets them go.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = { ...t.db, query: async <Row>(sql: string, params?: unknown[]) => (await gate, t.db.query<Row>(sql, params)) };
    const journal = new RequestJournal(slow, { queueLimit: 5, maxRows: 1000, retentionHours: 1, flushMs: 60_000, onCount: (outcome, n) => counted.push([outcome, n]) });
    for (let i = 0; i < 8; i++) journal.record(entry());
    expect(journal.pending).toBe(5);
    const writing = journal.flush();
    await new Promise((resolve) => setImmediate(resolve));
    // The batch is being written: what comes now queues for the next flush, within the bound.
    expect(journal.pending).toBe(0);
    for (let i = 0; i < 7; i++) journal.record(entry());
    expect(journal.pending).toBe(5);
    open();
    await writing;
    expect(journal.counts).toEqual({ written: 10, dropped: 5, failed: 0 });
    expect(counted.filter(([outcome]) => outcome === 'dropped').reduce((sum, [, n]) => sum + n, 0)).toBe(5);
    expect((await listJournal(t.db, { limit: 100 })).length).toBe(10);
    await journal.close();
  });

  it('writes the others when one row is refused, and counts the refused one as failed', async () => {
    await t.db.exec('DELETE FROM request_journal');
    const journal = new RequestJournal(t.db, { queueLimit: 10, maxRows: 1000, retentionHours: 1, flushMs: 60_000 });
    journal.record(entry());
    // PostgreSQL text cannot hold NUL: this row is refused, alone.
    journal.record(entry('bad\u0000address'));
    journal.record(entry());
    await journal.flush();
    expect(journal.counts).toEqual({ written: 2, dropped: 0, failed: 1 });
    await journal.close();
  });

  it('gives the space of pruned rows back: rounds of writing and pruning leave the table the size of what it keeps', async () => {
    await t.db.exec('DELETE FROM request_journal');
    await t.db.exec('VACUUM request_journal');
    const row = (): JournalRow => ({
      at: new Date(),
      loginKey: null,
      login: null,
      clientIp: '203.0.113.9',
      method: 'GET',
      contentType: null,
      httpStatus: 200,
      errorCode: 0,
      durationMs: 1,
      params: [],
      xmlSource: null,
      injected: null,
      // About an answer's size: a page holds a handful.
      answer: 'x'.repeat(1500),
    });
    const size = async () => Number((await t.db.query<{ n: string }>(`SELECT pg_relation_size('request_journal') AS n`))[0]!.n);
    let early = 0;
    for (let round = 0; round < 12; round++) {
      await insertJournalRows(t.db, Array.from({ length: 200 }, row));
      expect(await pruneJournal(t.db, 100, 24)).toBe(round === 0 ? 100 : 200);
      if (round === 1) early = await size();
    }
    // Without the space given back, twelve rounds leave six times the second round's table.
    expect(await size()).toBeLessThanOrEqual(early * 1.5);
    expect(await t.db.query(`SELECT 1 FROM request_journal`)).toHaveLength(100);
  });

  it('takes nothing once closed', async () => {
    const journal = new RequestJournal(t.db, { queueLimit: 10, maxRows: 1000, retentionHours: 1 });
    await journal.close();
    journal.record(entry());
    expect(journal.pending).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namedStatement, openDatabase, type Database } from '../../src/db/database.ts';
import { createTestDatabase, databaseKind, onPostgres, throughPooler, type TestDatabase } from '../helper.ts';

/**
 * Statements of the hot path are prepared once per connection where that is on
 * (OMIS_PREPARED_STATEMENTS), and a connection that turns out to lose them (a pooler in transaction
 * mode) turns them off without failing the statement that found out.
 */
const NEXT = namedStatement('test_next', 'SELECT $1::int + 1 AS n');
const SQLSTATE = (error: unknown) => (error as { code?: string }).code;
/**
 * The loads below queue hundreds of statements on a few connections at once: the pool's wait for a
 * free connection, which sheds load in a server (CONNECT_TIMEOUT_MS), would fail them on a busy
 * machine, and what they test is the answers.
 */
const QUEUED_LOAD_MS = 30_000;

describe(`prepared statements (${databaseKind})`, () => {
  let t: TestDatabase;
  const opened: Database[] = [];
  const open = async (url: string, preparedStatements: boolean, off: unknown[] = [], connectTimeoutMs?: number) => {
    const db = await openDatabase({ databaseUrl: url, poolSize: 1, preparedStatements, connectTimeoutMs });
    db.whenPreparedStatementsOff((error) => off.push(error));
    opened.push(db);
    return db;
  };
  const prepared = async (db: Database) => (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).map((row) => row.name);

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await t.drop();
  });

  it('names a statement by its text, so that two versions of the server never run each other’s', () => {
    expect(NEXT.name).toMatch(/^omis_test_next_[0-9a-f]{12}$/);
    expect(namedStatement('test_next', 'SELECT $1::int + 1 AS n').name).toBe(NEXT.name);
    expect(namedStatement('test_next', 'SELECT $1::int + 2 AS n').name).not.toBe(NEXT.name);
  });

  it('runs a statement’s text, with or without preparing it', async () => {
    expect(await t.db.query(NEXT, [41])).toEqual([{ n: 42 }]);
  });

  describe.runIf(onPostgres)('on PostgreSQL, straight to it', () => {
    it('prepares a statement once on the connection when on, and never when off', async () => {
      const on = await open(t.directUrl!, true);
      for (let i = 0; i < 3; i++) expect(await on.query(NEXT, [i])).toEqual([{ n: i + 1 }]);
      expect(await prepared(on)).toEqual([NEXT.name]);
      expect(on.preparedStatements).toBe(true);

      const off = await open(t.directUrl!, false);
      expect(await off.query(NEXT, [1])).toEqual([{ n: 2 }]);
      expect(await prepared(off)).toEqual([]);
      expect(off.preparedStatements).toBe(false);
    });

    it('turns them off when a prepared statement has gone from the connection (26000), and the statement still answers', async () => {
      const off: unknown[] = [];
      const db = await open(t.directUrl!, true, off);
      expect(await db.query(NEXT, [1])).toEqual([{ n: 2 }]);
      // What a pooler does to the statement: the next one runs on a session that lacks it.
      await db.query('DEALLOCATE ALL');
      expect(await db.query(NEXT, [2])).toEqual([{ n: 3 }]);
      expect(db.preparedStatements).toBe(false);
      expect(off.map(SQLSTATE)).toEqual(['26000']);
      expect(await db.query(NEXT, [3])).toEqual([{ n: 4 }]);
      expect(await prepared(db)).toEqual([]);
      expect(off).toHaveLength(1);
    });

    it('turns them off when the name is already taken on the connection (42P05), and the statement still answers', async () => {
      const off: unknown[] = [];
      const db = await open(t.directUrl!, true, off);
      // What a pooler does: another client prepared it on the server connection this one is lent.
      await db.query(`PREPARE ${NEXT.name} AS SELECT 0 AS n`);
      expect(await db.query(NEXT, [5])).toEqual([{ n: 6 }]);
      expect(db.preparedStatements).toBe(false);
      expect(off.map(SQLSTATE)).toEqual(['42P05']);
    });

    it('prepares a statement in a transaction too, and never on a dedicated connection', async () => {
      const db = await open(t.directUrl!, true);
      expect(await db.transaction((tx) => tx.query(NEXT, [1]))).toEqual([{ n: 2 }]);
      expect(await prepared(db)).toEqual([NEXT.name]);

      const other = await open(t.directUrl!, true);
      expect(await other.withConnection((conn) => conn.query(NEXT, [1]))).toEqual([{ n: 2 }]);
      expect(await prepared(other)).toEqual([]);
    });

    it('runs a transaction whose prepared statement was lost once more from the start, unprepared, writing once', async () => {
      const off: unknown[] = [];
      const db = await open(t.directUrl!, true, off);
      await db.exec('CREATE TABLE IF NOT EXISTS prepared_tx_writes (n int)');
      const attempts: number[] = [];
      const write = (n: number) =>
        db.transaction(async (tx) => {
          attempts.push(n);
          await tx.query('INSERT INTO prepared_tx_writes (n) VALUES ($1::int)', [n]);
          return tx.query<{ n: number }>(NEXT, [n]);
        });
      expect(await write(1)).toEqual([{ n: 2 }]);
      // What a pooler does to the statement: the next transaction runs on a session that lacks it.
      await db.query('DEALLOCATE ALL');
      expect(await write(10)).toEqual([{ n: 11 }]);
      expect(attempts).toEqual([1, 10, 10]);
      expect(off.map(SQLSTATE)).toEqual(['26000']);
      expect(db.preparedStatements).toBe(false);
      expect(await db.query('SELECT n FROM prepared_tx_writes ORDER BY n')).toEqual([{ n: 1 }, { n: 10 }]);
      expect(await write(20)).toEqual([{ n: 21 }]);
      expect(attempts).toEqual([1, 10, 10, 20]);
      await db.exec('DROP TABLE prepared_tx_writes');
    });

    it('runs a failing transaction once, and keeps them on, when the error is anything else', async () => {
      const off: unknown[] = [];
      const db = await open(t.directUrl!, true, off);
      const failing = namedStatement('test_fail_tx', 'SELECT 1 / $1::int AS n');
      let attempts = 0;
      await expect(db.transaction((tx) => (attempts++, tx.query(failing, [0])))).rejects.toMatchObject({ code: '22012' });
      expect(attempts).toBe(1);
      expect(db.preparedStatements).toBe(true);
      expect(off).toEqual([]);
    });

    it('keeps them on when a prepared statement fails for any other reason, and reports that failure', async () => {
      const off: unknown[] = [];
      const db = await open(t.directUrl!, true, off);
      const failing = namedStatement('test_fail', 'SELECT 1 / $1::int AS n');
      await expect(db.query(failing, [0])).rejects.toMatchObject({ code: '22012' });
      expect(await db.query(failing, [1])).toEqual([{ n: 1 }]);
      expect(db.preparedStatements).toBe(true);
      expect(off).toEqual([]);
    });
  });

  describe.runIf(throughPooler)('through a pooler in transaction mode', () => {
    it('turns them off in the instance that finds another’s statement on the server connection it is lent', async () => {
      const off: unknown[] = [];
      const first = await open(t.url!, true);
      const second = await open(t.url!, true, off);
      // One at a time, so both are lent the one server connection the pooler has opened for this database.
      expect(await first.query(NEXT, [1])).toEqual([{ n: 2 }]);
      expect(await second.query(NEXT, [2])).toEqual([{ n: 3 }]);
      expect(off.map(SQLSTATE)).toEqual(['42P05']);
      expect(second.preparedStatements).toBe(false);
      expect(await second.query(NEXT, [3])).toEqual([{ n: 4 }]);
    });

    it('answers every statement of a concurrent load with prepared statements forced on', async () => {
      const db = await openDatabase({ databaseUrl: t.url!, poolSize: 8, preparedStatements: true, connectTimeoutMs: QUEUED_LOAD_MS });
      opened.push(db);
      const others = await Promise.all([1, 2].map(() => open(t.url!, true, [], QUEUED_LOAD_MS)));
      const answers = await Promise.all(
        Array.from({ length: 600 }, (_, i) => [db, ...others][i % 3]!.query<{ n: number }>(NEXT, [i]).then((rows) => rows[0]!.n - i)),
      );
      expect(new Set(answers)).toEqual(new Set([1]));
    });

    it('answers every transaction of a concurrent load with prepared statements forced on', async () => {
      const instances = await Promise.all([1, 2, 3].map(() => open(t.url!, true, [], QUEUED_LOAD_MS)));
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          instances[i % 3]!.transaction(async (tx) => (await tx.query<{ n: number }>(NEXT, [i]))[0]!.n + (await tx.query<{ n: number }>(NEXT, [i]))[0]!.n - 2 * i),
        ),
      );
      expect(new Set(answers)).toEqual(new Set([2]));
    });
  });
});

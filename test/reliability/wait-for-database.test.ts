import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import {
  DatabaseUnavailableError,
  describeDatabaseError,
  isTransientDatabaseError,
  waitForDatabase,
} from '../../src/db/wait-for-database.ts';

const err = (props: Record<string, unknown>, message = '') => Object.assign(new Error(message), props);
const refused = err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 127.0.0.1:5432');
/** A Prisma client error as the pg driver adapter reports a fault (shape measured on Prisma 7.10). */
const prismaError = (kind: string) =>
  err(
    { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind, host: '127.0.0.1', port: 5432 } } } },
    '\nInvalid `prisma.$executeRaw()` invocation:\n\n\nRaw query failed.',
  );

describe('isTransientDatabaseError', () => {
  it.each([
    ['connection refused', refused, true],
    ['every address of a host refused (AggregateError)', new AggregateError([refused, err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED ::1:5432')]), true],
    ['host name not resolvable yet', err({ code: 'ENOTFOUND' }, 'getaddrinfo ENOTFOUND db'), true],
    ['pool connection timeout', new Error('timeout exceeded when trying to connect'), true],
    ['server starting up (57P03)', err({ code: '57P03' }, 'the database system is starting up'), true],
    ['server shutting down (57P01)', err({ code: '57P01' }, 'terminating connection due to administrator command'), true],
    ['too many connections (53300)', err({ code: '53300' }, 'sorry, too many clients already'), true],
    ['wrapped in a cause', new Error('query failed', { cause: refused }), true],
    ['Prisma: database not reachable', prismaError('DatabaseNotReachable'), true],
    ['Prisma: socket timeout', prismaError('SocketTimeout'), true],
    ['Prisma: authentication failed', prismaError('AuthenticationFailed'), false],
    ['missing database (3D000)', err({ code: '3D000' }, 'database "x" does not exist'), false],
    ['wrong password (28P01)', err({ code: '28P01' }, 'password authentication failed for user "omis"'), false],
    ['missing table (42P01)', err({ code: '42P01' }, 'relation "setting" does not exist'), false],
    ['not an Error at all', 'boom', false],
  ])('%s → %s', (_name, error, transient) => {
    expect(isTransientDatabaseError(error)).toBe(transient);
  });
});

describe('describeDatabaseError', () => {
  it.each([
    [refused, 'connect ECONNREFUSED 127.0.0.1:5432'],
    [new AggregateError([refused]), 'connect ECONNREFUSED 127.0.0.1:5432'],
    [err({ code: 'X' }, 'first line\nsecond line'), 'first line'],
    [err({ code: 'ECONNRESET' }), 'ECONNRESET'],
    [prismaError('DatabaseNotReachable'), "can't reach the database server at 127.0.0.1:5432"],
    [prismaError('AuthenticationFailed'), 'AuthenticationFailed'],
  ])('%o → %s', (error, text) => {
    expect(describeDatabaseError(error)).toBe(text);
  });
});

/** A database whose `SELECT 1` fails with the given errors, then succeeds. */
function flakyDatabase(failures: unknown[]): Database & { attempts: number } {
  const db = {
    attempts: 0,
    async ping() {
      db.attempts++;
      const next = failures.shift();
      if (next !== undefined) throw next;
    },
  };
  return db as unknown as Database & { attempts: number };
}

describe('waitForDatabase', () => {
  it('returns at once when the database answers', async () => {
    const db = flakyDatabase([]);
    const messages: string[] = [];
    await waitForDatabase(db, { onRetry: (m) => messages.push(m), delaysMs: [0] });
    expect(db.attempts).toBe(1);
    expect(messages).toEqual([]);
  });

  it('retries transient failures with one message each, the delays growing to the last one', async () => {
    const db = flakyDatabase([refused, refused, refused, refused]);
    const messages: string[] = [];
    await waitForDatabase(db, { onRetry: (m) => messages.push(m), delaysMs: [1, 2, 3] });
    expect(db.attempts).toBe(5);
    expect(messages).toEqual([
      'database not reachable (connect ECONNREFUSED 127.0.0.1:5432); retrying in 0.001 s',
      'database not reachable (connect ECONNREFUSED 127.0.0.1:5432); retrying in 0.002 s',
      'database not reachable (connect ECONNREFUSED 127.0.0.1:5432); retrying in 0.003 s',
      'database not reachable (connect ECONNREFUSED 127.0.0.1:5432); retrying in 0.003 s',
    ]);
  });

  it('gives up at once, with the reason, on an error waiting cannot cure', async () => {
    const db = flakyDatabase([refused, err({ code: '28P01' }, 'password authentication failed for user "omis"')]);
    const wait = waitForDatabase(db, { onRetry: () => {}, delaysMs: [0] });
    await expect(wait).rejects.toThrow(DatabaseUnavailableError);
    await expect(wait).rejects.toThrow('database refused the connection: password authentication failed for user "omis"');
    expect(db.attempts).toBe(2);
  });

  it('stops waiting when aborted (the process is being shut down)', async () => {
    const db = flakyDatabase(Array.from({ length: 100 }, () => refused));
    const controller = new AbortController();
    const wait = waitForDatabase(db, { onRetry: () => controller.abort(), delaysMs: [60_000], signal: controller.signal });
    await expect(wait).rejects.toThrow(/abort/i);
    expect(db.attempts).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlConnection, Statement } from '../../src/db/database.ts';
import { LOCK_ROOT_ACCOUNT, TAKE_ROOT_POINTS } from '../../src/store/accounts.ts';
import { WRITE_AUDIT } from '../../src/store/audit.ts';
import { LOCK_JOB, LOCK_LAUNCH, LOCK_LAUNCH_JOBS, WRITE_CASCADE, WRITE_JOB, WRITE_LAUNCH } from '../../src/store/launches.ts';
import { makeLaunch } from '../factories.ts';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';

/**
 * An action's statements run as functions that migrations created (unprepared: behind a pooler, and
 * on PGlite) or as their queries, prepared (straight to PostgreSQL); the store composes the queries
 * from its shared fragments. When a fragment changes, this fails until a new migration replaces the
 * function.
 */
const ACTION_STATEMENTS = [LOCK_LAUNCH, LOCK_LAUNCH_JOBS, LOCK_JOB, WRITE_LAUNCH, WRITE_JOB, WRITE_CASCADE, WRITE_AUDIT, TAKE_ROOT_POINTS, LOCK_ROOT_ACCOUNT];
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const called = (statement: Statement) => {
  const [, name, args] = /^SELECT (?:\* )?FROM (omis_\w+)\((.*)\)$/.exec(statement.text)!;
  return { name: name!, types: args!.split(', ').map((arg) => arg.replace(/^\$\d+::/, '')) };
};

/** Runs `work` in a transaction that is rolled back, whatever it did. */
async function rolledBack<T>(t: TestDatabase, work: (tx: SqlConnection) => Promise<T>): Promise<T> {
  let result: T | undefined;
  const undo = new Error('roll back');
  await t.db.transaction(async (tx) => {
    result = await work(tx);
    throw undo;
  }).catch((error: unknown) => {
    if (error !== undo) throw error;
  });
  return result!;
}

describe(`an action's statements as functions (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => {
    await t.drop();
  });

  it.each(ACTION_STATEMENTS.map((statement) => [called(statement).name, statement] as const))(
    '%s runs exactly the query the store composes, with its parameters’ types (a changed query needs a migration replacing it)',
    async (name, statement) => {
      const [fn] = await t.db.query<{ prosrc: string; args: string }>(
        `SELECT prosrc, pg_get_function_identity_arguments(oid) AS args FROM pg_proc WHERE proname = $1`,
        [name],
      );
      expect(fn, `${name} is missing: migrations not applied?`).toBeDefined();
      expect(fn!.args).toBe(called(statement).types.join(', '));
      const body = /BEGIN\s+(?:RETURN QUERY\s+)?([\s\S]*);\s*END\s*$/.exec(fn!.prosrc)?.[1];
      expect(normalise(body ?? '')).toBe(normalise(statement.preparedText));
    },
  );

  it('a lock function answers the rows and columns its query answers', async () => {
    const { launchId, jobIds } = await makeLaunch(t.db, { status: 1 }, [{ status: 1 }, { status: 2, errorCode: -2 }]);
    for (const [statement, key] of [
      [LOCK_LAUNCH, launchId],
      [LOCK_LAUNCH_JOBS, launchId],
      [LOCK_JOB, jobIds[1]!],
      [LOCK_ROOT_ACCOUNT, 1002],
    ] as const) {
      const [asFunction, asQuery] = await rolledBack(t, async (tx) => [await tx.query(statement.text, [key]), await tx.query(statement.preparedText, [key])]);
      expect(asFunction.length, called(statement).name).toBeGreaterThan(0);
      expect(asFunction, called(statement).name).toEqual(asQuery);
    }
  });

  it('the points function takes the points its query takes, and refuses what its query refuses', async () => {
    const take = (text: string, amount: number) => rolledBack(t, (tx) => tx.query<{ points: number }>(text, [1002, amount]));
    expect(await take(TAKE_ROOT_POINTS.text, 1)).toEqual(await take(TAKE_ROOT_POINTS.preparedText, 1));
    expect(await take(TAKE_ROOT_POINTS.text, 1)).toHaveLength(1);
    expect(await take(TAKE_ROOT_POINTS.text, 2 ** 30)).toEqual([]);
  });

  it('the read’s two and the action’s are the only functions of the schema besides what extensions bring (nothing else runs inside the database)', async () => {
    const rows = await t.db.query<{ proname: string }>(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
    );
    const expected = ['omis_read_request', 'omis_read_requests', ...ACTION_STATEMENTS.map((statement) => called(statement).name)];
    expect(rows.map((r) => r.proname).sort()).toEqual(expected.sort());
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../helper.ts';
import { READ_BATCH } from '../../src/store/request-read.ts';

/**
 * The request read runs inside the omis_read_requests function that a migration created; the store
 * composes the same statement from its shared fragments (the visibility rule, the column lists).
 * When a fragment changes, this fails until a new migration replaces the function.
 */
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe(`omis_read_requests (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('runs exactly the statement the store composes (a changed fragment needs a migration replacing the function)', async () => {
    const [fn] = await t.db.query<{ prosrc: string }>(`SELECT prosrc FROM pg_proc WHERE proname = 'omis_read_requests'`);
    expect(fn, 'the function is missing: migrations not applied?').toBeDefined();
    const body = /RETURN QUERY([\s\S]*);\s*END\s*$/.exec(fn!.prosrc)?.[1];
    expect(normalise(body ?? '')).toBe(normalise(READ_BATCH));
  });

  it('is the only function of the schema besides what extensions bring (nothing else runs inside the database)', async () => {
    const rows = await t.db.query<{ proname: string }>(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
    );
    expect(rows.map((r) => r.proname)).toEqual(['omis_read_requests']);
  });
});

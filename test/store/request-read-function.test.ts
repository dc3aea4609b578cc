import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../helper.ts';
import { READ_BATCH, READ_ONE } from '../../src/store/request-read.ts';

/**
 * The request read runs inside the functions that migrations created (omis_read_requests for a batch,
 * omis_read_request for one request); the store composes the same statements from its shared
 * fragments (the visibility rule, the column lists). When a fragment changes, this fails until a new
 * migration replaces the function.
 */
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe(`omis_read_requests and omis_read_request (${databaseKind})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  const source = async (name: string) => {
    const [fn] = await t.db.query<{ prosrc: string }>(`SELECT prosrc FROM pg_proc WHERE proname = $1`, [name]);
    expect(fn, `${name} is missing: migrations not applied?`).toBeDefined();
    return fn!.prosrc;
  };

  it('runs exactly the batch statement the store composes (a changed fragment needs a migration replacing the function)', async () => {
    const body = /RETURN QUERY([\s\S]*);\s*END\s*$/.exec(await source('omis_read_requests'))?.[1];
    expect(normalise(body ?? '')).toBe(normalise(READ_BATCH));
  });

  it('runs exactly the single read the store composes, with the generic plan forced', async () => {
    const body = /RETURN \(([\s\S]*)\);\s*END\s*$/.exec(await source('omis_read_request'))?.[1];
    expect(normalise(body ?? '')).toBe(normalise(READ_ONE));
    const [config] = await t.db.query<{ proconfig: string[] | null }>(`SELECT proconfig FROM pg_proc WHERE proname = 'omis_read_request'`);
    expect(config!.proconfig).toEqual(['plan_cache_mode=force_generic_plan']);
  });
});

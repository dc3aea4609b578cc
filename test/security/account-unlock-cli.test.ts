import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/omis.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createTestDatabase, databaseKind, type TestDatabase } from '../helper.ts';

/** `omis account unlock LOGIN` against the configured database (DATABASE_URL or OMIS_DATA_DIR). */
// A fresh embedded database is created and migrated by the first command: slow on a busy machine.
describe(`omis account unlock (${databaseKind})`, { timeout: 120_000 }, () => {
  let testDb: TestDatabase | undefined;
  let dataDir: string | undefined;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, OMIS_DATA_DIR: process.env.OMIS_DATA_DIR };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    if (testDb.url) {
      process.env.DATABASE_URL = testDb.url;
    } else {
      // The CLI opens the embedded database itself: give it a directory of its own.
      await testDb.drop();
      testDb = undefined;
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'omis-unlock-'));
      delete process.env.DATABASE_URL;
      process.env.OMIS_DATA_DIR = dataDir;
    }
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(...argv: string[]) {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const code = await main(argv);
      return { code, out: out.mock.calls.flat().join('\n'), err: err.mock.calls.flat().join('\n') };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  async function withDb<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
    if (testDb) return work(testDb.db);
    const db = await openDatabase({ dataDir });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }

  it('says so when the login has no failed logins', async () => {
    const result = await run('account', 'unlock', 'acme-mkt');
    expect(result).toMatchObject({ code: 0, out: 'acme-mkt had no failed logins' });
  });

  it('forgets the failures of a locked login, in any letter case', async () => {
    await withDb((db) =>
      db.exec(`INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until)
               VALUES ('acme-mkt', 9, now(), now() + interval '15 minutes')`),
    );
    const result = await run('account', 'unlock', 'ACME-Mkt');
    expect(result).toMatchObject({ code: 0, out: 'failed logins of ACME-Mkt forgotten; it can log in again' });
    const rows = await withDb((db) => db.query('SELECT * FROM login_failure'));
    expect(rows).toEqual([]);
  });

  it('refuses a missing LOGIN with the usage text', async () => {
    const result = await run('account', 'unlock');
    expect(result.code).toBe(1);
    expect(result.err).toContain('expected LOGIN');
    expect(result.err).toContain('omis account unlock LOGIN');
  });
});

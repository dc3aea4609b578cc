import { describe, expect, it } from 'vitest';
import { databaseKind } from '../helper.ts';
import { captureCli, useCliDatabase, withCliDatabase } from '../cli-harness.ts';

/** `omis account unlock LOGIN` against the configured database (DATABASE_URL or OMIS_DATA_DIR). */
// A fresh embedded database is created and migrated by the first command: slow on a busy machine.
describe(`omis account unlock (${databaseKind})`, { timeout: 120_000 }, () => {
  useCliDatabase('omis-unlock-');
  const run = (...argv: string[]) => captureCli(argv);

  it('says so when the login has no failed logins', async () => {
    const result = await run('account', 'unlock', 'acme-mkt');
    expect(result).toMatchObject({ code: 0, stdout: 'acme-mkt had no failed logins' });
  });

  it('forgets the failures of a locked login, in any letter case', async () => {
    await withCliDatabase((db) =>
      db.exec(`INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until)
               VALUES ('acme-mkt', 9, now(), now() + interval '15 minutes')`),
    );
    const result = await run('account', 'unlock', 'ACME-Mkt');
    expect(result).toMatchObject({ code: 0, stdout: 'failed logins of ACME-Mkt forgotten; it can log in again' });
    const rows = await withCliDatabase((db) => db.query('SELECT * FROM login_failure'));
    expect(rows).toEqual([]);
  });

  it('refuses a missing LOGIN with the usage text', async () => {
    const result = await run('account', 'unlock');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('expected LOGIN');
    expect(result.stderr).toContain('omis account unlock LOGIN');
  });
});

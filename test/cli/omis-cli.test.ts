import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PasswordChecker } from '../../src/auth/password.ts';
import { databaseKind, onPostgres } from '../helper.ts';
import { captureCli, useCliDatabase, withCliDatabase } from '../cli-harness.ts';

/**
 * The `omis` command line, run in-process against the configured database kind: the embedded
 * database in a temporary OMIS_DATA_DIR (created and migrated by the commands themselves), or a
 * fresh PostgreSQL database through DATABASE_URL.
 */
describe(`omis CLI (${databaseKind})`, () => {
  const { dir } = useCliDatabase('omis-cli-');
  const run = (...argv: string[]) => captureCli(argv);

  it('prints help, and refuses unknown commands and options', async () => {
    expect((await run('--help')).output).toMatch(/Usage: omis <command>/);
    for (const command of ['serve', 'migrate', 'seed', 'account']) {
      const { code, output } = await run(command, '--help');
      expect(code).toBe(0);
      expect(output).toMatch(/Usage:/);
    }
    expect(await run('frobnicate')).toMatchObject({ code: 1 });
    expect((await run('migrate', '--colour')).code).toBe(1);
  });

  it('migrate applies the migrations, then has nothing to do', { timeout: 60_000 }, async () => {
    const first = await run('migrate');
    expect(first.code).toBe(0);
    const second = await run('migrate');
    expect(second.output).toMatch(/0 applied, \d+ already applied/);
  });

  // Behind a pooler DATABASE_URL leads to the pooler; the migration's advisory lock needs PostgreSQL itself.
  it.runIf(onPostgres)('migrate works on DIRECT_URL when it is set, whatever DATABASE_URL is', { timeout: 60_000 }, async () => {
    const direct = process.env.DIRECT_URL ?? process.env.DATABASE_URL!;
    const saved = { DATABASE_URL: process.env.DATABASE_URL, DIRECT_URL: process.env.DIRECT_URL };
    process.env.DATABASE_URL = 'postgresql://omis@127.0.0.1:1/unreachable';
    process.env.DIRECT_URL = direct;
    try {
      const { code, output } = await run('migrate');
      expect(code).toBe(0);
      expect(output).toContain(`PostgreSQL (${direct})`);
      expect(output).toMatch(/0 applied, \d+ already applied/);
    } finally {
      Object.assign(process.env, saved);
      if (saved.DIRECT_URL === undefined) delete process.env.DIRECT_URL;
    }
  });

  it('seed loads a file, twice without change, and refuses a bad one naming the entry', { timeout: 60_000 }, async () => {
    const good = path.join(dir, 'seed.json');
    writeFileSync(
      good,
      JSON.stringify({
        accounts: [
          { login: 'acme', password: 'acme-pass', userId: 1001, customerId: 'ACME', parent: null, licences: ['TaskManager', 'Points'], points: 1000 },
          { login: 'acme-mkt', password: 'mkt-pass', userId: 1002, customerId: 'ACME', parent: 'acme', licences: ['TaskManager'] },
        ],
        launches: [{ launchId: 5001, owner: 'acme-mkt', name: 'Newsletter', status: 1, errorCode: 0, launchCount: 0, expireTime: '2026-12-31 23:59:59',
          jobs: [{ jobId: 9001, jobType: 'EMAIL', status: 6, errorCode: 0, cost: 10, recipients: [{ emailAddress: 'a@example.com', externRefNum: 'R-1', deliveryStatus: 'SENT' }] }] }],
      }),
    );
    expect((await run('seed', good)).output).toMatch(/2 accounts, 1 launches, 1 jobs, 1 recipients created/);
    expect((await run('seed', good)).output).toMatch(/0 accounts, 0 launches, 0 jobs, 0 recipients created; 2 accounts and 1 launches already present/);

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ launches: [{ launchId: 5002, owner: 'acme', name: 'x', status: 1, jobs: [{ jobId: 9002, jobType: 'FAX', status: 1 }] }] }));
    const refused = await run('seed', bad);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/launches\[0\]\.jobs\[0\]\.jobType/);
    expect(await withCliDatabase((db) => db.prisma.launch.count({ where: { launchId: 5002 } }))).toBe(0);

    writeFileSync(bad, '{ not json');
    expect((await run('seed', bad)).output).toMatch(/cannot read/);
    expect((await run('seed')).code).toBe(1);
  });

  it('account add, passwd and points', { timeout: 60_000 }, async () => {
    const added = await run('account', 'add', '--login', 'Acme-Sales', '--password', 'S3cret!', '--user-id', '1010', '--customer-id', 'ACME', '--parent', 'acme', '--licence', 'TaskManager');
    expect(added).toMatchObject({ code: 0 });
    const account = await withCliDatabase((db) => db.prisma.account.findUnique({ where: { loginKey: 'acme-sales' } }));
    expect(account).toMatchObject({ login: 'Acme-Sales', parentId: 1001, rootId: 1001, licences: ['TaskManager'] });
    expect(await new PasswordChecker().verify(account!.passwordHash, 'S3cret!')).toBe(true);
    expect((await run('account', 'add', '--login', 'orphan', '--password', 'x', '--user-id', '1011', '--customer-id', 'X', '--parent', 'nobody')).output).toMatch(
      /parent account "nobody" does not exist/,
    );
    expect((await run('account', 'add', '--login', 'x')).output).toMatch(/--password is required/);

    expect((await run('account', 'passwd', 'ACME-SALES', '--password', 'n3w')).code).toBe(0);
    const changed = await withCliDatabase((db) => db.prisma.account.findUnique({ where: { loginKey: 'acme-sales' } }));
    expect(await new PasswordChecker().verify(changed!.passwordHash, 'n3w')).toBe(true);

    // Points live on the root of the tree, whichever account of it is named.
    expect((await run('account', 'points', 'acme-sales', '250')).output).toMatch(/points of acme \(root of acme-sales's tree\): 1250/);
    expect((await run('account', 'points', 'acme', '--', '-2000')).output).toMatch(/cannot go below zero/);
    expect((await run('account', 'points', 'acme', 'lots')).code).toBe(1);
  });
});

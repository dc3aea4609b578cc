import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFilter } from '../../src/cli/audit-command.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { buildTestApp, createTestDatabase, databaseKind, pageUrl, seedWith, type TestDatabase } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { captureCli } from '../cli-harness.ts';

/** `omis audit` against the configured database (DATABASE_URL or OMIS_DATA_DIR), after real actions. */
describe(`omis audit (${databaseKind})`, () => {
  let testDb: TestDatabase | undefined;
  let dataDir: string | undefined;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, OMIS_DATA_DIR: process.env.OMIS_DATA_DIR, OMIS_TIMEZONE: process.env.OMIS_TIMEZONE };

  beforeAll(async () => {
    let db: Database;
    if (process.env.TEST_DATABASE_URL) {
      testDb = await createTestDatabase();
      process.env.DATABASE_URL = testDb.url;
      db = testDb.db;
    } else {
      // The CLI opens the embedded database itself: give it a directory of its own.
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'omis-audit-'));
      delete process.env.DATABASE_URL;
      process.env.OMIS_DATA_DIR = dataDir;
      db = await openDatabase({ dataDir });
      await migrate(db);
    }
    process.env.OMIS_TIMEZONE = 'Asia/Taipei';
    await seedWith(db, standardSeed);
    const t = await buildTestApp({ database: { db, url: testDb?.url, directUrl: testDb?.directUrl, drop: async () => {} } });
    const act = (fields: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: pageUrl(fields), remoteAddress: '198.51.100.4' });
    await act({ ...logins.mkt, LaunchID: '5001', LaunchAction: '3' });
    await act({ ...logins.mkt, JobID: '9002', JobAction: '4' });
    await act({ ...logins.tw, LaunchID: '5001', LaunchAction: '2' });
    await act({ ...logins.root, JobID: '9003', JobAction: '9' });
    await act({ ...logins.mkt, LaunchID: '5001' });
    await t.close();
    if (!testDb) await db.close();
  }, 120_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (...argv: string[]) => captureCli(argv);


  it('lists every action, newest first, with who, where, what and the change', async () => {
    const { code, lines } = await run('audit');
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  acme \(1001\)  198\.51\.100\.4  job\.invalid  job 9003  refused 113  \[JobID=9003 JobAction=9\]$/);
    expect(lines[1]).toContain('acme-mkt-tw (1003)  198.51.100.4  launch.terminate  launch 5001  refused 111');
    expect(lines[2]).toContain('acme-mkt (1002)  198.51.100.4  job.unpause  job 9002  refused 115  [STATUS 1 ERRORCODE -2]');
    expect(lines[3]).toContain('launch.pause  launch 5001  OK  [STATUS 1 ERRORCODE 0; jobs 9001:0,9002:0] -> [STATUS 1 ERRORCODE -2; jobs 9001:-2p,9002:-2p]');
  });

  it('filters by launch (its jobs included), job, login, result and limit', async () => {
    expect((await run('audit', '--launch', '5001')).lines).toHaveLength(3);
    expect((await run('audit', '--job', '9002')).lines.map((line) => line.split('  ')[3])).toEqual(['job.unpause', 'launch.pause']);
    expect((await run('audit', '--login', 'ACME-MKT')).lines).toHaveLength(2);
    expect((await run('audit', '--refused')).lines).toHaveLength(3);
    expect((await run('audit', '--accepted')).lines).toHaveLength(1);
    expect((await run('audit', '--limit', '1')).lines).toHaveLength(1);
    expect((await run('audit', '--job', '424242')).lines).toEqual(['no audit entries match']);
    // Seven CLI runs, each opening the embedded database afresh: slow on a busy machine.
  }, 120_000);

  it('prints JSON lines with the full before and after', async () => {
    const { lines } = await run('audit', '--accepted', '--json');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ action: 'launch.pause', login: 'acme-mkt', account_id: 1002, client_ip: '198.51.100.4', error_code: 0 });
    expect(entry.after.jobs).toHaveLength(2);
  });

  it('refuses bad options with a message', async () => {
    for (const argv of [['--limit', '0'], ['--limit', 'x'], ['--launch', '-5'], ['--refused', '--accepted'], ['extra']]) {
      const { code, stderr } = await run('audit', ...argv);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^omis audit: /);
    }
  });
});

describe('auditFilter', () => {
  it.each([
    [{}, { limit: 50 }],
    [{ limit: '7', launch: '5001' }, { limit: 7, launchId: 5001 }],
    [{ job: '9001', login: 'acme', refused: true }, { limit: 50, jobId: 9001, login: 'acme', refused: true }],
    [{ accepted: true, login: '  ' }, { limit: 50, refused: false }],
  ])('%o → %o', (values, want) => {
    expect(auditFilter(values)).toEqual(want);
  });
});

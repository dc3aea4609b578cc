import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { captureCli, useCliDatabase, withCliDatabase } from '../cli-harness.ts';
import { printJournal, requestsFilter } from '../../src/cli/requests-command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { listSandboxRules } from '../../src/store/sandbox.ts';
import { parseResponse } from '../xml.ts';

/**
 * `omis requests` and `omis sandbox` against the database the CLI is configured with, after real
 * requests to the page (through an app on the same database).
 */
describe(`omis requests and omis sandbox (${databaseKind})`, () => {
  useCliDatabase('omis-requests-');
  let t: TestApp;
  const run = (...argv: string[]) => captureCli(argv);

  beforeAll(async () => {
    // The first command creates (and migrates) the embedded database, then the app joins it.
    expect((await run('sandbox', 'list')).code).toBe(0);
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.OMIS_DATA_DIR });
    await seedWith(db, standardSeed);
    t = await buildTestApp({ database: { db, url: process.env.DATABASE_URL, directUrl: process.env.DATABASE_URL, drop: () => db.close() } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await t?.db.close();
  });

  /** Requests through the app, written to the journal; the app lets go of the embedded database for the CLI. */
  async function requests(...fields: Array<Record<string, string>>) {
    const answers = [];
    for (const f of fields) answers.push(parseResponse((await t.app.inject({ method: 'GET', url: pageUrl(f), remoteAddress: '198.51.100.9' })).body));
    await t.journal!.flush();
    return answers;
  }

  it('sets a rule that the page obeys, lists it, and clears it', async () => {
    if (!process.env.DATABASE_URL) return; // one process at a time on the embedded database: covered through printJournal below
    expect((await run('sandbox', 'set', 'ACME-MKT', '--error-code', '9999', '--requests', '1')).stdout).toBe('sandbox rule set for ACME-MKT: ErrorCode 9999');
    expect((await run('sandbox', 'list')).stdout).toMatch(/^acme-mkt {2}ErrorCode 9999 {2}1 request left {2}active {2}set by command line$/);
    const [shaped, normal] = await requests({ ...logins.mkt, LaunchID: '5001' }, { ...logins.mkt, LaunchID: '5001' });
    expect([shaped!.ErrorCode, normal!.ErrorCode]).toEqual(['9999', '0']);
    expect((await run('sandbox', 'list')).stdout).toContain('0 requests left  ended');
    expect((await run('sandbox', 'clear', 'acme-mkt')).stdout).toBe('sandbox rule of acme-mkt cleared');
    expect((await run('sandbox', 'clear', 'acme-mkt')).stdout).toBe('acme-mkt had no sandbox rule');

    const { lines } = await run('requests', '--login', 'acme-mkt');
    expect(lines.at(-2)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}198\.51\.100\.9 {2}GET {2}acme-mkt {2}ErrorCode 9999 \(sandbox: ErrorCode 9999\) {2}\d+\.\d ms$/);
    expect(lines.at(-1)).toMatch(/ErrorCode 0 {2}\d+\.\d ms$/);
  });

  it('shows every request, a login that is no account too, with parameters and answers in --full and never a password', async () => {
    await requests({ ManagerLoginName: 'nobody-here', ManagerPassword: 'secret-guess', LaunchID: '5001' }, { ...logins.mkt, JobID: '9001' });
    const lines: string[] = [];
    await withCliDatabaseOrApp(async (db) => {
      await printJournal(db, requestsFilter({ full: true, limit: '2' }), { follow: false, print: (entry) => lines.push(JSON.stringify(entry)) });
    });
    const text = lines.join('\n');
    expect(text).toContain('nobody-here');
    expect(text).not.toContain('secret-guess');
    expect(text).not.toContain(logins.mkt.ManagerPassword);
    if (process.env.DATABASE_URL) {
      const full = (await run('requests', '--full', '--limit', '2')).stdout;
      expect(full).toContain('nobody-here  ErrorCode 100');
      expect(full).toContain('* query ManagerPassword = [hidden]');
      expect(full).toContain('    <ErrorCode>0</ErrorCode>');
      expect((await run('requests', '--code', '100', '--json')).lines.map((line) => JSON.parse(line).login)).toContain('nobody-here');
    }
  });

  it('follows the journal: prints new requests as they are written, until stopped', async () => {
    const seen: string[] = [];
    const stop = new AbortController();
    const following = withCliDatabaseOrApp((db) =>
      printJournal(db, { login: 'acme-mkt-tw', limit: 5 }, {
        follow: true,
        signal: stop.signal,
        print: (entry) => {
          seen.push(entry.login!);
          if (seen.length === 2) stop.abort();
        },
      }),
    );
    await requests({ ...logins.tw, LaunchID: '5002' });
    await requests({ ...logins.tw, LaunchID: '5002' });
    expect(await following).toBe(2);
    expect(seen).toEqual(['acme-mkt-tw', 'acme-mkt-tw']);
  });

  it('refuses bad options and rules with a message', async () => {
    for (const argv of [
      ['requests', '--limit', '0'],
      ['requests', '--code', 'x'],
      ['requests', '--full', '--json'],
      ['sandbox', 'set', 'acme-mkt', '--error-code', '9999'],
      ['sandbox', 'set', 'acme-mkt', '--error-code', '42', '--requests', '1'],
      ['sandbox', 'set', '--requests', '1', '--latency-ms', '5'],
      ['sandbox', 'frobnicate'],
      // Opens the database: only beside the app on PostgreSQL (the embedded one is the app's).
      ...(process.env.DATABASE_URL ? [['sandbox', 'set', 'no-such-login', '--error-code', '9999', '--requests', '1']] : []),
    ]) {
      const { code, stderr } = await run(...argv);
      expect(code, argv.join(' ')).toBe(1);
      expect(stderr).toMatch(new RegExp(`^omis ${argv[0]}: `));
    }
    expect(await withCliDatabaseOrApp((db) => listSandboxRules(db))).toEqual([]);
  });

  /** The CLI's own database connection on PostgreSQL; on the embedded one, the app's (one process owns it). */
  function withCliDatabaseOrApp<T>(work: Parameters<typeof withCliDatabase<T>>[0]): Promise<T> {
    return process.env.DATABASE_URL ? withCliDatabase(work) : work(t.db);
  }
});

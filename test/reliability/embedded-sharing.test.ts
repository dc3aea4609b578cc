import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, onPostgres, pageUrl, type TestDatabase } from '../helper.ts';
import { parseResponse } from '../xml.ts';
import { listeningBase, runCli, spawnCommand, spawnServer, type ServerProcess } from './server-process.ts';

/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+[:(]/m;

/**
 * `omis serve` on the embedded database and `omis …` commands run beside it, each a process of its
 * own, as a user runs them: the commands reach the database through the server, both see each
 * other's writes at once, and nothing is lost when the server stops and starts again.
 */
describe.skipIf(onPostgres)('commands beside a server on the embedded database', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-sharing-'));
  const dataDir = path.join(dir, 'data');
  const env = { OMIS_DATA_DIR: dataDir, OMIS_SECRET: 'sharing-test-secret-0123456789', OMIS_SIMULATOR: 'false', LOG_LEVEL: 'warn' };
  const servers: ServerProcess[] = [];
  /** The server the tests talk to (servers also holds those that were refused). */
  let current: ServerProcess | undefined;
  afterAll(async () => {
    for (const server of servers) {
      server.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const seedFile = path.join(dir, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({
      accounts: [
        { login: 'share-root', password: 'root-pass', userId: 7001, customerId: 'SHARE', parent: null, licences: ['TaskManager', 'Points'], points: 0 },
        { login: 'share-mkt', password: 'mkt-pass', userId: 7002, customerId: 'SHARE', parent: 'share-root', licences: ['TaskManager'] },
      ],
      launches: [
        { launchId: 7101, owner: 'share-mkt', name: 'Shared', status: 3, errorCode: 0, expireTime: null,
          jobs: [{ jobId: 7201, jobType: 'EMAIL', status: 6, errorCode: 201, cost: 40, recipients: [{ emailAddress: 'x@example.com' }] }] },
      ],
    }),
  );

  async function startServer(): Promise<string> {
    current = spawnServer(env);
    servers.push(current);
    return listeningBase(current);
  }

  async function stopServer(): Promise<void> {
    const server = current!;
    current = undefined;
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }

  async function ask(base: string, fields: Record<string, string>) {
    return parseResponse(await (await fetch(`${base}${pageUrl(fields)}`)).text());
  }

  async function cli(...args: string[]) {
    const run = await runCli(args, env);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run, `omis ${args.join(' ')}`).toMatchObject({ code: 0 });
    return run.stdout.trim();
  }

  let newbie = { ManagerLoginName: 'newbie', ManagerPassword: 'newbie-pass' };
  const root = { ManagerLoginName: 'share-root', ManagerPassword: 'root-pass' };

  it('every command works through the running server (seed, account, points, audit, sandbox, requests --follow, simulate, migrate, passwd, unlock); both see each other at once; all of it survives a restart', async () => {
    let base = await startServer();

    expect(await cli('seed', seedFile)).toMatch(/^seeded embedded database in .* \(through omis serve \(pid \d+\)\): 2 accounts, 1 launches/);
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('100');
    expect(await cli('account', 'add', '--login', 'newbie', '--password', 'newbie-pass', '--user-id', '7003', '--customer-id', 'SHARE', '--parent', 'share-root', '--licence', 'TaskManager')).toBe(
      'account newbie (UserID 7003) created',
    );
    // The server knows the new login at once (111: signed in, but the launch is not below newbie).
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('111');

    // JobAction 5 needs the job's 40 points from the root; the CLI tops up in two steps.
    expect((await ask(base, { ...root, JobID: '7201', JobAction: '5' })).ErrorCode).toBe('116');
    expect(await cli('account', 'points', 'share-mkt', '25')).toBe("points of share-root (root of share-mkt's tree): 25");
    expect(await cli('account', 'points', 'share-mkt', '25')).toBe("points of share-root (root of share-mkt's tree): 50");
    expect((await ask(base, { ...root, JobID: '7201', JobAction: '5' })).ErrorCode).toBe('0');
    // … and the CLI sees what the server's restart reserved.
    expect(await cli('account', 'points', 'share-root', '0')).toBe("points of share-root (root of share-root's tree): 10");

    const audit = (await cli('audit', '--job', '7201', '--json')).split('\n').map((line) => JSON.parse(line));
    expect(audit.map((entry) => [entry.action, entry.error_code])).toEqual([
      ['job.restart', 0],
      ['job.restart', 116],
    ]);

    // The sandbox: a rule set by the command line shapes the server's next answer to that account only.
    const mkt = { ManagerLoginName: 'share-mkt', ManagerPassword: 'mkt-pass' };
    expect(await cli('sandbox', 'set', 'share-mkt', '--error-code', '9999', '--requests', '1')).toBe('sandbox rule set for share-mkt: ErrorCode 9999');
    expect((await ask(base, { ...root, LaunchID: '7101' })).ErrorCode).toBe('0');
    expect((await ask(base, { ...mkt, LaunchID: '7101' })).ErrorCode).toBe('9999');
    expect((await ask(base, { ...mkt, LaunchID: '7101' })).ErrorCode).toBe('0');
    expect(await cli('sandbox', 'list')).toMatch(/^share-mkt {2}ErrorCode 9999 {2}0 requests left {2}ended {2}set by command line$/m);
    expect(await cli('sandbox', 'clear', 'share-mkt')).toBe('sandbox rule of share-mkt cleared');

    // The journal: the server's requests, as the command line reads them (written within a second).
    // --follow, a process of its own, prints a request made after it started.
    const follow = spawnCommand(['requests', '--follow', '--login', 'share-mkt', '--limit', '1'], env);
    servers.push(follow);
    await follow.waitFor(/ErrorCode 0 /);
    expect((await ask(base, { ...mkt, JobID: '7201', ManagerPassword: 'not-this' })).ErrorCode).toBe('100');
    await follow.waitFor(/share-mkt {2}ErrorCode 100 /);
    expect(follow.output()).not.toContain('not-this');
    follow.kill('SIGINT');
    expect(await follow.exited).toMatchObject({ code: 0 });
    const journal = (await cli('requests', '--login', 'share-mkt', '--limit', '10', '--json')).split('\n').map((line) => JSON.parse(line));
    expect(journal.map((entry) => [entry.error_code, entry.injected ? 'sandbox' : ''])).toEqual([
      [9999, 'sandbox'],
      [0, ''],
      [100, ''],
    ]);

    // The rest of the commands: a simulator pass, migrations (the server applied them), passwd, unlock.
    expect(await cli('simulate', '--once')).toMatch(/^jobs advanced: 1, /);
    expect((await ask(base, { ...root, JobID: '7201' })).LAUNCH?.JOB?.[0]?.STATUS).toBe('7');
    expect(await cli('migrate')).toMatch(/ \(through omis serve \(pid \d+\)\): 0 applied, \d+ already applied$/);
    expect(await cli('account', 'passwd', 'newbie', '--password', 'newer-pass')).toBe('password of newbie changed');
    // The old password fails now: the server counts it, the CLI forgets it.
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('100');
    expect(await cli('account', 'unlock', 'newbie')).toBe('failed logins of newbie forgotten; it can log in again');
    newbie = { ManagerLoginName: 'newbie', ManagerPassword: 'newer-pass' };
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('111');

    await stopServer();
    // A server that stopped leaves no owner record and no socket behind.
    expect(readdirSync(dataDir).sort()).toEqual(['pgdata', 'socket']);
    expect(readdirSync(path.join(dataDir, 'socket'))).toEqual([]);

    // Without a server the command opens the directory itself; nothing was lost.
    expect(await cli('account', 'points', 'share-root', '0')).toBe("points of share-root (root of share-root's tree): 10");

    base = await startServer();
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('111');
    const job = await ask(base, { ...root, JobID: '7201' });
    expect(job.ErrorCode).toBe('0');
    expect(job.LAUNCH?.JOB?.[0]?.ERRORCODE).toBe('0');
    expect(await cli('audit', '--job', '7201')).toMatch(/job\.restart/);
  }, 300_000);

  it('refuses a second server on the same directory with one line, and leaves the first one serving', async () => {
    const base = current ? await listeningBase(current) : await startServer();
    const second = spawnServer(env);
    servers.push(second);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^omis serve: the embedded database in .+ is in use by omis serve \(pid \d+\); stop it first, or set OMIS_DATA_DIR to use another directory$/),
    ]);
    expect((await ask(base, { ...root, LaunchID: '7101' })).ErrorCode).toBe('0');
    expect(existsSync(path.join(dataDir, 'socket', '.s.PGSQL.5432'))).toBe(true);
  }, 120_000);

  it('takes over from a server that was killed: its record is stale, the data is there', async () => {
    if (!current) await startServer();
    const killed = current!;
    killed.kill('SIGKILL');
    await killed.exited;
    expect(readdirSync(dataDir)).toContain('owner.json');
    expect(await cli('account', 'points', 'share-root', '0')).toBe("points of share-root (root of share-root's tree): 10");
    const base = await startServer();
    expect((await ask(base, { ...newbie, LaunchID: '7101' })).ErrorCode).toBe('111');
    expect(await cli('account', 'points', 'share-root', '5')).toMatch(/^points of share-root \(root of share-root's tree\): 15$/);
  }, 180_000);
});

/** A taken port is found before anything else starts: one line, exit code 1. */
describe(`omis serve on a taken port (${databaseKind})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-port-'));
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.kill('SIGKILL');
      await server.exited;
    }
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits with exactly one line naming the port and PORT, having opened no database', async () => {
    const env: Record<string, string> = { OMIS_SECRET: 'port-test-secret-0123456789', LOG_LEVEL: 'info' };
    if (onPostgres) {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    }
    const first = spawnServer({ ...env, OMIS_DATA_DIR: path.join(dir, 'first') }, ['--no-simulator']);
    servers.push(first);
    const port = new URL(await listeningBase(first)).port;
    const secondDir = path.join(dir, 'second');
    const second = spawnServer({ ...env, OMIS_DATA_DIR: secondDir, PORT: port, OMIS_SIMULATOR: 'true' });
    servers.push(second);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output().trim().split('\n')).toEqual([`omis serve: port ${port} is already in use (set PORT to use another)`]);
    expect(existsSync(secondDir)).toBe(false);
  }, 120_000);
});

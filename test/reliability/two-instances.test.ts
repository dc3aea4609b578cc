import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anotherInstanceOf, buildTestApp, createTestDatabase, databaseKind, onPostgres, pageUrl, seedWith, type TestApp, type TestDatabase } from '../helper.ts';
import { withDatabaseName } from '../global-setup.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { failureKey } from '../../src/auth/lockout.ts';
import { LoginFailureStore } from '../../src/store/login-failures.ts';
import { parseResponse } from '../xml.ts';
import { listJournal } from '../../src/store/journal.ts';
import { ConsoleClient } from '../console/console-client.ts';

/**
 * Two instances on one database: what one instance learns about failed logins, the other
 * knows; concurrent ExpireTime changes through both lose no update; instances starting together
 * apply each migration once. (Pause/unpause/terminate/delete/restart through two instances are
 * proven by test/routes/actions-concurrency.test.ts.) On PostgreSQL each instance
 * has its own connection pool, as two servers would; on PGlite they share the one embedded database.
 */
const THRESHOLD = 3;

/**
 * Two apps on one seeded test database, made before and closed after the enclosing describe's tests.
 * On PostgreSQL the second has a connection pool of its own, as a second server would.
 */
function twoInstances(env: Record<string, string> = {}) {
  const pair = {} as { database: TestDatabase; first: TestApp; second: TestApp };
  let secondDb: TestDatabase | undefined;
  beforeAll(async () => {
    pair.database = await createTestDatabase();
    await seedWith(pair.database.db, standardSeed);
    pair.first = await buildTestApp({ database: pair.database, env });
    secondDb = await anotherInstanceOf(pair.database);
    pair.second = await buildTestApp({ database: secondDb, env });
  });
  afterAll(async () => {
    await pair.second?.close();
    await pair.first?.close();
    await secondDb?.drop();
    await pair.database?.drop();
  });
  return pair;
}

describe(`the request journal of two instances (${databaseKind})`, () => {
  const two = twoInstances();

  it("shows every instance's requests, in the console and the command line's listing of either", async () => {
    await two.first.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, LaunchID: '5002' }), remoteAddress: '198.51.100.1' });
    await two.second.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, JobID: '9003' }), remoteAddress: '198.51.100.2' });
    await Promise.all([two.first.journal!.flush(), two.second.journal!.flush()]);
    const listed = await listJournal(two.first.db, { login: 'acme-mkt-tw', limit: 10 });
    expect(listed.map((entry) => entry.client_ip).sort()).toEqual(['198.51.100.1', '198.51.100.2']);
    // The console of the first instance, signed in as the manager above acme-mkt-tw.
    const client = new ConsoleClient(two.first.app);
    await client.signIn(logins.mkt);
    const page = await client.get('/console/requests?login=acme-mkt-tw');
    expect(page.body).toContain('198.51.100.1');
    expect(page.body).toContain('198.51.100.2');
  });
});

describe(`lockouts shared by two instances (${databaseKind})`, () => {
  const two = twoInstances({ OMIS_LOCKOUT_THRESHOLD: String(THRESHOLD), OMIS_LOCKOUT_MAX_SECONDS: '60' });

  async function attempt(t: TestApp, password: string) {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt', ManagerPassword: password, LaunchID: '5001' }) });
    return parseResponse(res.body).ErrorCode as string;
  }

  it('counts failures through both instances as one serial order', async () => {
    await two.database.db.exec('DELETE FROM login_failure');
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i % 2 === 0 ? two.first : two.second, 'wrong')));
    expect(codes.sort()).toEqual([...Array(THRESHOLD - 1).fill('100'), ...Array(12 - THRESHOLD + 1).fill('101')]);
    const rows = await two.database.db.query<{ failures: number }>(`SELECT failures FROM login_failure WHERE login_key = 'acme-mkt'`);
    expect(rows).toEqual([{ failures: THRESHOLD }]);
  });

  it('a lockout made through one instance holds on the other, for the right password too', async () => {
    await two.database.db.exec('DELETE FROM login_failure');
    for (let i = 0; i < THRESHOLD; i++) await attempt(two.first, 'wrong');
    expect(await attempt(two.second, logins.mkt.ManagerPassword)).toBe('101');
  });

  it('an unlock (omis account unlock) through the database frees the login on both', async () => {
    await two.database.db.exec('DELETE FROM login_failure');
    for (let i = 0; i < THRESHOLD; i++) await attempt(two.second, 'wrong');
    expect(await new LoginFailureStore(two.database.db).clear(failureKey('acme-mkt'))).toBe(true);
    expect(await attempt(two.first, logins.mkt.ManagerPassword)).toBe('0');
    expect(await attempt(two.second, logins.mkt.ManagerPassword)).toBe('0');
  });

  it('a success on one instance resets the count the other instance made', async () => {
    await two.database.db.exec('DELETE FROM login_failure');
    for (let i = 0; i < THRESHOLD - 1; i++) await attempt(two.first, 'wrong');
    expect(await attempt(two.second, logins.mkt.ManagerPassword)).toBe('0');
    for (let i = 0; i < THRESHOLD - 1; i++) expect(await attempt(two.first, 'wrong')).toBe('100');
  });
});

describe(`ExpireTime changed through two instances at once (${databaseKind})`, () => {
  const two = twoInstances();

  it('loses no update: every change is answered with itself and chained in the audit log; the last one stands', async () => {
    const wanted = Array.from({ length: 16 }, (_, i) => `2030-01-01 00:${String(i).padStart(2, '0')}:00`);
    const answers = await Promise.all(
      wanted.map(async (expireTime, i) => {
        const res = await (i % 2 === 0 ? two.first : two.second).app.inject({
          method: 'GET',
          url: pageUrl({ ...logins.mkt, LaunchID: '5001', LaunchAction: '5', ExpireTime: expireTime }),
        });
        return parseResponse(res.body);
      }),
    );
    answers.forEach((answer, i) => expect({ code: answer.ErrorCode, expireTime: answer.LAUNCH?.ExpireTime }).toEqual({ code: '0', expireTime: wanted[i] }));

    const entries = await two.database.db.query<{ before: { launch: { expireTime: string } }; after: { launch: { expireTime: string } } }>(
      `SELECT before, after FROM audit_log
        WHERE target_type = 'launch' AND target_id = 5001 AND error_code = 0 AND action LIKE '%expir%' ORDER BY audit_id`,
    );
    expect(entries).toHaveLength(wanted.length);
    // Each change saw exactly what the previous one left: a serial order, nothing overwritten unseen.
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.before.launch.expireTime).toBe(entries[i - 1]!.after.launch.expireTime);
    const applied = entries.map((e) => e.after.launch.expireTime);
    expect(new Set(applied).size).toBe(wanted.length);
    const [row] = await two.database.db.query<{ expire_time: Date }>('SELECT expire_time FROM launch WHERE launch_id = 5001');
    expect(row!.expire_time.toISOString()).toBe(applied.at(-1));
  });
});

describe(`migrations started at once (${databaseKind})`, () => {
  const migrations = readMigrations();
  const opened: Database[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;

  afterAll(async () => {
    for (const db of opened) await db.close();
    await dropDatabase?.();
  });

  /** Instances of one fresh, empty database: separate pools on PostgreSQL, one PGlite shared. */
  async function freshInstances(count: number): Promise<Database[]> {
    if (!onPostgres) {
      const db = await openDatabase({ pglite: await PGlite.create() });
      opened.push(db);
      return Array.from({ length: count }, () => db);
    }
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const name = `omis_migr_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dropDatabase = async () => {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    };
    const instances = [];
    for (let i = 0; i < count; i++) {
      const db = await openDatabase({ databaseUrl: withDatabaseName(adminUrl, name), poolSize: 2 });
      opened.push(db);
      instances.push(db);
    }
    return instances;
  }

  it('four migrate() calls at once on one fresh database apply each migration exactly once', async () => {
    const instances = await freshInstances(4);
    const results = await Promise.all(instances.map((db) => migrate(db, migrations)));
    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(migrations.map((m) => m.name).sort());
    for (const result of results) expect(result.applied.length + result.alreadyApplied).toBe(migrations.length);
    const rows = await instances[0]!.query<{ migration_name: string; n: number }>(
      `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
    );
    expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, n: 1 })));
    // The schema is really there, whole: every instance can use it.
    for (const db of instances) expect(await db.query('SELECT count(*)::int AS n FROM account')).toEqual([{ n: 0 }]);
  }, 120_000);
});

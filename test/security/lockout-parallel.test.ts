import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { anotherInstanceOf, buildTestApp, createTestDatabase, databaseKind, onPostgres, pageUrl, seedWith, type TestApp, type TestDatabase } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { failureKey } from '../../src/auth/lockout.ts';
import { LoginFailureStore } from '../../src/store/login-failures.ts';
import { parseResponse } from '../xml.ts';

/**
 * Parallel guessing: whatever the concurrency and however many instances share the database, no
 * more than OMIS_LOCKOUT_THRESHOLD passwords of one login are verified within one lockout window,
 * counted through the argon2 metric; the right password arriving among the guesses gets 101; after
 * the window it works again.
 */
const THRESHOLD = 5;
const GUESSES = 120;
const env = { OMIS_LOCKOUT_THRESHOLD: String(THRESHOLD), OMIS_LOCKOUT_MAX_SECONDS: '3600', OMIS_AUTH_CACHE_SECONDS: '0' };

async function verifications(app: FastifyInstance): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith('omis_argon2_verify_seconds_count'));
  return Number(line?.split(' ')[1] ?? 0);
}

async function attempt(app: FastifyInstance, password: string, login: string = logins.mkt.ManagerLoginName): Promise<string> {
  const res = await app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: login, ManagerPassword: password, LaunchID: '5001' }) });
  return parseResponse(res.body).ErrorCode as string;
}

describe(`parallel guessing against the lockout (${databaseKind})`, () => {
  let database: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let secondDatabase: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
    // Two instances on one database: on PostgreSQL each with a pool of its own, as two servers would
    // have; PGlite is one connection in one process, which both share.
    secondDatabase = await anotherInstanceOf(database);
    first = await buildTestApp({ env, database });
    second = await buildTestApp({ env, database: secondDatabase });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await secondDatabase?.drop();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.exec('DELETE FROM login_failure');
  });

  /** Waits until `count` checks of the login have been reserved or counted (the guesses are under way). */
  async function underway(count: number, login = 'acme-mkt') {
    for (;;) {
      const rows = await database.db.query<{ n: number }>(`SELECT failures + pending AS n FROM login_failure WHERE login_key = $1`, [failureKey(login)]);
      if ((rows[0]?.n ?? 0) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** argon2 verifications so far, through both instances (each counts its own). */
  const verified = async () => (await verifications(first.app)) + (await verifications(second.app));

  async function passWindow(login = 'acme-mkt') {
    await database.db.query(`UPDATE login_failure SET locked_until = now() - interval '1 millisecond' WHERE login_key = $1`, [failureKey(login)]);
  }

  it.each([
    ['one instance', () => [first.app, first.app]],
    ['two instances', () => [first.app, second.app]],
  ])(`%s: ${GUESSES} wrong guesses verify at most THRESHOLD passwords, and the right one among them gets 101`, async (_label, apps) => {
    const [a, b] = apps() as [FastifyInstance, FastifyInstance];
    const before = await verified();
    const guesses = Array.from({ length: GUESSES }, (_, i) => attempt(i % 2 === 0 ? a : b, `guess-${i}`));
    await underway(THRESHOLD);
    const right = attempt(b, logins.mkt.ManagerPassword);
    const more = Array.from({ length: GUESSES }, (_, i) => attempt(i % 2 === 0 ? b : a, `late-guess-${i}`));
    const codes = await Promise.all([...guesses, ...more]);
    expect(await right).toBe('101');
    expect((await verified()) - before).toBe(THRESHOLD);
    expect(codes.filter((code) => code === '100')).toHaveLength(THRESHOLD - 1);
    expect(codes.filter((code) => code !== '100' && code !== '101')).toEqual([]);

    await passWindow();
    expect(await attempt(a, logins.mkt.ManagerPassword)).toBe('0');
  });

  it('an unknown login is limited exactly like a known one', async () => {
    const before = await verified();
    const codes = await Promise.all(Array.from({ length: GUESSES }, (_, i) => attempt(i % 2 ? first.app : second.app, `guess-${i}`, 'nobody-at-all')));
    expect((await verified()) - before).toBe(THRESHOLD);
    expect(codes.filter((code) => code === '100')).toHaveLength(THRESHOLD - 1);
  });

  // Two instances: one settles a success (deleting the record) while the other waits for its lock.
  it.runIf(onPostgres)('makes the record again when another instance deletes it while this one waits for its lock', async () => {
    const key = 'vanishing-login';
    await database.db.query(`INSERT INTO login_failure (login_key, failures, last_failure_at) VALUES ($1, 1, now())`, [key]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = secondDatabase.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM login_failure WHERE login_key = $1 FOR UPDATE`, [key]);
      locked();
      await held;
      await tx.query(`DELETE FROM login_failure WHERE login_key = $1`, [key]);
    });
    await lockTaken;
    const update = new LoginFailureStore(database.db).update(key, (record) => ({ leave: true, result: record.failures }));
    // Until the update waits for the row lock the other transaction holds (in this test's database).
    for (;;) {
      const [waiting] = await database.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    release();
    await holder;
    expect(await update).toBe(0);
  });

  it('a burst of the right password with a cold credential cache is answered, not locked out', async () => {
    const apps = [first.app, second.app];
    const codes = await Promise.all(Array.from({ length: 24 }, (_, i) => attempt(apps[i % 2]!, logins.mkt.ManagerPassword)));
    expect(codes).toEqual(Array(24).fill('0'));
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { LoginLockout, failureKey } from '../../src/auth/lockout.ts';
import { LoginFailureStore } from '../../src/store/login-failures.ts';
import { parseResponse } from '../xml.ts';

const THRESHOLD = 3;

describe(`login lockout through the page (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { OMIS_LOCKOUT_THRESHOLD: String(THRESHOLD), OMIS_LOCKOUT_MAX_SECONDS: '3600' } });
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.db.exec('DELETE FROM login_failure');
  });

  async function login(name: string, password: string) {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: name, ManagerPassword: password, LaunchID: '5001' }) });
    const xml = parseResponse(res.body);
    return { status: res.statusCode, code: xml.ErrorCode as string, message: xml.ErrorMSG as string, body: res.body };
  }

  async function record(name: string) {
    const rows = await t.db.query<{ failures: number; lock_ms: number | null }>(
      `SELECT failures, (EXTRACT(EPOCH FROM (locked_until - last_failure_at)) * 1000)::int AS lock_ms
         FROM login_failure WHERE login_key = $1`,
      [failureKey(name)],
    );
    return rows[0];
  }

  /** The window passing, without waiting for it: the lock is moved into the past. */
  async function passWindow(name: string) {
    await t.db.query(
      `UPDATE login_failure SET locked_until = now() - interval '1 millisecond', last_failure_at = now() - interval '2 seconds'
        WHERE login_key = $1`,
      [failureKey(name)],
    );
  }

  it('answers 100 below the threshold, then 101 from the failure that locks', async () => {
    const codes = [];
    for (let i = 0; i < THRESHOLD + 1; i++) codes.push((await login('acme-mkt', 'wrong')).code);
    expect(codes).toEqual(['100', '100', '101', '101']);
    const locked = await login('acme-mkt', 'wrong');
    expect(locked.message).toBe('Too many failed logins, try again later');
    expect(await record('acme-mkt')).toEqual({ failures: THRESHOLD, lock_ms: 30_000 });
  });

  it('refuses the right password with 101 while locked', async () => {
    for (let i = 0; i < THRESHOLD; i++) await login('acme-mkt', 'wrong');
    expect((await login(logins.mkt.ManagerLoginName, logins.mkt.ManagerPassword)).code).toBe('101');
  });

  it('lets the right password in once the window passed, and the success resets the count', async () => {
    for (let i = 0; i < THRESHOLD; i++) await login('acme-mkt', 'wrong');
    await passWindow('acme-mkt');
    expect((await login('acme-mkt', 'mkt-pass')).code).toBe('0');
    expect(await record('acme-mkt')).toBeUndefined();
    expect((await login('acme-mkt', 'wrong')).code).toBe('100');
  });

  it('doubles the lockout for each failure after a window', async () => {
    for (let i = 0; i < THRESHOLD; i++) await login('acme-mkt', 'wrong');
    const locks = [];
    for (let i = 0; i < 8; i++) {
      await passWindow('acme-mkt');
      expect((await login('acme-mkt', 'wrong')).code).toBe('101');
      locks.push((await record('acme-mkt'))!.lock_ms);
    }
    expect(locks).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000));
  });

  it('a success below the threshold resets the streak', async () => {
    await login('acme-mkt', 'wrong');
    await login('acme-mkt', 'wrong');
    expect((await login('acme-mkt', 'mkt-pass')).code).toBe('0');
    expect((await login('acme-mkt', 'wrong')).code).toBe('100');
    expect(await record('acme-mkt')).toEqual({ failures: 1, lock_ms: null });
  });

  it('counts a login in any letter case as one', async () => {
    await login('ACME-MKT', 'wrong');
    await login('Acme-Mkt', 'wrong');
    expect((await login('acme-mkt', 'wrong')).code).toBe('101');
    expect((await login('ACME-mkt', 'mkt-pass')).code).toBe('101');
  });

  it('locks one login without touching another', async () => {
    for (let i = 0; i < THRESHOLD; i++) await login('acme-mkt', 'wrong');
    expect((await login('acme', 'acme-pass')).code).toBe('0');
  });

  it('treats an unknown login exactly like a known one: same codes, same bodies, same record', async () => {
    const known = [];
    const unknown = [];
    for (let i = 0; i < THRESHOLD + 1; i++) {
      known.push(await login('acme-mkt', 'wrong'));
      unknown.push(await login('nobody-here', 'wrong'));
    }
    expect(unknown.map((r) => [r.status, r.body])).toEqual(known.map((r) => [r.status, r.body]));
    expect(await record('nobody-here')).toEqual(await record('acme-mkt'));
  });

  it('stores a login too long or holding NUL under a hashed key, still counted and locked', async () => {
    const huge = 'Z'.repeat(20_000);
    for (let i = 0; i < THRESHOLD - 1; i++) expect((await login(huge, 'wrong')).code).toBe('100');
    expect((await login(huge.toLowerCase(), 'wrong')).code).toBe('101');
    // NUL arrives as U+FFFD (request/collect-params.ts): PostgreSQL text cannot hold it.
    expect((await login('nul\u0000login', 'wrong')).code).toBe('100');
    expect(await record('nul\uFFFDlogin')).toEqual({ failures: 1, lock_ms: null });
  });

  it('concurrent failures count as some serial order: threshold-1 answers 100, the rest 101, no extra count', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => login('acme-mkt', 'wrong')));
    const codes = answers.map((a) => a.code).sort();
    expect(codes).toEqual([...Array(THRESHOLD - 1).fill('100'), ...Array(10 - THRESHOLD + 1).fill('101')]);
    expect(await record('acme-mkt')).toEqual({ failures: THRESHOLD, lock_ms: 30_000 });
  });

  it('unlock (omis account unlock) ends a lockout at once', async () => {
    for (let i = 0; i < THRESHOLD; i++) await login('acme-mkt', 'wrong');
    const lockout = new LoginLockout(new LoginFailureStore(t.db), { threshold: THRESHOLD, maxSeconds: 3600 });
    expect(await lockout.unlock('ACME-MKT')).toBe(true);
    expect(await lockout.unlock('acme-mkt')).toBe(false);
    expect((await login('acme-mkt', 'mkt-pass')).code).toBe('0');
  });
});

describe(`LoginLockout store (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('logs every lockout with the key, the count, the length and the client address', async () => {
    const warnings: unknown[] = [];
    const lockout = new LoginLockout(new LoginFailureStore(t.db), { threshold: 2, maxSeconds: 10 }, { warn: (obj: unknown) => warnings.push(obj) });
    const attempt = async () => {
      expect(await lockout.reserve(failureKey('Mallory'))).toBe('reserved');
      return lockout.recordFailure(failureKey('Mallory'), '203.0.113.9');
    };
    expect(await attempt()).toBe(false);
    expect(warnings).toEqual([]);
    expect(await attempt()).toBe(true);
    expect(warnings).toEqual([{ event: 'login-lockout', loginKey: 'mallory', failures: 2, lockedSeconds: 10, clientIp: '203.0.113.9' }]);
    expect(await lockout.reserve(failureKey('MALLORY'))).toBe('locked');
  });

  it('reserves no more checks than failures remain, and a settled check frees its place', async () => {
    const lockout = new LoginLockout(new LoginFailureStore(t.db), { threshold: 3, maxSeconds: 10 });
    const key = failureKey('reserver');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.reserve(key)).toBe('busy');
    expect(await lockout.recordSuccess(key, true)).toBe(true);
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.recordFailure(key)).toBe(false);
    // Two checks still reserved, one failure counted: no room for another until one settles.
    expect(await lockout.reserve(key)).toBe('busy');
  });

  it('a cached success racing a failure that locked the login is refused', async () => {
    // Under reservations a verified success and a locking failure cannot both be under way (the
    // success would have taken the last place); a cached credential reserves nothing, so it can race.
    const lockout = new LoginLockout(new LoginFailureStore(t.db), { threshold: 2, maxSeconds: 10 });
    const key = failureKey('racer');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.recordFailure(key)).toBe(false);
    // The cached success read the login as failing, not locked; then a wrong guess locks it.
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.recordFailure(key)).toBe(true);
    expect(await lockout.recordSuccess(key, false)).toBe(false);
  });

  it('a reservation whose process died stops counting once it expires', async () => {
    const lockout = new LoginLockout(new LoginFailureStore(t.db), { threshold: 2, maxSeconds: 10 });
    const key = failureKey('crashed');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.reserve(key)).toBe('reserved');
    expect(await lockout.reserve(key)).toBe('busy');
    await t.db.query(`UPDATE login_failure SET pending_until = now() - interval '1 millisecond' WHERE login_key = $1`, [key]);
    expect(await lockout.reserve(key)).toBe('reserved');
  });

  it('prunes records whose streak ended over a day ago, and only those', async () => {
    await t.db.exec(`DELETE FROM login_failure;
      INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until) VALUES
        ('old', 4, now() - interval '3 days', now() - interval '2 days'),
        ('old-unlocked', 1, now() - interval '25 hours', NULL),
        ('long-lock', 20, now() - interval '3 days', now() - interval '1 hour'),
        ('recent', 1, now(), NULL)`);
    expect(await new LoginFailureStore(t.db).pruneForgotten(1000)).toBe(2);
    const left = await t.db.query<{ login_key: string }>('SELECT login_key FROM login_failure ORDER BY login_key');
    expect(left.map((r) => r.login_key)).toEqual(['long-lock', 'recent']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  RESERVATION_MS,
  checksAllowed,
  reserveCheck,
  settleFailure,
  settleSuccess,
  FORGET_AFTER_MS,
  failureKey,
  isLocked,
  lockoutPolicy,
  lockoutSeconds,
  nextFailure,
  type FailureRecord,
} from '../../src/auth/lockout.ts';
import type { StoredFailure } from '../../src/store/login-failures.ts';
import { configWith } from '../../src/config/config.ts';

const policy = { threshold: 3, maxSeconds: 600 };
const t0 = new Date('2026-11-29T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('lockoutSeconds: exponential back-off from the threshold, capped', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 30],
    [4, 60],
    [5, 120],
    [6, 240],
    [7, 480],
    [8, 600],
    [9, 600],
    [1000, 600],
    [Number.MAX_SAFE_INTEGER, 600],
  ])('failure #%i locks for %i s', (failures, seconds) => {
    expect(lockoutSeconds(failures, policy)).toBe(seconds);
  });

  it('never exceeds the largest configurable maximum, nor a maximum below the first lockout', () => {
    expect(lockoutSeconds(10_000, { threshold: 1, maxSeconds: 86400 })).toBe(86400);
    expect(lockoutSeconds(1, { threshold: 1, maxSeconds: 5 })).toBe(5);
  });

  it('takes its policy from OMIS_LOCKOUT_THRESHOLD / OMIS_LOCKOUT_MAX_SECONDS', () => {
    expect(lockoutPolicy(configWith({ OMIS_LOCKOUT_THRESHOLD: '7', OMIS_LOCKOUT_MAX_SECONDS: '120' }))).toEqual({ threshold: 7, maxSeconds: 120 });
    expect(lockoutPolicy(configWith())).toEqual({ threshold: 5, maxSeconds: 900 });
  });
});

describe('nextFailure', () => {
  it('starts a streak at 1 without a lock', () => {
    expect(nextFailure(undefined, t0, policy)).toEqual({
      kind: 'counted',
      lockedSeconds: 0,
      record: { failures: 1, lastFailureAt: t0, lockedUntil: null },
    });
  });

  it('locks on the threshold-th failure, for 30 seconds', () => {
    const previous: FailureRecord = { failures: 2, lastFailureAt: t0, lockedUntil: null };
    expect(nextFailure(previous, at(500), policy)).toEqual({
      kind: 'counted',
      lockedSeconds: 30,
      record: { failures: 3, lastFailureAt: at(500), lockedUntil: at(30_500) },
    });
  });

  it('does not count a failure while the login is locked', () => {
    const previous: FailureRecord = { failures: 3, lastFailureAt: t0, lockedUntil: at(30_000) };
    expect(nextFailure(previous, at(29_999), policy)).toEqual({ kind: 'already-locked', record: previous });
  });

  it('doubles the lock for a failure after the window passed', () => {
    const previous: FailureRecord = { failures: 3, lastFailureAt: t0, lockedUntil: at(30_000) };
    const next = nextFailure(previous, at(30_000), policy);
    expect(next).toMatchObject({ kind: 'counted', lockedSeconds: 60, record: { failures: 4, lockedUntil: at(90_000) } });
  });

  it('forgets a streak a day after it ended', () => {
    const previous: FailureRecord = { failures: 8, lastFailureAt: t0, lockedUntil: at(32_000) };
    expect(nextFailure(previous, at(32_000 + FORGET_AFTER_MS), policy)).toMatchObject({ record: { failures: 9 } });
    expect(nextFailure(previous, at(32_001 + FORGET_AFTER_MS), policy)).toMatchObject({ lockedSeconds: 0, record: { failures: 1 } });
  });
});

describe('isLocked', () => {
  it.each([
    [undefined, false],
    [{ failures: 1, lastFailureAt: t0, lockedUntil: null }, false],
    [{ failures: 3, lastFailureAt: t0, lockedUntil: at(1) }, true],
    [{ failures: 3, lastFailureAt: t0, lockedUntil: t0 }, false],
  ])('%o → %s', (record, locked) => {
    expect(isLocked(record, t0)).toBe(locked);
  });
});

describe('failureKey', () => {
  it('is the case-insensitive login key', () => {
    expect(failureKey('  ACME-Mkt ')).toBe('acme-mkt');
    expect(failureKey('acme-mkt')).toBe(failureKey('Acme-MKT'));
  });

  it('hashes keys too long for an index entry or holding NUL, the same way every time', () => {
    const long = 'x'.repeat(129);
    expect(failureKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(failureKey(long.toUpperCase())).toBe(failureKey(long));
    expect(failureKey('a\u0000b')).toMatch(/^sha256:/);
    expect(failureKey('x'.repeat(128))).toBe('x'.repeat(128));
  });
});

describe('checksAllowed: how many passwords of a login may be checked at once', () => {
  const record = (failures: number, lockedUntil: Date | null = null, lastFailureAt = t0): FailureRecord => ({ failures, lastFailureAt, lockedUntil });
  it.each([
    ['no record', undefined, 3],
    ['a record without failures (reservations only)', record(0), 3],
    ['one failure', record(1), 2],
    ['two failures', record(2), 1],
    ['locked', record(3, at(30_000)), 0],
    ['a lockout that ended', record(3, at(-1)), 1],
    ['many failures, lock ended', record(9, at(-1)), 1],
    ['a streak forgotten a day later', record(9, at(-FORGET_AFTER_MS - 1), at(-FORGET_AFTER_MS - 2)), 3],
  ])('%s → %s', (_label, given, allowed) => {
    expect(checksAllowed(given, t0, policy)).toBe(allowed);
  });
});

describe('reserving and settling checks', () => {
  const stored = (over: Partial<StoredFailure> = {}): StoredFailure => ({
    failures: 0,
    lastFailureAt: t0,
    lockedUntil: null,
    pending: 0,
    pendingUntil: null,
    ...over,
  });
  const lease = at(RESERVATION_MS);

  it.each([
    ['a clean record', stored(), { write: stored({ pending: 1, pendingUntil: lease }), result: 'reserved' }],
    ['places left', stored({ failures: 1, pending: 1, pendingUntil: at(10) }), { write: stored({ failures: 1, pending: 2, pendingUntil: lease }), result: 'reserved' }],
    ['every place taken', stored({ failures: 1, pending: 2, pendingUntil: at(10) }), { leave: true, result: 'busy' }],
    ['expired reservations do not count', stored({ failures: 1, pending: 2, pendingUntil: t0 }), { write: stored({ failures: 1, pending: 1, pendingUntil: lease }), result: 'reserved' }],
    ['locked', stored({ failures: 3, lockedUntil: at(1) }), { leave: true, result: 'locked' }],
  ])('reserveCheck on %s', (_label, record, expected) => {
    expect(reserveCheck(record, t0, policy)).toEqual(expected);
  });

  it('a failure counts and frees its place; the threshold-th locks', () => {
    expect(settleFailure(stored({ failures: 1, pending: 2, pendingUntil: at(10) }), t0, policy)).toEqual({
      write: stored({ failures: 2, lastFailureAt: t0, pending: 1, pendingUntil: at(10) }),
      result: { kind: 'counted', lockedSeconds: 0, record: { failures: 2, lastFailureAt: t0, lockedUntil: null } },
    });
    expect(settleFailure(stored({ failures: 2, pending: 1, pendingUntil: at(10) }), t0, policy)).toMatchObject({
      write: { failures: 3, lockedUntil: at(30_000), pending: 0, pendingUntil: null },
      result: { kind: 'counted', lockedSeconds: 30 },
    });
  });

  it('a failure after a concurrent one locked the login is not counted, but still frees its place', () => {
    const locked = stored({ failures: 3, lockedUntil: at(30_000), pending: 1, pendingUntil: at(10) });
    expect(settleFailure(locked, t0, policy)).toMatchObject({ write: { failures: 3, pending: 0 }, result: { kind: 'already-locked' } });
  });

  it.each([
    ['the last reservation: the record goes', stored({ failures: 2, pending: 1, pendingUntil: at(10) }), true, { delete: true, result: true }],
    ['other checks still under way: they keep their places', stored({ failures: 2, pending: 3, pendingUntil: at(10) }), true, { write: stored({ pending: 2, pendingUntil: at(10) }), result: true }],
    ['a cached success resets failures, frees nothing', stored({ failures: 2, pending: 1, pendingUntil: at(10) }), false, { write: stored({ pending: 1, pendingUntil: at(10) }), result: true }],
    ['locked meanwhile: refused, count kept', stored({ failures: 3, lockedUntil: at(1), pending: 1, pendingUntil: at(10) }), true, { write: stored({ failures: 3, lockedUntil: at(1), pending: 0, pendingUntil: null }), result: false }],
  ])('settleSuccess: %s', (_label, record, reserved, expected) => {
    expect(settleSuccess(record, t0, reserved)).toEqual(expected);
  });
});

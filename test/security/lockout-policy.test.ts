import { describe, expect, it } from 'vitest';
import {
  FORGET_AFTER_MS,
  failureKey,
  isLocked,
  lockoutPolicy,
  lockoutSeconds,
  nextFailure,
  type FailureRecord,
} from '../../src/auth/lockout.ts';
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

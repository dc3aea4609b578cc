import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/auth/credential-cache.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const NEW_HASH = '$argon2id$v=19$m=19456,t=2,p=1$b3RoZXI$b3RoZXI';

describe('CredentialCache', () => {
  it('misses a credential it has never seen and hits it after a success was remembered', () => {
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 10 });
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(false);
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(true);
  });

  it.each([
    ['another password', 1002, 'mkt-pasS', HASH],
    ['a changed stored hash (password changed)', 1002, 'mkt-pass', NEW_HASH],
    ['another account', 1003, 'mkt-pass', HASH],
    ['the password with a trailing space', 1002, 'mkt-pass ', HASH],
    ['an empty password', 1002, '', HASH],
  ])('does not accept %s', (_label, userId, password, hash) => {
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 10 });
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    expect(cache.isVerified(userId, password, hash)).toBe(false);
  });

  it('keeps the fields apart: moving characters between password and hash is another credential', () => {
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 10 });
    cache.rememberVerified(1, 'ab', 'c');
    expect(cache.isVerified(1, 'a', 'bc')).toBe(false);
    expect(cache.isVerified(1, 'abc', '')).toBe(false);
    cache.rememberVerified(12, '3', 'x');
    expect(cache.isVerified(1, '23', 'x')).toBe(false);
  });

  it('trusts a verification for exactly the window and not after', () => {
    const time = clock();
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 10, now: time.now });
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    time.advance(59_999);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(true);
    time.advance(1);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(false);
    // The expired entry is gone, not kept around.
    expect(cache.size).toBe(0);
  });

  it('does not extend the window on use: argon2 runs again once per window for a busy credential', () => {
    const time = clock();
    const cache = new CredentialCache({ windowMs: 10_000, maxEntries: 10, now: time.now });
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    for (let i = 0; i < 9; i++) {
      time.advance(1_000);
      expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(true);
    }
    time.advance(1_000);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(false);
  });

  it('starts a fresh window when a success is remembered again', () => {
    const time = clock();
    const cache = new CredentialCache({ windowMs: 10_000, maxEntries: 10, now: time.now });
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    time.advance(9_000);
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    time.advance(9_000);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('remembers nothing with a window of 0 (cache off)', () => {
    const cache = new CredentialCache({ windowMs: 0, maxEntries: 10 });
    expect(cache.enabled).toBe(false);
    cache.rememberVerified(1002, 'mkt-pass', HASH);
    expect(cache.isVerified(1002, 'mkt-pass', HASH)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, evicting the least recently used first', () => {
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 3 });
    cache.rememberVerified(1, 'p1', HASH);
    cache.rememberVerified(2, 'p2', HASH);
    cache.rememberVerified(3, 'p3', HASH);
    // Using 1 makes 2 the least recently used.
    expect(cache.isVerified(1, 'p1', HASH)).toBe(true);
    cache.rememberVerified(4, 'p4', HASH);
    expect(cache.size).toBe(3);
    expect(cache.isVerified(2, 'p2', HASH)).toBe(false);
    expect(cache.isVerified(1, 'p1', HASH)).toBe(true);
    expect(cache.isVerified(3, 'p3', HASH)).toBe(true);
    expect(cache.isVerified(4, 'p4', HASH)).toBe(true);
  });

  it('stays bounded under many distinct credentials', () => {
    const cache = new CredentialCache({ windowMs: 60_000, maxEntries: 100 });
    for (let i = 0; i < 5_000; i++) cache.rememberVerified(i, `password-${i}`, HASH);
    expect(cache.size).toBe(100);
    expect(cache.isVerified(4_999, 'password-4999', HASH)).toBe(true);
    expect(cache.isVerified(0, 'password-0', HASH)).toBe(false);
  });

  it('does not recognise credentials remembered by another instance (a per-process key)', () => {
    const a = new CredentialCache({ windowMs: 60_000, maxEntries: 10 });
    const b = new CredentialCache({ windowMs: 60_000, maxEntries: 10 });
    a.rememberVerified(1002, 'mkt-pass', HASH);
    expect(b.isVerified(1002, 'mkt-pass', HASH)).toBe(false);
  });

  it.each([
    [{ windowMs: -1, maxEntries: 10 }],
    [{ windowMs: Number.NaN, maxEntries: 10 }],
    [{ windowMs: 1000, maxEntries: 0 }],
    [{ windowMs: 1000, maxEntries: 1.5 }],
  ])('refuses nonsensical options %o', (options) => {
    expect(() => new CredentialCache(options)).toThrow(RangeError);
  });
});

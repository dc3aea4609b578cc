import { beforeEach, describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { hashPassword, PasswordChecker } from '../../src/auth/password.ts';
import { setPasswordHash } from '../../src/store/accounts.ts';
import { parseResponse } from '../xml.ts';

/**
 * The verified-credential cache through the page: argon2 at most once per credential per window,
 * a password change takes effect at once, failures always pay argon2, and a lockout is obeyed
 * whatever the cache holds. argon2 runs are counted by the app's password checker, swapped in.
 */
describe(`verified-credential cache on the page (${databaseKind})`, () => {
  let verifications = 0;
  const passwords = new PasswordChecker(() => verifications++);
  beforeEach(() => {
    verifications = 0;
  });

  const ask = async (t: TestApp, login: { ManagerLoginName: string; ManagerPassword: string }, extra: Record<string, string> = {}) => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...login, LaunchID: '5001', ...extra }) });
    return parseResponse(res.body) as { ErrorCode: string; LaunchID: string };
  };

  describe('with the default window', () => {
    const t = useSeededApp(standardSeed, { env: { OMIS_LOCKOUT_THRESHOLD: '3' }, overrides: { passwords } });
    beforeEach(async () => {
      await t.db.exec('DELETE FROM login_failure');
    });

    it('runs argon2 once for many requests with the same credential', async () => {
      for (let i = 0; i < 5; i++) expect((await ask(t, logins.root)).ErrorCode).toBe('0');
      expect(verifications).toBe(1);
      // The login's letter case does not make it another credential.
      expect((await ask(t, { ManagerLoginName: 'ACME', ManagerPassword: 'acme-pass' })).ErrorCode).toBe('0');
      expect(verifications).toBe(1);
    });

    it('runs argon2 for every wrong password, before and after a cached success', async () => {
      const own = { LaunchID: '5002' };
      expect((await ask(t, logins.tw, own)).ErrorCode).toBe('0');
      const before = verifications;
      expect((await ask(t, { ...logins.tw, ManagerPassword: 'tw-pasS' }, own)).ErrorCode).toBe('100');
      expect((await ask(t, { ...logins.tw, ManagerPassword: 'tw-pass ' }, own)).ErrorCode).toBe('100');
      expect(verifications).toBe(before + 2);
    });

    it('refuses the old password at once after a password change, and accepts the new one', async () => {
      expect((await ask(t, logins.mkt)).ErrorCode).toBe('0');
      await setPasswordHash(t.db.prisma, 'acme-mkt', await hashPassword('changed-pass'));
      expect((await ask(t, logins.mkt)).ErrorCode).toBe('100');
      expect((await ask(t, { ...logins.mkt, ManagerPassword: 'changed-pass' })).ErrorCode).toBe('0');
      await setPasswordHash(t.db.prisma, 'acme-mkt', await hashPassword('mkt-pass'));
    });

    it('answers 101 to a locked-out login even though its right password is cached', async () => {
      expect((await ask(t, logins.globex, { LaunchID: '6001' })).ErrorCode).toBe('0');
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await ask(t, { ...logins.globex, ManagerPassword: 'wrong' }, { LaunchID: '6001' })).ErrorCode);
      expect(codes).toEqual(['100', '100', '101']);
      expect((await ask(t, logins.globex, { LaunchID: '6001' })).ErrorCode).toBe('101');
    });

    it('answers an unknown login 100 after the same argon2 work, never from the cache', async () => {
      expect((await ask(t, { ManagerLoginName: 'nobody', ManagerPassword: 'acme-pass' })).ErrorCode).toBe('100');
      expect((await ask(t, { ManagerLoginName: 'nobody', ManagerPassword: 'acme-pass' })).ErrorCode).toBe('100');
      expect(verifications).toBe(2);
    });
  });

  describe('with OMIS_AUTH_CACHE_SECONDS=0', () => {
    const t = useSeededApp(standardSeed, { env: { OMIS_AUTH_CACHE_SECONDS: '0' }, overrides: { passwords } });

    it('runs argon2 on every request', async () => {
      for (let i = 0; i < 3; i++) expect((await ask(t, logins.mkt)).ErrorCode).toBe('0');
      expect(verifications).toBe(3);
    });
  });
});

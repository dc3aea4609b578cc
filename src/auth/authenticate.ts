import type { PrismaClient } from '../generated/prisma/client.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { loginKey } from '../accounts/login-key.ts';
import { burnVerifyTime, verifyPassword } from './password.ts';
import { failureKey, type LockoutCheck, type LoginLockout } from './lockout.ts';
import type { CredentialCache } from './credential-cache.ts';

/** The manager a request acts as. */
export interface Caller {
  userId: number;
  login: string;
  customerId: string;
  rootId: number;
  licences: string[];
}

export const Licence = { taskManager: 'TaskManager', points: 'Points' } as const;

export interface AccountRow {
  user_id: number;
  login: string;
  password_hash: string;
  customer_id: string;
  root_id: number;
  licences: string[];
}

/**
 * The account row and lockout state when the request already read them, together with its record,
 * in one round trip (tasks/request-read.ts). `locked` is undefined when the login has no failure
 * record, as LoginLockout.check reads it.
 */
export interface PreRead {
  account: AccountRow | undefined;
  locked: boolean | undefined;
}

export interface AuthGuard {
  lockout?: LoginLockout | undefined;
  clientIp?: string;
  /** Verified credentials (auth/credential-cache.ts): argon2 once per window, successes only. */
  cache?: CredentialCache | undefined;
}

/**
 * Checks ManagerLoginName / ManagerPassword. An unknown login and a wrong password get the same
 * answer (100) after the same work (one argon2 verification). The lockout is checked on every
 * request before the password, so a cached success never gets past a lockout.
 */
export async function authenticate(
  prisma: PrismaClient,
  login: string,
  password: string,
  guard?: AuthGuard,
  preread?: PreRead,
): Promise<Caller> {
  // Brute-force lockout (auth/lockout.ts): checked before the password, for known and unknown alike.
  const check: LockoutCheck | undefined =
    preread && guard?.lockout
      ? { key: failureKey(login), locked: preread.locked === true, hadRecord: preread.locked !== undefined }
      : await guard?.lockout?.check(login);
  if (check?.locked) throw new ApiError(ErrorCodes.LOCKED_OUT);
  // PostgreSQL text cannot hold NUL, so no stored login has one: such a login is simply unknown.
  const rows = preread
    ? [preread.account]
    : login.includes('\u0000')
      ? []
      : await prisma.$queryRaw<AccountRow[]>`
    SELECT user_id, login, password_hash, customer_id, root_id, licences
      FROM account WHERE login_key = ${loginKey(login)}`;
  const row = rows[0];
  const ok = row ? await verifyCached(row, password, guard?.cache) : await burnVerifyTime(password);
  if (!row || !ok) {
    const locked = check && guard?.lockout ? await guard.lockout.recordFailure(check, guard.clientIp) : false;
    throw new ApiError(locked ? ErrorCodes.LOCKED_OUT : ErrorCodes.BAD_LOGIN);
  }
  if (check && guard?.lockout && !(await guard.lockout.recordSuccess(check))) throw new ApiError(ErrorCodes.LOCKED_OUT);
  return {
    userId: row.user_id,
    login: row.login,
    customerId: row.customer_id,
    rootId: row.root_id,
    licences: row.licences,
  };
}

/** argon2 unless this very (account, password, stored hash) was verified within the cache window. */
async function verifyCached(row: AccountRow, password: string, cache: CredentialCache | undefined): Promise<boolean> {
  if (cache?.isVerified(row.user_id, password, row.password_hash)) return true;
  const ok = await verifyPassword(row.password_hash, password);
  if (ok) cache?.rememberVerified(row.user_id, password, row.password_hash);
  return ok;
}

/** Licences compare case-insensitively, like every value the contract does not call case-sensitive. */
export function hasLicence(caller: Caller, licence: string): boolean {
  const wanted = licence.toLowerCase();
  return caller.licences.some((held) => held.toLowerCase() === wanted);
}

export function requireLicence(caller: Caller, licence: string): void {
  if (!hasLicence(caller, licence)) throw new ApiError(ErrorCodes.NO_LICENCE);
}

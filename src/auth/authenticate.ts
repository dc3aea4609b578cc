import type { PrismaClient } from '../generated/prisma/client.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { loginKey } from '../accounts/login-key.ts';
import { burnVerifyTime, verifyPassword } from './password.ts';
import type { LoginLockout } from './lockout.ts';

/** The manager a request acts as. */
export interface Caller {
  userId: number;
  login: string;
  customerId: string;
  rootId: number;
  licences: string[];
}

export const Licence = { taskManager: 'TaskManager', points: 'Points' } as const;

interface AccountRow {
  user_id: number;
  login: string;
  password_hash: string;
  customer_id: string;
  root_id: number;
  licences: string[];
}

/**
 * Checks ManagerLoginName / ManagerPassword. An unknown login and a wrong password get the same
 * answer (100) after the same work (one argon2 verification).
 */
export async function authenticate(
  prisma: PrismaClient,
  login: string,
  password: string,
  guard?: { lockout: LoginLockout; clientIp?: string },
): Promise<Caller> {
  // Brute-force lockout (auth/lockout.ts): checked before the password, for known and unknown alike.
  const check = await guard?.lockout.check(login);
  if (check?.locked) throw new ApiError(ErrorCodes.LOCKED_OUT);
  // PostgreSQL text cannot hold NUL, so no stored login has one: such a login is simply unknown.
  const rows = login.includes('\u0000')
    ? []
    : await prisma.$queryRaw<AccountRow[]>`
    SELECT user_id, login, password_hash, customer_id, root_id, licences
      FROM account WHERE login_key = ${loginKey(login)}`;
  const row = rows[0];
  const ok = row ? await verifyPassword(row.password_hash, password) : await burnVerifyTime(password);
  if (!row || !ok) {
    const locked = check && guard ? await guard.lockout.recordFailure(check, guard.clientIp) : false;
    throw new ApiError(locked ? ErrorCodes.LOCKED_OUT : ErrorCodes.BAD_LOGIN);
  }
  if (check && guard && !(await guard.lockout.recordSuccess(check))) throw new ApiError(ErrorCodes.LOCKED_OUT);
  return {
    userId: row.user_id,
    login: row.login,
    customerId: row.customer_id,
    rootId: row.root_id,
    licences: row.licences,
  };
}

/** Licences compare case-insensitively, like every value the contract does not call case-sensitive. */
export function hasLicence(caller: Caller, licence: string): boolean {
  const wanted = licence.toLowerCase();
  return caller.licences.some((held) => held.toLowerCase() === wanted);
}

export function requireLicence(caller: Caller, licence: string): void {
  if (!hasLicence(caller, licence)) throw new ApiError(ErrorCodes.NO_LICENCE);
}

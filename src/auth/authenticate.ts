import type { PrismaClient } from '../generated/prisma/client.ts';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { loginKey } from '../accounts/login-key.ts';
import { burnVerifyTime, verifyPassword } from './password.ts';

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
export async function authenticate(prisma: PrismaClient, login: string, password: string): Promise<Caller> {
  const rows = await prisma.$queryRaw<AccountRow[]>`
    SELECT user_id, login, password_hash, customer_id, root_id, licences
      FROM account WHERE login_key = ${loginKey(login)}`;
  const row = rows[0];
  const ok = row ? await verifyPassword(row.password_hash, password) : await burnVerifyTime(password);
  if (!row || !ok) throw new ApiError(ErrorCodes.BAD_LOGIN);
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

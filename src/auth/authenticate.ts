import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { LoginState } from '../store/request-read.ts';
import type { PasswordChecker } from './password.ts';
import { failureKey, TURN_WAIT_MS, type LoginLockout } from './lockout.ts';
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

/** The account row and the login's state, read by the request in one round trip with its record. */
export interface PreRead {
  account: AccountRow | undefined;
  loginState: LoginState;
}

export interface AuthGuard {
  lockout: LoginLockout;
  passwords: PasswordChecker;
  /** Verified credentials (auth/credential-cache.ts): argon2 once per window, successes only. */
  cache: CredentialCache;
  clientIp: string;
}

/**
 * Checks ManagerLoginName / ManagerPassword. An unknown login and a wrong password get the same
 * answer (100) after the same work: a reservation, one argon2 verification, a settlement. A locked
 * login is answered 101 before anything is checked, a cached success too: the cache spares argon2,
 * never the lock.
 *
 * A password is verified only under a reservation (auth/lockout.ts), which keeps concurrent guesses
 * within the threshold. A request that finds every place taken waits for a turn; meanwhile another
 * request may verify the same credential, which it then finds in the cache (a burst of legitimate
 * requests costs a few verifications, not a 101 each), while guesses end up locked.
 */
export async function authenticate(login: string, password: string, guard: AuthGuard, read: PreRead): Promise<Caller> {
  if (read.loginState === 'locked') throw new ApiError(ErrorCodes.LOCKED_OUT);
  const key = failureKey(login);
  const row = read.account;
  const deadline = Date.now() + TURN_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    if (row && guard.cache.isVerified(row.user_id, password, row.password_hash)) {
      // The request stands where its read stood: unlocked then. Failures counted then are reset
      // in the database, which refuses (101) if a concurrent failure has locked the login since.
      if (read.loginState === 'failing' && !(await guard.lockout.recordSuccess(key, false))) throw new ApiError(ErrorCodes.LOCKED_OUT);
      return callerOf(row);
    }
    const turn = await guard.lockout.reserve(key);
    if (turn === 'reserved') break;
    if (turn === 'locked' || Date.now() >= deadline) throw new ApiError(ErrorCodes.LOCKED_OUT);
    await guard.lockout.nextTurn(key, attempt);
  }
  const ok = row ? await guard.passwords.verify(row.password_hash, password) : await guard.passwords.burn(password);
  if (!row || !ok) {
    const locked = await guard.lockout.recordFailure(key, guard.clientIp);
    throw new ApiError(locked ? ErrorCodes.LOCKED_OUT : ErrorCodes.BAD_LOGIN);
  }
  guard.cache.rememberVerified(row.user_id, password, row.password_hash);
  if (!(await guard.lockout.recordSuccess(key, true))) throw new ApiError(ErrorCodes.LOCKED_OUT);
  return callerOf(row);
}

function callerOf(row: AccountRow): Caller {
  return { userId: row.user_id, login: row.login, customerId: row.customer_id, rootId: row.root_id, licences: row.licences };
}

/** Licences compare case-insensitively, like every value the contract does not call case-sensitive. */
export function hasLicence(caller: Caller, licence: string): boolean {
  const wanted = licence.toLowerCase();
  return caller.licences.some((held) => held.toLowerCase() === wanted);
}

export function requireLicence(caller: Caller, licence: string): void {
  if (!hasLicence(caller, licence)) throw new ApiError(ErrorCodes.NO_LICENCE);
}

import { createHash } from 'node:crypto';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { callerOf, type Caller, type PreRead } from './authenticate.ts';

/**
 * The console's signed-in account (docs/CONSOLE.md#sessions). Signing in checks the password once,
 * by authenticate.ts like any request; afterwards the session holds the account and a fingerprint
 * of its password hash, never the password. Each request the console makes reads the account
 * again (in the request's one read statement): a deleted account, or a changed password, ends the
 * session there and then.
 */
export interface SignedInAccount {
  userId: number;
  login: string;
  /** passwordStamp of the account's password hash at sign-in. */
  passwordStamp: string;
}

/** A fingerprint of a password hash: changes with the password, and tells nothing about it. */
export function passwordStamp(passwordHash: string): string {
  return createHash('sha256').update(`console-session:${passwordHash}`).digest('base64url').slice(0, 22);
}

/** The caller a signed-in account acts as, when the account read now is still the one that signed in (else 100). */
export function signedInCaller(read: PreRead, account: Pick<SignedInAccount, 'userId' | 'passwordStamp'>): Caller {
  const row = read.account;
  if (!row || row.user_id !== account.userId || passwordStamp(row.password_hash) !== account.passwordStamp) {
    throw new ApiError(ErrorCodes.BAD_LOGIN);
  }
  return callerOf(row);
}

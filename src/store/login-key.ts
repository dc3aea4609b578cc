/** Logins compare case-insensitively (docs/API.md#accounts); the key is computed here, never in SQL, so
 *  that JavaScript and PostgreSQL never disagree about the lower case of a non-ASCII letter. */
export function loginKey(login: string): string {
  return login.trim().toLowerCase();
}

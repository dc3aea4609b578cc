import type { Database } from '../db/database.ts';
import { passwordStamp, type SignedInAccount } from '../auth/signed-in.ts';
import { deleteSession, readSession, writeSession } from '../store/console-sessions.ts';

/**
 * @fastify/session's store interface over store/console-sessions.ts. Only signed-in sessions are
 * kept (a visitor of the sign-in page leaves no row). A session is returned only while its account
 * exists with the password hash it signed in with: changing the password, or deleting the account,
 * signs every browser of it out at its next request, on every instance.
 */
type Callback = (error?: unknown) => void;
type SessionCallback = (error: unknown, session?: Record<string, unknown> | null) => void;

interface SessionLike {
  account?: SignedInAccount;
  cookie: { expires?: Date | null; originalMaxAge?: number | null };
}

export class ConsoleSessionStore {
  constructor(
    private readonly db: Database,
    private readonly lifetimeMs: number,
  ) {}

  set(sessionId: string, session: SessionLike, callback: Callback): void {
    const account = session.account;
    if (!account) {
      callback();
      return;
    }
    const expires = session.cookie.expires instanceof Date ? session.cookie.expires : new Date(Date.now() + this.lifetimeMs);
    // JSON keeps the session's own fields and its cookie's options (Cookie.toJSON), as the plugin restores them.
    writeSession(this.db, sessionId, account.userId, session, expires).then(() => callback(), callback);
  }

  get(sessionId: string, callback: SessionCallback): void {
    this.#read(sessionId).then((data) => callback(null, data), callback);
  }

  async #read(sessionId: string): Promise<Record<string, unknown> | null> {
    const stored = await readSession(this.db, sessionId);
    const account = stored?.data.account as SignedInAccount | undefined;
    if (stored && account && passwordStamp(stored.passwordHash) === account.passwordStamp) return stored.data;
    // Gone, expired, or its password changed: no session (the browser is signed out), and no row left for it.
    if (stored) await deleteSession(this.db, sessionId);
    return null;
  }

  destroy(sessionId: string, callback: Callback): void {
    deleteSession(this.db, sessionId).then(() => callback(), callback);
  }
}

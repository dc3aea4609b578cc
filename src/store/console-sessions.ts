import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';

/**
 * Console sessions (docs/CONSOLE.md#sessions): one row per signed-in browser, keyed by a hash of
 * the id its cookie carries, read together with the account it belongs to. Any instance accepts a
 * session; signing out, or the account going away, ends it everywhere.
 */
export const sessionKey = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');

export interface StoredSession {
  data: Record<string, unknown>;
  /** The account's password hash now, for the caller to compare with the one the session began with. */
  passwordHash: string;
}

/** The session, when it exists, has not expired, and its account still does. */
export async function readSession(db: Database, sessionId: string): Promise<StoredSession | undefined> {
  const rows = await db.query<{ data: Record<string, unknown>; password_hash: string }>(
    `SELECT s.data, a.password_hash
       FROM console_session s
       JOIN account a ON a.user_id = s.user_id
      WHERE s.session_key = $1 AND s.expires_at > now()`,
    [sessionKey(sessionId)],
  );
  const row = rows[0];
  return row && { data: row.data, passwordHash: row.password_hash };
}

export async function writeSession(db: Database, sessionId: string, userId: number, data: unknown, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO console_session (session_key, user_id, data, expires_at) VALUES ($1, $2::int, $3::jsonb, $4::timestamptz)
     ON CONFLICT (session_key) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
    [sessionKey(sessionId), userId, JSON.stringify(data), expiresAt.toISOString()],
  );
}

export async function deleteSession(db: Database, sessionId: string): Promise<void> {
  await db.query('DELETE FROM console_session WHERE session_key = $1', [sessionKey(sessionId)]);
}

/** Forgets expired sessions (on each sign-in: their number stays that of recent sign-ins). */
export async function deleteExpiredSessions(db: Database): Promise<void> {
  await db.query('DELETE FROM console_session WHERE expires_at <= now()');
}

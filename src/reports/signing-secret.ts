import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';

/**
 * The key that signs ReportPath links (CONTRACT.md §10): OMIS_SECRET when configured; otherwise one
 * generated on first start and kept in the database, so that every instance signs alike.
 */
export async function loadSigningSecret(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db.query(`INSERT INTO setting (key, value) VALUES ('signing_secret', $1) ON CONFLICT (key) DO NOTHING`, [
    randomBytes(32).toString('base64url'),
  ]);
  const rows = await db.query<{ value: string }>(`SELECT value FROM setting WHERE key = 'signing_secret'`);
  return rows[0]!.value;
}

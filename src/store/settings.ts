import { randomBytes } from 'node:crypto';
import type { SqlConnection } from '../db/database.ts';

/**
 * Instance-wide settings kept in the database (`setting`), so that every instance shares them.
 *
 * The signing secret of ReportPath links: OMIS_SECRET when configured; otherwise one generated on
 * first start and kept here, so that every instance signs alike.
 */
export async function loadSigningSecret(db: SqlConnection, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db.query(`INSERT INTO setting (key, value) VALUES ('signing_secret', $1) ON CONFLICT (key) DO NOTHING`, [randomBytes(32).toString('base64url')]);
  const rows = await db.query<{ value: string }>(`SELECT value FROM setting WHERE key = 'signing_secret'`);
  return rows[0]!.value;
}

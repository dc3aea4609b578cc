import type { SqlConnection } from '../db/database.ts';

/**
 * Recipients of jobs. Lookups (docs/API.md#recipient-lookups) compare the normalised keys stored with
 * each recipient: email_key (lower-cased), sms_key (E.164, Taiwan as the default region),
 * extern_ref_key (lower-cased); each is an index probe per job — (job_id, email_key), (job_id,
 * sms_key), (job_id, extern_ref_key) — so a lookup among millions of recipients costs what it costs
 * among thousands. Several criteria together must all match the same recipient.
 */
export interface RecipientRow {
  email_address: string | null;
  sms_number: string | null;
  extern_ref_num: string | null;
  delivery_status: string;
}

export interface RecipientKeys {
  emailKey?: string | undefined;
  smsKey?: string | undefined;
  externRefKey?: string | undefined;
}

/**
 * The lookup statement (exported so a test can EXPLAIN exactly what runs). One job is a plain
 * equality, so the planner takes the (job_id, key) index without a second thought; several jobs
 * are one index probe each through `= ANY`.
 */
export function recipientLookup(jobIds: readonly number[], keys: RecipientKeys, limit: number): { text: string; params: unknown[] } | undefined {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (keys.emailKey !== undefined) conditions.push(`email_key = ${param(keys.emailKey)}`);
  if (keys.smsKey !== undefined) conditions.push(`sms_key = ${param(keys.smsKey)}`);
  if (keys.externRefKey !== undefined) conditions.push(`extern_ref_key = ${param(keys.externRefKey)}`);
  if (conditions.length === 0 || jobIds.length === 0) return undefined;
  const jobCondition = jobIds.length === 1 ? `job_id = ${param(jobIds[0])}::int` : `job_id = ANY(${param(jobIds)}::int[])`;
  return {
    text: `SELECT job_id, email_address, sms_number, extern_ref_num, delivery_status
             FROM recipient
            WHERE ${jobCondition} AND ${conditions.join(' AND ')}
            ORDER BY job_id, recipient_id
            LIMIT ${param(limit)}::int`,
    params,
  };
}

/** The matching recipients of the given jobs, by job, in the order they were added; at most `limit`. */
export async function findRecipients(db: SqlConnection, jobIds: readonly number[], keys: RecipientKeys, limit: number): Promise<Map<number, RecipientRow[]>> {
  const found = new Map<number, RecipientRow[]>();
  const statement = recipientLookup(jobIds, keys, limit);
  if (!statement) return found;
  const rows = await db.query<RecipientRow & { job_id: number }>(statement.text, statement.params);
  for (const { job_id, ...row } of rows) {
    const list = found.get(job_id) ?? [];
    list.push(row);
    found.set(job_id, list);
  }
  return found;
}

/**
 * A job's recipients page by page, in (job_id, recipient_id) order using that index: each page
 * starts after the last key of the one before (keyset pagination), so every page costs the same
 * however deep into the job it is, and at most two pages are held in memory at a time.
 */
export const REPORT_PAGE_SIZE = 1000;

export async function* recipientPages(db: SqlConnection, jobId: number, pageSize = REPORT_PAGE_SIZE): AsyncGenerator<RecipientRow[]> {
  // recipient_id is bigint: carried as text so it never loses precision in JavaScript.
  const page = (after: string) =>
    db.query<RecipientRow & { recipient_id: string }>(
      // Qualified: a bare recipient_id in ORDER BY would name the text output column and sort as text.
      `SELECT r.recipient_id::text AS recipient_id, r.email_address, r.sms_number, r.extern_ref_num, r.delivery_status
         FROM recipient r
        WHERE r.job_id = $1::int AND r.recipient_id > $2::bigint
        ORDER BY r.job_id, r.recipient_id
        LIMIT $3::int`,
      [jobId, after, pageSize],
    );
  let next = page('0');
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const more = rows.length === pageSize;
    // The next page is asked for before this one is handed out, so that the database works while
    // this page is written to the client; at most two pages are held at once.
    if (more) next = page(rows[rows.length - 1]!.recipient_id);
    try {
      yield rows;
    } finally {
      // A client gone mid-report: the page asked for in advance is dropped, its error unheard.
      if (more) next.catch(() => {});
    }
    if (!more) return;
  }
}

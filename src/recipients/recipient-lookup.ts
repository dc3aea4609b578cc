import { Prisma } from '../generated/prisma/client.ts';
import type { RecipientView } from '../render/task-response.ts';
import type { RecipientFilter } from '../tasks/intent.ts';
import type { Db } from '../tasks/task-store.ts';

/**
 * Recipient lookups (CONTRACT.md §6) within given jobs: by EmailAddress (email_key, lower-cased), by
 * SMSNumber (sms_key, E.164 with Taiwan as the default region), by ExternRefNum (extern_ref_key,
 * lower-cased). Each is an index
 * probe per job — (job_id, email_key), (job_id, sms_key), (job_id, extern_ref_key) — so a lookup
 * among millions of recipients costs what it costs among thousands. Several criteria together must
 * all match the same recipient.
 */

/** An answer names at most this many recipients; the full list is the job's ReportPath. */
export const MAX_RECIPIENTS_PER_ANSWER = 1000;

interface RecipientRow {
  job_id: number;
  email_address: string | null;
  sms_number: string | null;
  extern_ref_num: string | null;
  delivery_status: string;
}

export function recipientView(row: Omit<RecipientRow, 'job_id'>): RecipientView {
  return {
    emailAddress: row.email_address ?? '',
    smsNumber: row.sms_number ?? '',
    externRefNum: row.extern_ref_num ?? '',
    deliveryStatus: row.delivery_status,
  };
}

/**
 * The lookup statement (exported so a test can EXPLAIN exactly what runs). One job is a plain
 * equality, so the planner takes the (job_id, key) index without a second thought; several jobs
 * are one index probe each through `= ANY`.
 */
export function recipientLookupSql(jobIds: number[], filter: RecipientFilter, limit: number): Prisma.Sql | undefined {
  const conditions: Prisma.Sql[] = [];
  if (filter.emailKey !== undefined) conditions.push(Prisma.sql`email_key = ${filter.emailKey}`);
  if (filter.smsKey !== undefined) conditions.push(Prisma.sql`sms_key = ${filter.smsKey}`);
  if (filter.externRefKey !== undefined) conditions.push(Prisma.sql`extern_ref_key = ${filter.externRefKey}`);
  if (conditions.length === 0 || jobIds.length === 0) return undefined;
  const jobCondition = jobIds.length === 1 ? Prisma.sql`job_id = ${jobIds[0]}::int` : Prisma.sql`job_id = ANY(${jobIds}::int[])`;
  return Prisma.sql`
    SELECT job_id, email_address, sms_number, extern_ref_num, delivery_status
      FROM recipient
     WHERE ${jobCondition} AND ${Prisma.join(conditions, ' AND ')}
     ORDER BY job_id, recipient_id
     LIMIT ${limit}::int`;
}

/** The matching recipients of the given jobs, by job, in the order they were added. */
export async function findRecipients(
  db: Db,
  jobIds: number[],
  filter: RecipientFilter,
  limit = MAX_RECIPIENTS_PER_ANSWER,
): Promise<Map<number, RecipientView[]>> {
  const found = new Map<number, RecipientView[]>();
  const sql = recipientLookupSql(jobIds, filter, limit);
  if (!sql) return found;
  const rows = await db.$queryRaw<RecipientRow[]>(sql);
  for (const row of rows) {
    const list = found.get(row.job_id) ?? [];
    list.push(recipientView(row));
    found.set(row.job_id, list);
  }
  return found;
}

import type { Database } from '../db/database.ts';

/**
 * A job's recipients page by page, in (job_id, recipient_id) order using that index: each page
 * starts after the last key of the one before (keyset pagination), so every page costs the same
 * however deep into the job it is, and at most one page is held in memory at a time.
 */
export const REPORT_PAGE_SIZE = 1000;

export interface RecipientReportRow {
  recipient_id: string;
  email_address: string | null;
  sms_number: string | null;
  extern_ref_num: string | null;
  delivery_status: string;
}

export async function* recipientPages(db: Database, jobId: number, pageSize = REPORT_PAGE_SIZE): AsyncGenerator<RecipientReportRow[]> {
  // recipient_id is bigint: carried as text so it never loses precision in JavaScript.
  const page = (after: string) =>
    db.query<RecipientReportRow>(
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
    // this page is written to the client (issue 6: rows/s); at most two pages are held at once.
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

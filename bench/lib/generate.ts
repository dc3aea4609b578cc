/** One connection without the app's query timeout: loading millions of rows takes minutes. */
export interface Loader {
  query<Row = unknown>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/**
 * Data for the large cases, made inside PostgreSQL with generate_series (no rows cross the wire),
 * in the shapes the app writes: email_key lower-cased, sms_key in E.164, as recipient-keys.ts does.
 * Owner of everything: acme-mkt (1002) of the bench seed.
 */
export const OWNER_ID = 1002;

export async function createLaunch(db: Loader, launchId: number, name: string): Promise<void> {
  await db.query(
    `INSERT INTO launch (launch_id, owner_id, name, status, error_code, launch_count, expire_time)
     VALUES ($1::int, $2::int, $3, 3, 0, 1, '2027-06-30 18:00:00+08')`,
    [launchId, OWNER_ID, name],
  );
}

/** A launch with `count` jobs, IDs firstJobId.. in order, of mixed types and states. */
export async function createJobs(db: Loader, launchId: number, firstJobId: number, count: number): Promise<void> {
  await db.query(
    `INSERT INTO job (job_id, launch_id, job_type, status, error_code, cost)
     SELECT $2::int + g, $1::int, CASE WHEN g % 3 = 0 THEN 'SMS' ELSE 'EMAIL' END, g % 9,
            CASE WHEN g % 17 = 0 THEN -2 ELSE 0 END, 10 + g % 50
       FROM generate_series(0, $3::int - 1) AS g`,
    [launchId, firstJobId, count],
  );
}

/**
 * `count` recipients of one job: user<N>@example.com (mixed case in the address, lower in the
 * key), a Taiwanese mobile number 09xxxxxxxx (key +8869xxxxxxxx) and ExternRefNum R-<N> (key r-<N>).
 * Inserted in slices so that one statement never holds millions of rows in memory.
 */
export async function createRecipients(db: Loader, jobId: number, count: number, onProgress?: (done: number) => void): Promise<void> {
  const slice = 1_000_000;
  for (let start = 0; start < count; start += slice) {
    const end = Math.min(count, start + slice) - 1;
    await db.query(
      `INSERT INTO recipient (job_id, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, delivery_status)
       SELECT $1::int, 'User' || g || '@Example.com', 'user' || g || '@example.com',
              '09' || lpad((g % 100000000)::text, 8, '0'), '+8869' || lpad((g % 100000000)::text, 8, '0'),
              'R-' || g, 'r-' || g, (ARRAY['PENDING', 'SENT', 'OPENED', 'BOUNCED'])[1 + g % 4]
         FROM generate_series($2::int, $3::int) AS g`,
      [jobId, start, end],
    );
    onProgress?.(end + 1);
  }
}

/**
 * Bulk loading with the recipient indexes dropped and rebuilt afterwards (sorted index builds are
 * many times faster than row-by-row maintenance); the indexes are recreated from their own
 * definitions, so the schema ends exactly as the migrations made it.
 */
export async function withoutRecipientIndexes(db: Loader, load: () => Promise<void>): Promise<void> {
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'recipient' AND indexname <> 'recipient_pkey'`,
  );
  for (const { indexname } of indexes) await db.query(`DROP INDEX "${indexname}"`);
  try {
    await load();
  } finally {
    await db.query(`SET maintenance_work_mem = '256MB'`);
    for (const { indexdef } of indexes) await db.query(indexdef);
    await db.query('ANALYZE recipient');
  }
}

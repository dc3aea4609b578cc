import type { Database } from '../db/database.ts';
import type { InjectedAnswer } from './sandbox.ts';

/**
 * The request journal's table (docs/CONSOLE.md#request-journal). Rows are written in batches, one
 * statement each, off the request path; the account a row belongs to is found by its login as the
 * batch is written. A manager reads the rows of the accounts at or below it; rows whose login is no
 * account are read by the command line only.
 */
/** One parameter as the journal keeps it (its value already free of secrets). */
export interface JournalParam {
  name: string;
  value: string;
  source: 'query' | 'form' | 'xml';
  /** The value the page used. */
  used: boolean;
}

/** A row to write. */
export interface JournalRow {
  at: Date;
  /** The login's key (store/login-key.ts), by which the row finds its account. */
  loginKey: string | null;
  login: string | null;
  clientIp: string;
  method: string;
  contentType: string | null;
  httpStatus: number;
  errorCode: number | null;
  durationMs: number;
  params: JournalParam[];
  xmlSource: string | null;
  injected: InjectedAnswer | null;
  answer: string;
}

/** A row as read. */
export interface JournalEntry {
  journal_id: string;
  at: Date;
  account_id: number | null;
  login: string | null;
  client_ip: string;
  method: string;
  content_type: string | null;
  http_status: number;
  error_code: number | null;
  duration_ms: number;
  params: JournalParam[];
  xml_source: string | null;
  injected: InjectedAnswer | null;
  answer: string;
}

export interface JournalFilter {
  /** Only rows of accounts at or below this one; undefined: every row (the command line). */
  viewerId?: number | undefined;
  /** Compared case-insensitively, like logins. */
  login?: string | undefined;
  errorCode?: number | undefined;
  /** Only rows newer than this journal_id (following the journal). */
  afterId?: string | undefined;
  limit: number;
}

/**
 * Writes a batch of rows in one statement. The batch travels as one JSON document (one native
 * JSON.stringify, read by json_to_recordset), which costs the server less than a column array each.
 */
export async function insertJournalRows(db: Database, rows: readonly JournalRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO request_journal (at, account_id, login, client_ip, method, content_type, http_status, error_code, duration_ms, params, xml_source, injected, answer)
     SELECT r.at, a.user_id, r.login, r.client_ip, r.method, r.content_type, r.http_status, r.error_code, r.duration_ms, r.params, r.xml_source, r.injected, r.answer
       FROM ROWS FROM (json_to_recordset($1::json) AS (at timestamptz, login_key text, login text, client_ip text, method text, content_type text,
              http_status int, error_code int, duration_ms real, params json, xml_source text, injected jsonb, answer text))
            WITH ORDINALITY AS r (at, login_key, login, client_ip, method, content_type, http_status, error_code, duration_ms, params, xml_source, injected, answer, i)
       LEFT JOIN account a ON a.login_key = r.login_key
      ORDER BY r.i`,
    [JSON.stringify(rows.map(journalRecord))],
  );
}

/** A row as json_to_recordset reads it (column names as the statement lists them). */
function journalRecord(row: JournalRow) {
  return {
    at: row.at,
    login_key: row.loginKey,
    login: row.login,
    client_ip: row.clientIp,
    method: row.method,
    content_type: row.contentType,
    http_status: row.httpStatus,
    error_code: row.errorCode,
    duration_ms: row.durationMs,
    params: row.params,
    xml_source: row.xmlSource,
    injected: row.injected,
    answer: row.answer,
  };
}

/**
 * Keeps the newest `maxRows` rows and none older than `retentionHours`; returns how many went. The
 * space they held is given back at once with a VACUUM of the table: the journal deletes as fast as
 * it inserts, so without one its table is mostly dead rows, and autovacuum may be off or far behind
 * (on a server with it off the table reached 234 MB for its 10,000 rows, and every prune scanned all
 * of it). The vacuum (1–30 ms for 10,000 rows) lets reads and inserts go on, but for a moment at
 * its end when it gives empty pages back to the file system; SKIP_LOCKED leaves the table to another
 * instance already vacuuming it. Without ownership of the table PostgreSQL skips it with a warning,
 * and the space waits for autovacuum.
 */
export async function pruneJournal(db: Database, maxRows: number, retentionHours: number): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM request_journal
        WHERE journal_id <= (SELECT max(journal_id) FROM request_journal) - $1::bigint
           OR at < now() - make_interval(hours => $2::int)
        RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [maxRows, retentionHours],
  );
  const pruned = rows[0]?.n ?? 0;
  if (pruned > 0) await db.exec('VACUUM (SKIP_LOCKED) request_journal');
  return pruned;
}

/** The newest rows first. */
export async function listJournal(db: Database, filter: JournalFilter): Promise<JournalEntry[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  let tree = '';
  if (filter.viewerId !== undefined) tree = `JOIN account_closure c ON c.ancestor_id = ${param(filter.viewerId)}::int AND c.descendant_id = j.account_id`;
  if (filter.login !== undefined) where.push(`lower(j.login) = lower(${param(filter.login.trim())})`);
  if (filter.errorCode !== undefined) where.push(`j.error_code = ${param(filter.errorCode)}::int`);
  if (filter.afterId !== undefined) where.push(`j.journal_id > ${param(filter.afterId)}::bigint`);
  return db.query<JournalEntry>(
    `SELECT j.journal_id::text, j.at, j.account_id, j.login, j.client_ip, j.method, j.content_type, j.http_status, j.error_code,
            j.duration_ms, j.params, j.xml_source, j.injected, j.answer
       FROM request_journal j ${tree}
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY j.journal_id DESC
      LIMIT ${param(filter.limit)}::int`,
    params,
  );
}

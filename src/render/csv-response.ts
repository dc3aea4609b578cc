import type { Readable } from 'node:stream';
import { streamOf } from './stream-body.ts';
import type { JobView, LaunchView, RecipientView, Answer } from './answer.ts';
import { wellFormed } from './well-formed.ts';

/**
 * The CSV answer (docs/API.md#csv-answer): a header row, then one row per launch, job and recipient, told
 * apart by RecordType. Columns are contract, in this order. An error is one row with ErrorCode,
 * ErrorMSG and the IDs the request gave (RecordType empty: it is no record).
 *
 * Every row repeats ErrorCode and ErrorMSG, and the IDs of the records above it (a job row carries
 * its LaunchID, a recipient row its LaunchID, JobID and JobType), so that each row can be read
 * alone, e.g. after sorting in a spreadsheet.
 */
export const CSV_COLUMNS = [
  'ErrorCode',
  'ErrorMSG',
  'RecordType',
  'LaunchID',
  'JobID',
  'UserID',
  'CustomerID',
  'LaunchName',
  'JobType',
  'STATUS',
  'ERRORCODE',
  'LAUNCHCOUNT',
  'StatusText',
  'ExpireTime',
  'ReportPath',
  'EmailAddress',
  'SMSNumber',
  'ExternRefNum',
  'DeliveryStatus',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRow = Partial<Record<CsvColumn, string | number>>;

export const UTF8_BOM = '\uFEFF';

// A number as the page writes numbers (ERRORCODE -1 and -2 among them) is no formula.
const PLAIN_NUMBER = /^-?\d+$/;
// What a spreadsheet may take for the start of a formula or a DDE call: = + - @, tab and CR, also
// after leading spaces, and the full-width forms East Asian input methods produce.
const FORMULA_START = /^[\s]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

// Control characters other than tab and line breaks have no place in a cell (and some CSV readers
// stop at NUL); lone surrogates cannot be written as UTF-8.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function cleanCell(value: string): string {
  return wellFormed(value.replace(CONTROL, ''));
}

/** A cell that no spreadsheet will evaluate: a leading apostrophe when it could start a formula. */
export function neutraliseCell(raw: string): string {
  const value = cleanCell(raw);
  if (PLAIN_NUMBER.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function launchRow(response: Answer, launch: LaunchView): CsvRow {
  return {
    RecordType: 'LAUNCH',
    LaunchID: launch.launchId,
    UserID: launch.userId,
    CustomerID: response.customerId,
    LaunchName: launch.launchName,
    STATUS: launch.status,
    ERRORCODE: launch.errorCode,
    LAUNCHCOUNT: launch.launchCount,
    StatusText: launch.statusText,
    ExpireTime: launch.expireTime,
  };
}

function jobRow(response: Answer, launch: LaunchView, job: JobView): CsvRow {
  return {
    RecordType: 'JOB',
    LaunchID: job.launchId,
    JobID: job.jobId,
    UserID: launch.userId,
    CustomerID: response.customerId,
    JobType: job.jobType,
    STATUS: job.status,
    ERRORCODE: job.errorCode,
    StatusText: job.statusText,
    ReportPath: job.reportPath,
  };
}

function recipientRow(response: Answer, launch: LaunchView, job: JobView, recipient: RecipientView): CsvRow {
  return {
    RecordType: 'RECIPIENT',
    LaunchID: job.launchId,
    JobID: job.jobId,
    UserID: launch.userId,
    CustomerID: response.customerId,
    JobType: job.jobType,
    EmailAddress: recipient.emailAddress,
    SMSNumber: recipient.smsNumber,
    ExternRefNum: recipient.externRefNum,
    DeliveryStatus: recipient.deliveryStatus,
  };
}

/**
 * The rows of an answer as records, before cells are neutralised and written: the model of the CSV
 * answer. csvAnswerLines writes an error row from it, and writes job and recipient rows to the same
 * text without making these objects (a template per kind); the tests compare the two, and the text
 * with fast-csv's (test/render/csv-line.test.ts).
 */
export function* csvRows(response: Answer): Generator<CsvRow> {
  const status = { ErrorCode: response.errorCode, ErrorMSG: response.errorMsg };
  const { launch } = response;
  if (response.errorCode !== 0 || !launch) {
    yield { ...status, RecordType: '', LaunchID: response.launchId, JobID: response.jobId, UserID: response.userId, CustomerID: response.customerId };
    return;
  }
  yield { ...status, ...launchRow(response, launch) };
  for (const job of launch.jobs) {
    yield { ...status, ...jobRow(response, launch, job) };
    for (const recipient of job.recipients) yield { ...status, ...recipientRow(response, launch, job, recipient) };
  }
}

// Cells holding one of these are quoted (as fast-csv does with this module's former options, `|` included).
const NEEDS_QUOTES = /[",\r\n|]/;
const QUOTE = /"/g;

/** A cell as a line holds it: quoted when it holds a quote (doubled), a comma, a line break or `|`. */
const quoteCell = (cell: string) => (NEEDS_QUOTES.test(cell) ? `"${cell.replace(QUOTE, '""')}"` : cell);

/**
 * One CSV line, CRLF-terminated (RFC 4180), cells quoted as quoteCell says: byte for byte what
 * fast-csv writes (test/render/csv-line.test.ts checks it against fast-csv). Written by hand, with
 * lineOver below, because rows are the inner loop of a million-row report (docs/PERFORMANCE.md).
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(quoteCell).join(',')}\r\n`;
}

/** A row's cells in the contract's column order, neutralised. */
export const csvCells = (row: CsvRow): string[] => CSV_COLUMNS.map((column) => neutraliseCell(String(row[column] ?? '')));

export const CSV_HEADER_LINE = csvLine(CSV_COLUMNS);

const COLUMN_INDEX = new Map(CSV_COLUMNS.map((column, index) => [column, index]));

/**
 * The columns that change from one job row (one recipient row) to the next, in column order, and
 * their values. The others (ErrorCode, ErrorMSG, RecordType, UserID, CustomerID, and the columns a
 * kind leaves empty) are the same in every row of that kind of one answer: they are neutralised,
 * quoted and joined once per answer, not 10,000 times, so that a row costs only its own cells —
 * less garbage per row keeps a large answer's memory down (docs/PERFORMANCE.md).
 */
const JOB_OWN: readonly CsvColumn[] = ['LaunchID', 'JobID', 'JobType', 'STATUS', 'ERRORCODE', 'StatusText', 'ReportPath'];
const jobOwnValues = (job: JobView) => [job.launchId, job.jobId, job.jobType, job.status, job.errorCode, job.statusText, job.reportPath];
const RECIPIENT_OWN: readonly CsvColumn[] = ['LaunchID', 'JobID', 'JobType', 'EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus'];
const recipientOwnValues = (job: JobView, recipient: RecipientView) => [
  job.launchId,
  job.jobId,
  job.jobType,
  recipient.emailAddress,
  recipient.smsNumber,
  recipient.externRefNum,
  recipient.deliveryStatus,
];

/**
 * The line of a row that shares all cells but `own` with `shared` (already neutralised): the text
 * between the own cells is made once, so a line is its own cells and a few concatenations.
 * The returned function gives the line of the row whose own columns hold `values` (in column order):
 * csvLine of `shared` with those cells set, neutralised. Used for the job and recipient rows here
 * and by recipientLines.
 */
export function lineOver(shared: readonly string[], own: readonly CsvColumn[]): (values: ReadonlyArray<string | number | undefined>) => string {
  const positions = own.map((column) => COLUMN_INDEX.get(column)!);
  if (positions.some((position, i) => i > 0 && position <= positions[i - 1]!)) throw new Error('lineOver: own columns must be given in column order');
  const ownAt = new Set(positions);
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < shared.length; i++) {
    if (i > 0) segment += ',';
    if (ownAt.has(i)) {
      segments.push(segment);
      segment = '';
    } else {
      segment += quoteCell(shared[i]!);
    }
  }
  const last = `${segment}\r\n`;
  return (values) => {
    let line = '';
    for (let i = 0; i < segments.length; i++) line += segments[i]! + quoteCell(neutraliseCell(String(values[i] ?? '')));
    return line + last;
  };
}

const NO_RECIPIENT: RecipientView = { emailAddress: '', smsNumber: '', externRefNum: '', deliveryStatus: '' };
const RECIPIENT_CELLS: readonly CsvColumn[] = ['EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus'];

/**
 * The line of each recipient row of one job of an answer, for the million recipient rows of a job's
 * report (routes/report.ts): the job's cells are made once, per row only the recipient's four.
 * The same text as the recipient rows of csvAnswerLines (the same row, the same lineOver).
 */
export function recipientLines(response: Answer, launch: LaunchView, job: JobView): (recipient: RecipientView) => string {
  const line = lineOver(csvCells({ ErrorCode: response.errorCode, ErrorMSG: response.errorMsg, ...recipientRow(response, launch, job, NO_RECIPIENT) }), RECIPIENT_CELLS);
  return (recipient) => line([recipient.emailAddress, recipient.smsNumber, recipient.externRefNum, recipient.deliveryStatus]);
}

/** The lines of an answer's rows: csvLine(csvCells(row)) for each row of csvRows, the shared cells of job and recipient rows made once. */
export function* csvAnswerLines(response: Answer): Generator<string> {
  const { launch } = response;
  if (response.errorCode !== 0 || !launch) {
    for (const row of csvRows(response)) yield csvLine(csvCells(row));
    return;
  }
  const status = { ErrorCode: response.errorCode, ErrorMSG: response.errorMsg };
  yield csvLine(csvCells({ ...status, ...launchRow(response, launch) }));
  let jobLine: ReturnType<typeof lineOver> | undefined;
  let recipientLine: ReturnType<typeof lineOver> | undefined;
  for (const job of launch.jobs) {
    jobLine ??= lineOver(csvCells({ ...status, ...jobRow(response, launch, job) }), JOB_OWN);
    yield jobLine(jobOwnValues(job));
    for (const recipient of job.recipients) {
      recipientLine ??= lineOver(csvCells({ ...status, ...recipientRow(response, launch, job, recipient) }), RECIPIENT_OWN);
      yield recipientLine(recipientOwnValues(job, recipient));
    }
  }
}

/** The lines of a CSV answer: optional BOM and the header, then one line per row. */
export function* csvDocument(response: Answer, options: { bom?: boolean } = {}): Generator<string> {
  yield (options.bom ? UTF8_BOM : '') + CSV_HEADER_LINE;
  yield* csvAnswerLines(response);
}

/** The answer as CSV text (RFC 4180: CRLF rows, quotes where needed), optionally with a UTF-8 BOM. */
export async function renderCsv(response: Answer, options: { bom?: boolean } = {}): Promise<string> {
  return [...csvDocument(response, options)].join('');
}

/**
 * The same text as renderCsv, as a stream whose rows are formatted as the client reads them, for
 * answers too large to build as one string (render/stream-body.ts).
 */
export function csvStream(response: Answer, options: { bom?: boolean } = {}): Readable {
  return streamOf(csvDocument(response, options));
}

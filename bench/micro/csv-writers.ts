// Micro-measurement (docs/PERFORMANCE.md): the job report's recipient rows formatted by the
// project's CSV writer and by fast-csv, rows/s of each, in one process, no database.
// Run: npx tsx bench/micro/csv-writers.ts [--rows=200000] [--rounds=5]
//
// The rule: one CSV writer, fast-csv, unless fast-csv misses the report's target (>= 100,000 rows/s
// with flat memory, and the report also pays for the database and the socket). Both writers get the
// same pages of recipient rows as the store hands them to the report (1,000 a page), hostile cells
// among them, and both end in bytes streamed page by page:
//   own      — reportText of routes/report.ts (the report's code apart from the database), its page
//              chunks through Readable.from as the route sends them, encoded to UTF-8;
//   fast-csv — fast-csv's format stream with the options of its test oracle
//              (test/render/csv-line.test.ts), fed the rows' cell arrays (the shared cells
//              neutralised once, the recipient's four per row) through Readable.from.
// Rounds alternate (own, fast-csv, own, ...) after a warm-up of each, so that the machine's drift
// hits both alike; the medians are compared. The two outputs must be byte-identical, or it exits 1.
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { format } from 'fast-csv';
import { CSV_COLUMNS, csvCells, csvRows, neutraliseCell, UTF8_BOM } from '../../src/render/csv-response.ts';
import { reportText } from '../../src/routes/report.ts';
import { REPORT_PAGE_SIZE, type RecipientRow } from '../../src/store/recipients.ts';
import { reportPathFor } from '../../src/tasks/report-link.ts';
import { jobView, launchView, recipientView, recordAnswer } from '../../src/tasks/views.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
const N = Number(values.rows);
const ROUNDS = Number(values.rounds);

const launch = { launch_id: 5001, owner_id: 1002, customer_id: 'ACME', name: '週年慶 Newsletter', status: 2, error_code: 0, launch_count: 1, expire_time: new Date('2026-12-31T15:59:59Z') };
const job = { job_id: 9001, launch_id: 5001, job_type: 'EMAIL', status: 6, error_code: 0, cost: 1, points_charged: 0, paused_by_launch: false };
const record = { launch, job };
const settings = { timeZone: 'Asia/Taipei', reportPath: (id: number) => reportPathFor('secret-0123456789abcdef', id, 3600) };

const STATUSES = ['SENT', 'PENDING', 'BOUNCED', 'sent', 'FAILED'];
/** Recipient row i as the store reads it: mostly plain, one in ten needing quotes or an apostrophe. */
function recipient(i: number): RecipientRow {
  const n = String(i).padStart(9, '0');
  const hostile = i % 10 === 0;
  return {
    email_address: i % 7 === 3 ? null : hostile ? (i % 20 === 0 ? `=HYPERLINK("http://evil/${i}")` : `"Chen, Da-Wen" <${i}@example.com.tw>`) : i % 5 === 0 ? `陳大文${i}@例子.台灣` : `recipient-${n}@a-rather-long-example-domain.com.tw`,
    sms_number: i % 3 === 0 ? null : i % 2 === 0 ? `+8869${n.slice(1)}` : `09${n.slice(1)}`,
    extern_ref_num: hostile ? (i % 20 === 0 ? `-${i}+1` : `R,"${i}"`) : i % 11 === 0 ? null : `REF-${n}`,
    delivery_status: STATUSES[i % STATUSES.length]!,
  };
}
const pages: RecipientRow[][] = [];
for (let start = 0; start < N; start += REPORT_PAGE_SIZE) pages.push(Array.from({ length: Math.min(REPORT_PAGE_SIZE, N - start) }, (_, k) => recipient(start + k)));

/** The project's writer: the report's head and page chunks, as the route streams them. */
async function own(): Promise<Buffer[]> {
  const text = reportText(record, settings);
  async function* chunks(): AsyncGenerator<string> {
    yield text.head;
    for (const page of pages) yield text.page(page);
  }
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks(), { objectMode: false, encoding: 'utf8' })) out.push(Buffer.from(chunk as string, 'utf8'));
  return out;
}

/** fast-csv: the same document through its format stream, with the test oracle's options. */
async function fastCsv(): Promise<Buffer[]> {
  const view = jobView(job, settings);
  const response = recordAnswer(launch, launchView(launch, [view], settings), view);
  // The cells every recipient row shares, neutralised once: the last row of the answer model with one empty recipient.
  const withOneRecipient = { ...response, launch: { ...response.launch!, jobs: [{ ...view, recipients: [recipientView({ email_address: null, sms_number: null, extern_ref_num: null, delivery_status: '' })] }] } };
  const shared = csvCells([...csvRows(withOneRecipient)].at(-1)!);
  const [email, sms, ref, status] = (['EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus'] as const).map((column) => CSV_COLUMNS.indexOf(column));
  function* rows(): Generator<string[]> {
    yield* [...csvRows(response)].map(csvCells);
    for (const page of pages) {
      for (const row of page) {
        const r = recipientView(row);
        const cells = shared.slice();
        cells[email!] = neutraliseCell(r.emailAddress);
        cells[sms!] = neutraliseCell(r.smsNumber);
        cells[ref!] = neutraliseCell(r.externRefNum);
        cells[status!] = neutraliseCell(r.deliveryStatus);
        yield cells;
      }
    }
  }
  const out: Buffer[] = [Buffer.from(UTF8_BOM, 'utf8')];
  const stream = Readable.from(rows()).pipe(format({ rowDelimiter: '\r\n', includeEndRowDelimiter: true, headers: [...CSV_COLUMNS] }));
  for await (const chunk of stream) out.push(chunk as Buffer);
  return out;
}

const writers = { own, 'fast-csv': fastCsv } as const;
type Name = keyof typeof writers;

async function timed(name: Name): Promise<{ rowsPerSecond: number; bytes: Buffer }> {
  const started = performance.now();
  const out = await writers[name]();
  const seconds = (performance.now() - started) / 1000;
  return { rowsPerSecond: N / seconds, bytes: Buffer.concat(out) };
}

function sameBytes(a: Buffer, b: Buffer): void {
  if (a.equals(b)) return;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  console.error(`FAIL: the writers' outputs differ (${a.length} and ${b.length} bytes), first at byte ${at}:`);
  console.error('  own:     ', JSON.stringify(a.subarray(Math.max(0, at - 60), at + 60).toString('utf8')));
  console.error('  fast-csv:', JSON.stringify(b.subarray(Math.max(0, at - 60), at + 60).toString('utf8')));
  process.exit(1);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`Job report rows: own writer vs fast-csv, ${fmt(N)} recipient rows, ${ROUNDS} alternated rounds each (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
const warm = { own: await timed('own'), 'fast-csv': await timed('fast-csv') };
sameBytes(warm.own.bytes, warm['fast-csv'].bytes);
console.log(`warm-up: own ${fmt(warm.own.rowsPerSecond)} rows/s, fast-csv ${fmt(warm['fast-csv'].rowsPerSecond)} rows/s; outputs byte-identical (${fmt(warm.own.bytes.length)} bytes)`);

const figures: Record<Name, number[]> = { own: [], 'fast-csv': [] };
for (let round = 1; round <= ROUNDS; round++) {
  const order: Name[] = round % 2 ? ['own', 'fast-csv'] : ['fast-csv', 'own'];
  const results = {} as Record<Name, { rowsPerSecond: number; bytes: Buffer }>;
  for (const name of order) results[name] = await timed(name);
  sameBytes(results.own.bytes, results['fast-csv'].bytes);
  for (const name of order) figures[name].push(results[name].rowsPerSecond);
  console.log(`round ${round}: own ${fmt(results.own.rowsPerSecond)} rows/s, fast-csv ${fmt(results['fast-csv'].rowsPerSecond)} rows/s`);
}
const ownMedian = median(figures.own);
const fastMedian = median(figures['fast-csv']);
console.log(`median: own ${fmt(ownMedian)} rows/s, fast-csv ${fmt(fastMedian)} rows/s; own / fast-csv = ${(ownMedian / fastMedian).toFixed(2)}×`);
console.log(`target 100,000 rows/s (the report also pays for the database and the socket): fast-csv ${fastMedian >= 200_000 ? 'reaches it with 2× to spare' : fastMedian >= 100_000 ? 'reaches it, without 2× to spare' : 'misses it'}`);

// Micro-measurement (docs/PERFORMANCE.md): formatting report rows without the database, rows/s.
// Run: npx tsx bench/micro/report-rows.ts
import { csvCells, csvLine, neutraliseCell, CSV_COLUMNS } from '../../src/render/csv-response.ts';
import { recipientView } from '../../src/recipients/recipient-lookup.ts';
const N = 200000;
const rows = Array.from({ length: N }, (_, g) => ({ recipient_id: String(g), email_address: `User${g}@Example.com`, sms_number: '0912345678', extern_ref_num: `R-${g}`, delivery_status: 'SENT' }));
const base = csvCells({ ErrorCode: 0, RecordType: 'RECIPIENT', LaunchID: 5600, JobID: 700000, UserID: 1002, CustomerID: 'ACME', JobType: 'EMAIL' });
const idx = ['EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus'].map((c) => CSV_COLUMNS.indexOf(c as never));
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now();
  let total = 0;
  let chunk = '';
  for (let i = 0; i < N; i++) {
    const v = recipientView(rows[i]!);
    const cells = base.slice();
    cells[idx[0]!] = neutraliseCell(v.emailAddress); cells[idx[1]!] = neutraliseCell(v.smsNumber); cells[idx[2]!] = neutraliseCell(v.externRefNum); cells[idx[3]!] = neutraliseCell(v.deliveryStatus);
    chunk += csvLine(cells);
    if (i % 1000 === 999) { total += Buffer.byteLength(chunk); chunk = ''; }
  }
  console.log('rows/s', Math.round(N / ((performance.now() - t) / 1000)), total);
}

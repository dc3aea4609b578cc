// Micro-measurement (docs/CONSOLE.md#what-the-journal-costs): the journal's work per request beside
// the request path — turning one query's entry into its row, and that row into the batch's JSON —
// µs per entry, in one process.
// Run: npx tsx bench/micro/journal-entry.ts
import { answerRecord } from '../../src/tasks/record-answer.ts';
import { reportPathFor } from '../../src/tasks/report-link.ts';
import { renderXml } from '../../src/render/xml-response.ts';
import { pageRequestFromFields } from '../../src/request/page-request.ts';
import { toJournalRow, type PendingEntry } from '../../src/tasks/journal-entry.ts';

const launch = { launch_id: 5001, owner_id: 1002, customer_id: 'ACME', name: 'Newsletter', status: 1, error_code: 0, launch_count: 0, expire_time: new Date('2026-12-31T15:59:59Z') };
const jobs = [9001, 9002, 9003].map((job_id) => ({ job_id, launch_id: 5001, job_type: 'EMAIL', status: 6, error_code: 0, cost: 1, points_charged: 0, paused_by_launch: false }));
const settings = { timeZone: 'Asia/Taipei', reportPath: (id: number) => reportPathFor('secret-0123456789abcdef', id, 3600) };
const noDb = { query: async () => [], exec: async () => {} };
const answer = await answerRecord(noDb, { launch, jobs }, undefined, settings);
const page = pageRequestFromFields(
  [
    ['ManagerLoginName', 'acme-mkt'],
    ['ManagerPassword', 'mkt-pass'],
    ['LaunchID', '5001'],
  ],
  { clientIp: '127.0.0.1', via: 'api' },
  { allowedMethods: ['GET', 'POST'], redirectHosts: [], defaultReturnType: 'XML', timeZone: 'Asia/Taipei', fileBytes: 1, bodyBytes: 1, maxBytes: 1, fetchUrl: async () => Buffer.alloc(0) },
);
const entry: PendingEntry = {
  atMs: Date.now(),
  clientIp: '127.0.0.1',
  method: 'GET',
  contentType: undefined,
  httpStatus: 200,
  durationMs: 1.5,
  location: undefined,
  outcome: { page, answer, body: renderXml(answer) },
};

function time(label: string, n: number, f: () => unknown) {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(label.padEnd(34), (((performance.now() - t) / n) * 1000).toFixed(2), 'µs');
}
time('toJournalRow (3 jobs)', 20000, () => toJournalRow(entry));
const row = toJournalRow(entry);
time('JSON of the row', 20000, () => JSON.stringify(row));

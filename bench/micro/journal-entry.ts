// Micro-measurement (docs/CONSOLE.md#what-the-journal-costs): turning one query's journal entry into
// its row, µs per entry, in one process — the journal's CPU beside the request path.
// Run: npx tsx bench/micro/journal-entry.ts
import { parseUrlEncoded } from '../../src/request/aspnet-decode.ts';
import { ParamBag } from '../../src/request/param-bag.ts';
import { launchAnswer } from '../../src/tasks/query-task.ts';
import { ReportPathCache } from '../../src/reports/report-path-cache.ts';
import { toJournalRow, type PendingEntry } from '../../src/journal/journal-entry.ts';
import { renderXml } from '../../src/render/xml-response.ts';

const qs = 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001';
const launch = { launch_id: 5001, owner_id: 1002, customer_id: 'ACME', name: 'Newsletter', status: 1, error_code: 0, launch_count: 0, expire_time: new Date('2026-12-31T15:59:59Z') };
const jobs = [9001, 9002, 9003].map((job_id) => ({ job_id, launch_id: 5001, job_type: 'EMAIL', status: 6, error_code: 0, cost: 1, points_charged: 0, paused_by_launch: false }));
const paths = new ReportPathCache('secret-0123456789abcdef', 3600);
const response = launchAnswer(launch, jobs, { timeZone: 'Asia/Taipei', reportPath: (id: number) => paths.pathFor(id) });
const bag = new ParamBag([['query', parseUrlEncoded(qs)]]);
const body = renderXml(response);
const entry: PendingEntry = {
  atMs: Date.now(),
  clientIp: '127.0.0.1',
  method: 'GET',
  contentType: undefined,
  httpStatus: 200,
  durationMs: 1.5,
  location: undefined,
  outcome: { bag, response, uploads: [], body },
};

function time(label: string, n: number, f: () => unknown) {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(label.padEnd(34), (((performance.now() - t) / n) * 1000).toFixed(2), 'µs');
}
time('toJournalRow (3 jobs)', 20000, () => toJournalRow(entry, 'XML'));
const row = toJournalRow(entry, 'XML');
time('JSON of the row', 20000, () => JSON.stringify(row));

// Micro-measurement (docs/PERFORMANCE.md): the pure pieces of one query request, µs per call, in one process.
// Run: npx tsx bench/micro/pipeline.ts
import { parseUrlEncoded } from '../../src/request/aspnet-decode.ts';
import { ParamBag } from '../../src/request/param-bag.ts';
import { readIntent, requiredFields } from '../../src/request/intent.ts';
import { CredentialCache } from '../../src/auth/credential-cache.ts';
import { answerRecord } from '../../src/tasks/record-answer.ts';
import { renderXml } from '../../src/render/xml-response.ts';
import { reportPathFor } from '../../src/tasks/report-link.ts';
import { formatExpireTime } from '../../src/tasks/expire-time.ts';
const qs = 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001';
const launch = { launch_id: 5001, owner_id: 1002, customer_id: 'ACME', name: 'Newsletter', status: 1, error_code: 0, launch_count: 0, expire_time: new Date('2026-12-31T15:59:59Z') };
const jobs = [9001, 9002, 9003].map((job_id) => ({ job_id, launch_id: 5001, job_type: 'EMAIL', status: 6, error_code: 0, cost: 1, points_charged: 0, paused_by_launch: false }));
const cache = new CredentialCache({ windowMs: 60000, maxEntries: 100 });
const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
cache.rememberVerified(1002, 'mkt-pass', hash);
const settings = { timeZone: 'Asia/Taipei', reportPath: (id: number) => reportPathFor('secret-0123456789abcdef', id, 3600) };
function time(label: string, n: number, f: () => unknown) {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(label.padEnd(34), ((performance.now() - t) / n * 1000).toFixed(2), 'µs');
}
const bag = new ParamBag([['query', parseUrlEncoded(qs)]]);
time('parse query + bag', 50000, () => new ParamBag([['query', parseUrlEncoded(qs)]]));
time('requiredFields', 50000, () => requiredFields(bag));
time('readIntent', 50000, () => readIntent(bag, undefined, 'Asia/Taipei'));
time('credential cache hit', 50000, () => cache.isVerified(1002, 'mkt-pass', hash));
time('formatExpireTime', 20000, () => formatExpireTime(launch.expire_time, 'Asia/Taipei'));
const noDb = { query: async () => [], exec: async () => {} };
time('answerRecord (3 jobs)', 20000, () => answerRecord(noDb, { launch, jobs }, undefined, settings));
const answer = await answerRecord(noDb, { launch, jobs }, undefined, settings);
time('renderXml', 20000, () => renderXml(answer));

import autocannon from 'autocannon';
import { startProjectServer } from '../lib/child-server.ts';
import { BENCH_LOGIN } from '../lib/bench-db.ts';
import { createJobs, createLaunch, createRecipients, withoutRecipientIndexes } from '../lib/generate.ts';
import type { Loader } from '../lib/generate.ts';
import { fmt, median, table } from '../lib/load.ts';

/**
 * A recipient lookup by EmailAddress, SMSNumber or ExternRefNum within a job of
 * 10,000,000 recipients takes within 2× its time within a job of 10,000. Each request asks for a
 * different, random recipient (so no answer is served from one hot cache line), through the page.
 */
export const SMALL_JOB = { launchId: 5700, jobId: 800_001 };
export const LARGE_JOB = { launchId: 5701, jobId: 800_002 };

export async function prepareLookup(db: Loader, small: number, large: number, log: (line: string) => void): Promise<void> {
  await createLaunch(db, SMALL_JOB.launchId, 'Lookup among few');
  await createJobs(db, SMALL_JOB.launchId, SMALL_JOB.jobId, 1);
  await createLaunch(db, LARGE_JOB.launchId, 'Lookup among many');
  await createJobs(db, LARGE_JOB.launchId, LARGE_JOB.jobId, 1);
  await withoutRecipientIndexes(db, async () => {
    await createRecipients(db, SMALL_JOB.jobId, small);
    await createRecipients(db, LARGE_JOB.jobId, large, (done) => log(`  loaded ${fmt.int(done)} of ${fmt.int(large)} recipients`));
    log('  rebuilding recipient indexes');
  });
}

type Kind = 'EmailAddress' | 'SMSNumber' | 'ExternRefNum';

function lookupFields(kind: Kind, n: number): Record<string, string> {
  switch (kind) {
    case 'EmailAddress':
      return { EmailAddress: `USER${n}@example.COM` }; // any letter case finds it
    case 'SMSNumber':
      return { SMSNumber: `+886 9${String(n % 100_000_000).padStart(8, '0')}` }; // any spelling of the number
    case 'ExternRefNum':
      return { ExternRefNum: `R-${n}`, JobType: 'SMS' }; // the generated single job is an SMS job
  }
}

async function measure(url: string, jobId: number, population: number, kind: Kind, seconds: number) {
  let wrong = 0;
  const result = await autocannon({
    url,
    connections: 8,
    duration: seconds,
    requests: [
      {
        setupRequest: (request: { path: string }) => {
          const n = Math.floor(Math.random() * population);
          request.path = `/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, JobID: String(jobId), ...lookupFields(kind, n) })}`;
          return request;
        },
        onResponse: (status: number, body: string) => {
          if (status !== 200 || !body.includes('<ErrorCode>0</ErrorCode>') || !body.includes('<RECIPIENT>')) wrong++;
        },
      },
    ],
  } as never);
  if (wrong > 0 || result.errors + result.timeouts + result.non2xx > 0) throw new Error(`${kind} lookup: ${wrong} wrong answers`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean };
}

const KEY_SQL: Record<Kind, string> = {
  EmailAddress: 'email_key = $2',
  SMSNumber: 'sms_key = $2',
  ExternRefNum: 'extern_ref_key = $2',
};
const dbKey = (kind: Kind, n: number) =>
  kind === 'EmailAddress' ? `user${n}@example.com` : kind === 'SMSNumber' ? `+8869${String(n % 100_000_000).padStart(8, '0')}` : `r-${n}`;

/** The lookup's own statement (recipient-lookup.ts's shape), sequentially: mean ms per lookup. */
async function probe(loader: Loader, jobId: number, population: number, kind: Kind, count: number): Promise<number> {
  const sql = `SELECT job_id, email_address, sms_number, extern_ref_num, delivery_status FROM recipient
                WHERE job_id = $1::int AND ${KEY_SQL[kind]} ORDER BY job_id, recipient_id LIMIT 1000`;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const rows = await loader.query(sql, [jobId, dbKey(kind, Math.floor(Math.random() * population))]);
    if (rows.length === 0) throw new Error(`${kind}: probe found nothing`);
  }
  return (performance.now() - started) / count;
}

export async function runLookup(dbUrl: string, loader: Loader, small: number, large: number, seconds: number, rounds: number): Promise<string> {
  const server = await startProjectServer('project', { DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' });
  const rows: string[][] = [];
  const probeRows: string[][] = [];
  try {
    for (const kind of ['EmailAddress', 'SMSNumber', 'ExternRefNum'] as const) {
      await measure(server.url, SMALL_JOB.jobId, small, kind, 2); // warm-up
      await measure(server.url, LARGE_JOB.jobId, large, kind, 2);
      // Alternated rounds, medians: the machine's drift hits both populations alike.
      const few = [];
      const many = [];
      for (let round = 0; round < rounds; round++) {
        few.push(await measure(server.url, SMALL_JOB.jobId, small, kind, seconds));
        many.push(await measure(server.url, LARGE_JOB.jobId, large, kind, seconds));
      }
      const f = { mean: median(few.map((r) => r.mean)), p99: median(few.map((r) => r.p99)), rps: median(few.map((r) => r.rps)) };
      const m = { mean: median(many.map((r) => r.mean)), p99: median(many.map((r) => r.p99)), rps: median(many.map((r) => r.rps)) };
      const ratio = m.mean / f.mean;
      rows.push([
        kind,
        `${fmt.ms(f.mean)} / ${fmt.ms(f.p99)} / ${fmt.int(f.rps)}`,
        `${fmt.ms(m.mean)} / ${fmt.ms(m.p99)} / ${fmt.int(m.rps)}`,
        `${fmt.ratio(ratio)} ${ratio <= 2 ? '(met)' : '(NOT met)'}`,
      ]);
      console.error(`  lookup ${kind}: among ${fmt.int(small)} ${fmt.ms(f.mean)}, among ${fmt.int(large)} ${fmt.ms(m.mean)}`);
      const probes = { few: [] as number[], many: [] as number[] };
      for (let round = 0; round < rounds; round++) {
        probes.few.push(await probe(loader, SMALL_JOB.jobId, small, kind, 500));
        probes.many.push(await probe(loader, LARGE_JOB.jobId, large, kind, 500));
      }
      const pf = median(probes.few);
      const pm = median(probes.many);
      probeRows.push([kind, fmt.ms(pf), fmt.ms(pm), `${fmt.ratio(pm / pf)} ${pm / pf <= 2 ? '(met)' : '(NOT met)'}`]);
    }
  } finally {
    await server.stop();
  }
  return (
    `Recipient lookup through the page (JobID + one key, a random recipient per request, 8 connections, ` +
    `${rounds} alternated rounds of ${seconds} s, medians)\n` +
    table(['lookup by', `among ${fmt.int(small)}: mean / p99 / req/s`, `among ${fmt.int(large)}: mean / p99 / req/s`, 'time ratio (target <= 2×)'], rows) +
    `\nThe lookup statement alone (500 random keys in a row, one connection, ${rounds} alternated rounds, medians)\n` +
    table(['lookup by', `among ${fmt.int(small)}`, `among ${fmt.int(large)}`, 'ratio'], probeRows) +
    '\n'
  );
}

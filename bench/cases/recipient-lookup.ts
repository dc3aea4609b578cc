import autocannon from 'autocannon';
import { startChildServer } from '../lib/child-server.ts';
import { BENCH_LOGIN } from '../lib/bench-db.ts';
import { createJobs, createLaunch, createRecipients, withoutRecipientIndexes } from '../lib/generate.ts';
import type { Database } from '../../src/db/database.ts';
import { fmt, table } from '../lib/load.ts';

/**
 * Target 6 (issue 6): a recipient lookup by EmailAddress, SMSNumber or ExternRefNum within a job of
 * 10,000,000 recipients takes within 2× its time within a job of 10,000. Each request asks for a
 * different, random recipient (so no answer is served from one hot cache line), through the page.
 */
export const SMALL_JOB = { launchId: 5700, jobId: 800_001 };
export const LARGE_JOB = { launchId: 5701, jobId: 800_002 };

export async function prepareLookup(db: Database, small: number, large: number, log: (line: string) => void): Promise<void> {
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
      return { ExternRefNum: `R-${n}`, JobType: 'EMAIL' };
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

export async function runLookup(dbUrl: string, small: number, large: number, seconds: number): Promise<string> {
  const server = await startChildServer('project', 'project-server.ts', { DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' });
  const rows: string[][] = [];
  try {
    for (const kind of ['EmailAddress', 'SMSNumber', 'ExternRefNum'] as const) {
      await measure(server.url, SMALL_JOB.jobId, small, kind, 2); // warm-up
      const few = await measure(server.url, SMALL_JOB.jobId, small, kind, seconds);
      const many = await measure(server.url, LARGE_JOB.jobId, large, kind, seconds);
      const ratio = many.mean / few.mean;
      rows.push([
        kind,
        `${fmt.ms(few.mean)} / ${fmt.ms(few.p99)} / ${fmt.int(few.rps)}`,
        `${fmt.ms(many.mean)} / ${fmt.ms(many.p99)} / ${fmt.int(many.rps)}`,
        `${fmt.ratio(ratio)} ${ratio <= 2 ? '(met)' : '(NOT met)'}`,
      ]);
      console.error(`  lookup ${kind}: among ${fmt.int(small)} ${fmt.ms(few.mean)}, among ${fmt.int(large)} ${fmt.ms(many.mean)}`);
    }
  } finally {
    await server.stop();
  }
  return (
    `Recipient lookup through the page (JobID + one key, random recipient per request, 8 connections, ${seconds} s each)\n` +
    table(['lookup by', `among ${fmt.int(small)}: mean / p99 / req/s`, `among ${fmt.int(large)}: mean / p99 / req/s`, 'time ratio (target <= 2×)'], rows) +
    '\n'
  );
}

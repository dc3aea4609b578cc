import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, seedWith, type TestApp } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { findRecipients, recipientLookup } from '../../src/store/recipients.ts';
import { phoneKey } from '../../src/request/recipient-keys.ts';

/**
 * A lookup among many recipients is an index probe on (job_id, key), never a scan of the job's
 * recipients: checked on the statement that runs (EXPLAIN of recipientLookup) over 200,000
 * recipients in two jobs, so that it costs about what it costs among thousands.
 */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe(`recipient lookups use their indexes (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    await seedWith(t.db, {
      launches: [{ launchId: 5301, owner: 'acme-mkt', name: 'Big', status: 2, jobs: [
        { jobId: 9701, jobType: 'EMAIL', status: 6 },
        { jobId: 9702, jobType: 'SMS', status: 6 },
      ] }],
    });
    await t.db.query(
      `INSERT INTO recipient (job_id, email_address, email_key, sms_number, sms_key, extern_ref_num, extern_ref_key, delivery_status)
       SELECT 9701 + n % 2, 'user' || n || '@example.com', 'user' || n || '@example.com',
              '09' || lpad(n::text, 8, '0'), '+8869' || lpad(n::text, 8, '0'), 'REF-' || n, 'ref-' || n, 'SENT'
         FROM generate_series(1, 200000) AS n`,
    );
    await t.db.exec('ANALYZE recipient');
  }, 180_000);
  afterAll(async () => t?.close());

  const cases = [
    ['EmailAddress', { emailKey: 'user4242@example.com' }, 'recipient_job_id_email_key_idx'],
    ['SMSNumber', { smsKey: phoneKey('0900004243')! }, 'recipient_job_id_sms_key_idx'],
    ['ExternRefNum', { externRefKey: 'ref-4242', jobType: 'EMAIL' as const }, 'recipient_job_id_extern_ref_key_idx'],
  ] as const;

  for (const [name, filter, index] of cases) {
    for (const jobIds of [[9701], [9701, 9702]]) {
      it(`${name} in ${jobIds.length} job(s) probes ${index}`, async () => {
        const statement = recipientLookup(jobIds, filter, 1000)!;
        const [row] = await t.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.params);
        const plan = nodes(row!['QUERY PLAN'][0].Plan);
        expect(plan.map((node) => node['Node Type'])).not.toContain('Seq Scan');
        expect(plan.map((node) => node['Index Name'])).toContain(index);
      });
    }
  }

  it('finds the one recipient among 200,000', async () => {
    const found = await findRecipients(t.db, [9701, 9702], { smsKey: phoneKey('0900004243')! }, 1000);
    expect([...found.entries()]).toEqual([[9702, [{ email_address: 'user4243@example.com', sms_number: '0900004243', extern_ref_num: 'REF-4243', delivery_status: 'SENT' }]]]);
  });
});

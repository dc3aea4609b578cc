import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { sample } from '../metrics.ts';

/**
 * Queries that arrive together share one read statement (store/request-reader.ts). Whatever else
 * arrives with it, every request must get the answer it gets alone: its own account, its own
 * record, its own refusal.
 */
describe(`concurrent queries of different managers and records (${databaseKind})`, () => {
  const t = useSeededApp();
  /** Read statements so far, and those that carried one read only (omis_db_reads_per_statement). */
  const statements = async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    return { all: sample(text, 'omis_db_reads_per_statement_count')!, single: sample(text, 'omis_db_reads_per_statement_bucket', { le: '1' })! };
  };

  const requests: Array<Record<string, string>> = [
    { ...logins.mkt, LaunchID: '5001' },
    { ...logins.root, LaunchID: '5002' },
    { ...logins.globex, LaunchID: '5001' },
    { ...logins.globex, LaunchID: '6001', ReturnType: 'CSV' },
    { ...logins.tw, JobID: '9003' },
    { ...logins.mkt, JobID: '9004' },
    { ...logins.root, JobID: '9002', EmailAddress: 'a@example.com' },
    { ...logins.noLicence, LaunchID: '5001' },
    { ManagerLoginName: 'nobody', ManagerPassword: 'x', LaunchID: '5001' },
    { ...logins.mkt, LaunchID: '5001x' },
    { ...logins.root },
    { ...logins.mkt, LaunchID: '5001', LaunchAction: '9' },
  ];

  // Report links carry their expiry; a window may turn between two answers.
  const comparable = (body: string) => body.replace(/Expires=\d+&(amp;)?Signature=[\w-]+/g, 'Expires=…');

  it('answers each request as it is answered alone, however the requests are batched', async () => {
    const get = async (fields: Record<string, string>) => comparable((await t.app.inject({ method: 'GET', url: pageUrl(fields) })).body);
    const alone: string[] = [];
    for (const fields of requests) alone.push(await get(fields));
    // Different answers: a mix-up between requests could not pass unnoticed.
    expect(new Set(alone).size).toBe(requests.length);

    const before = await statements();
    const order = [...requests.keys(), ...requests.keys()];
    const together = await Promise.all(order.map((index) => get(requests[index]!)));
    expect(together).toEqual(order.map((index) => alone[index]));
    // They really shared statements: some statement carried more than one read.
    const after = await statements();
    expect(after.all - before.all).toBeGreaterThan(after.single - before.single);
  });
});

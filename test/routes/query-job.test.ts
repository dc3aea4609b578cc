import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

describe(`query by JobID (${databaseKind})`, () => {
  const t = useSeededApp();

  const get = async (fields: Record<string, string>) => parseResponse((await t.app.inject({ url: pageUrl(fields) })).body);

  it('answers the job inside its launch, without the launch’s other jobs', async () => {
    const xml = await get({ ...logins.mkt, JobID: '9002' });
    expect(xml).toMatchObject({ ErrorCode: '0', LaunchID: '5001', JobID: '9002', UserID: '1002', CustomerID: 'ACME' });
    expect(xml.ReportPath).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9002&Expires=\d+&Signature=/);
    expect(xml.LAUNCH!.LaunchID).toBe('5001');
    expect(xml.LAUNCH!.JOB).toHaveLength(1);
    expect(xml.LAUNCH!.JOB![0]).toMatchObject({ JobID: '9002', JobType: 'SMS', STATUS: '1', StatusText: '等候發送', ReportPath: xml.ReportPath });
  });

  it('with both IDs answers the job when it belongs to that launch', async () => {
    const xml = await get({ ...logins.mkt, LaunchID: '5001', JobID: '9001' });
    expect(xml).toMatchObject({ ErrorCode: '0', LaunchID: '5001', JobID: '9001' });
    expect(xml.LAUNCH!.JOB).toHaveLength(1);
  });

  it.each([
    ['another visible launch', '5002'],
    ['a missing launch', '5999'],
    ['a foreign launch', '6001'],
    ['not an ID', 'abc'],
  ])('with both IDs answers 110 when the job is not in %s', async (_case, launchId) => {
    const xml = await get({ ...logins.root, LaunchID: launchId, JobID: '9001' });
    expect(xml).toMatchObject({ ErrorCode: '110', ErrorMSG: "JobID doesn't exist", LaunchID: launchId, JobID: '9001', UserID: '', CustomerID: '' });
    expect(xml.LAUNCH).toBeUndefined();
  });

  it('answers 110 for a job that does not exist', async () => {
    const xml = await get({ ...logins.mkt, JobID: '424242' });
    expect(xml).toMatchObject({ ErrorCode: '110', ErrorMSG: "JobID doesn't exist", JobID: '424242' });
  });
});

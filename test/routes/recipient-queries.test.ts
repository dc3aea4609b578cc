import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseXml } from '../routes/actions-support.ts';
import { jobRow } from '../factories.ts';

/**
 * Recipient lookups through the page (docs/API.md#recipient-lookups): EmailAddress (case-insensitive), SMSNumber
 * (one number however written), ExternRefNum + JobType (EMAIL/SMS or 1/2), within a launch or a job;
 * 117 when nothing matches, 118 for another JobType; RECIPIENT elements as §7 shows them.
 */
describe(`recipient lookups (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    await seedWith(t.db, {
      launches: [
        {
          launchId: 5201, owner: 'acme-mkt', name: 'Mixed', status: 2,
          jobs: [
            { jobId: 9601, jobType: 'EMAIL', status: 6, recipients: [
              { emailAddress: 'Chen@Example.com.tw', externRefNum: 'C-1', deliveryStatus: 'SENT' },
              { emailAddress: 'lin@example.com', externRefNum: 'C-2', deliveryStatus: 'OPENED' },
              { emailAddress: 'chen@example.com.tw', externRefNum: 'C-9', deliveryStatus: 'BOUNCED' },
            ] },
            { jobId: 9602, jobType: 'SMS', status: 6, recipients: [
              { smsNumber: '+886 912 345 678', externRefNum: 'C-1', deliveryStatus: 'DELIVERED' },
              { smsNumber: '02-2718-7200', externRefNum: 'C-3', deliveryStatus: 'PENDING' },
            ] },
            { jobId: 9603, jobType: 'EMAIL', status: 1, recipients: [
              { emailAddress: 'chen@example.com.tw', externRefNum: 'C-1', deliveryStatus: 'PENDING' },
            ] },
          ],
        },
      ],
    });
  });
  afterAll(async () => t?.close());

  async function get(fields: Record<string, string>) {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, ...fields }) });
    expect(res.statusCode).toBe(200);
    return parseXml(res.body);
  }
  const jobsOf = (xml: any) => (xml.LAUNCH?.JOB ?? []).map((job: any) => [job.JobID, (job.RECIPIENT ?? []).map((r: any) => r.DeliveryStatus)]);

  it('EmailAddress within a job, in any letter case', async () => {
    for (const email of ['chen@example.com.tw', 'CHEN@EXAMPLE.COM.TW', '  Chen@example.COM.tw ']) {
      const xml = await get({ JobID: '9601', EmailAddress: email });
      expect(xml.ErrorCode).toBe('0');
      expect(jobsOf(xml)).toEqual([['9601', ['SENT', 'BOUNCED']]]);
    }
  });

  it('shows RECIPIENT elements with the stored spelling and an empty SMSNumber', async () => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: '9601', EmailAddress: 'lin@example.com' }) });
    expect(res.body).toContain('<RECIPIENT><EmailAddress>lin@example.com</EmailAddress><SMSNumber/><ExternRefNum>C-2</ExternRefNum><DeliveryStatus>OPENED</DeliveryStatus></RECIPIENT>');
  });

  it('EmailAddress within a launch: only the jobs that have the recipient', async () => {
    const xml = await get({ LaunchID: '5201', EmailAddress: 'chen@example.com.tw' });
    expect(xml.ErrorCode).toBe('0');
    expect(xml.JobID).toBe('');
    expect(jobsOf(xml)).toEqual([
      ['9601', ['SENT', 'BOUNCED']],
      ['9603', ['PENDING']],
    ]);
  });

  it.each(['0912-345-678', '0912345678', '+886912345678', '+886 912 345 678', '(09) 1234 5678'])('SMSNumber %s is one number', async (sms) => {
    const xml = await get({ LaunchID: '5201', SMSNumber: sms });
    expect(xml.ErrorCode).toBe('0');
    expect(jobsOf(xml)).toEqual([['9602', ['DELIVERED']]]);
    expect(xml.LAUNCH.JOB[0].RECIPIENT[0].SMSNumber).toBe('+886 912 345 678');
  });

  it('a landline written two ways is one number too', async () => {
    const xml = await get({ JobID: '9602', SMSNumber: '+886227187200' });
    expect(jobsOf(xml)).toEqual([['9602', ['PENDING']]]);
  });

  it.each([
    ['EMAIL', [['9601', ['SENT']], ['9603', ['PENDING']]]],
    ['email', [['9601', ['SENT']], ['9603', ['PENDING']]]],
    ['1', [['9601', ['SENT']], ['9603', ['PENDING']]]],
    ['SMS', [['9602', ['DELIVERED']]]],
    ['2', [['9602', ['DELIVERED']]]],
  ])('ExternRefNum + JobType %s keeps to jobs of that type', async (jobType, want) => {
    const xml = await get({ LaunchID: '5201', ExternRefNum: 'C-1', JobType: jobType });
    expect(xml.ErrorCode).toBe('0');
    expect(jobsOf(xml)).toEqual(want);
  });

  it.each(['c-1', ' C-1 ', 'C-1'])('ExternRefNum %j matches case-insensitively, as values do unless case matters', async (ref) => {
    const xml = await get({ LaunchID: '5201', ExternRefNum: ref, JobType: 'EMAIL' });
    expect(jobsOf(xml)).toEqual([['9601', ['SENT']], ['9603', ['PENDING']]]);
    // Shown as stored, not as asked.
    expect(xml.LAUNCH!.JOB![0]!.RECIPIENT[0].ExternRefNum).toBe('C-1');
  });

  it.each(['FAX', '3', '0', 'E-MAIL'])('JobType %s is 118', async (jobType) => {
    const xml = await get({ LaunchID: '5201', ExternRefNum: 'C-1', JobType: jobType });
    expect(xml.ErrorCode).toBe('118');
    expect(xml.ErrorMSG).toBe('Invalid JobType');
  });

  it('ExternRefNum without JobType is 102', async () => {
    const xml = await get({ LaunchID: '5201', ExternRefNum: 'C-1' });
    expect(xml.ErrorCode).toBe('102');
    expect(xml.ErrorMSG).toBe('Missing required field: JobType');
  });

  it.each([
    [{ JobID: '9601', EmailAddress: 'nobody@example.com' }],
    [{ JobID: '9601', SMSNumber: '0912345678' }],
    [{ LaunchID: '5201', ExternRefNum: 'C-2', JobType: 'SMS' }],
    [{ LaunchID: '5201', EmailAddress: 'chen@example.com.tw', SMSNumber: '0912345678' }],
  ])('nothing matching %o is 117', async (fields) => {
    const xml = await get(fields);
    expect(xml.ErrorCode).toBe('117');
    expect(xml.ErrorMSG).toBe('Recipient not found');
    expect(xml.LAUNCH).toBeUndefined();
  });

  it('several criteria must all match one recipient', async () => {
    const xml = await get({ LaunchID: '5201', EmailAddress: 'chen@example.com.tw', ExternRefNum: 'C-9', JobType: 'EMAIL' });
    expect(jobsOf(xml)).toEqual([['9601', ['BOUNCED']]]);
  });

  it('a record that does not exist is still 110/111, before 117', async () => {
    expect((await get({ JobID: '9101', EmailAddress: 'chen@example.com.tw' })).ErrorCode).toBe('110');
    expect((await get({ LaunchID: '6001', EmailAddress: 'chen@example.com.tw' })).ErrorCode).toBe('111');
    expect((await get({ LaunchID: '5001', JobID: '9601', EmailAddress: 'chen@example.com.tw' })).ErrorCode).toBe('110');
  });

  it('an action with a recipient that matches answers the acted-on record narrowed to it', async () => {
    const xml = await get({ JobID: '9603', JobAction: '3', EmailAddress: 'chen@example.com.tw' });
    expect(xml.ErrorCode).toBe('0');
    expect(xml.LAUNCH.JOB[0].ERRORCODE).toBe('-2');
    expect(jobsOf(xml)).toEqual([['9603', ['PENDING']]]);
    expect((await get({ JobID: '9603', JobAction: '4' })).ErrorCode).toBe('0');
  });

  it('an action whose recipient matches nothing is 117 and is not applied', async () => {
    const xml = await get({ JobID: '9603', JobAction: '3', EmailAddress: 'nobody@example.com' });
    expect(xml.ErrorCode).toBe('117');
    expect((await jobRow(t.db, 9603)).error_code).toBe(0);
    const [entry] = await t.db.query<{ error_code: number; before: any; after: any }>(
      `SELECT error_code, before, after FROM audit_log WHERE target_type = 'job' AND target_id = 9603 ORDER BY audit_id DESC LIMIT 1`,
    );
    expect(entry).toMatchObject({ error_code: 117, after: null });
    expect(entry!.before.job).toMatchObject({ jobId: 9603, errorCode: 0 });
  });
});

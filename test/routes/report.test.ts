import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { parseCsv } from '../csv.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { reportPathFor } from '../../src/tasks/report-link.ts';
import { parseXml } from '../routes/actions-support.ts';

/** The signed ReportPath link (docs/API.md#recipient-reports-reportpath): the job's recipient report as CSV, or HTTP 403. */

describe(`Report.aspx (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    await seedWith(t.db, {
      launches: [
        {
          launchId: 5101, owner: 'acme-mkt', name: 'Formula test', status: 2,
          jobs: [{ jobId: 9501, jobType: 'EMAIL', status: 6, recipients: [
            { emailAddress: '=HYPERLINK("http://evil")', externRefNum: '+1-555', deliveryStatus: 'sent' },
            { emailAddress: '陳大文@example.com.tw', externRefNum: 'R,"quoted"', deliveryStatus: 'BOUNCED' },
          ] }],
        },
      ],
    });
  });
  afterAll(async () => t?.close());

  async function reportPathOf(jobId: string): Promise<string> {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: jobId }) });
    return parseXml(res.body).ReportPath;
  }

  it('streams the job named in a ReportPath from a query, as CSV with a BOM', async () => {
    const path = await reportPathOf('9001');
    expect(path).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9001&Expires=\d+&Signature=[\w-]+$/);
    const res = await t.app.inject({ method: 'GET', url: path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="job-9001-recipients.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = await parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(rows.map((row) => row.RecordType)).toEqual(['LAUNCH', 'JOB', 'RECIPIENT', 'RECIPIENT']);
    expect(rows[2]).toMatchObject({ ErrorCode: '0', LaunchID: '5001', JobID: '9001', JobType: 'EMAIL', EmailAddress: 'a@example.com', ExternRefNum: 'R-1', DeliveryStatus: 'SENT' });
    expect(rows[3]).toMatchObject({ EmailAddress: 'Bob@Example.com', DeliveryStatus: 'PENDING' });
    expect(res.body.split('\r\n')[0]).toBe('\uFEFFErrorCode,ErrorMSG,RecordType,LaunchID,JobID,UserID,CustomerID,LaunchName,JobType,STATUS,ERRORCODE,LAUNCHCOUNT,StatusText,ExpireTime,ReportPath,EmailAddress,SMSNumber,ExternRefNum,DeliveryStatus');
  });

  it('neutralises formula cells and quotes what needs quoting, keeping Chinese intact', async () => {
    const res = await t.app.inject({ method: 'GET', url: reportPathFor(t.config.OMIS_SECRET!, 9501, 3600) });
    const rows = await parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(rows[2]).toMatchObject({ EmailAddress: `'=HYPERLINK("http://evil")`, ExternRefNum: `'+1-555`, DeliveryStatus: 'SENT' });
    expect(rows[3]).toMatchObject({ EmailAddress: '陳大文@example.com.tw', ExternRefNum: 'R,"quoted"' });
  });

  it('answers a job with no recipients with its LAUNCH and JOB rows only', async () => {
    const res = await t.app.inject({ method: 'GET', url: reportPathFor(t.config.OMIS_SECRET!, 9003, 3600) });
    expect(res.statusCode).toBe(200);
    expect((await parseCsv(res.body.replace(/^\uFEFF/, ''))).map((row) => row.RecordType)).toEqual(['LAUNCH', 'JOB']);
  });

  describe('refused links: HTTP 403', () => {
    const secret = () => t.config.OMIS_SECRET!;
    const valid = () => reportPathFor(secret(), 9001, 3600);
    it.each([
      ['pointed at another job', () => valid().replace('JobID=9001', 'JobID=9002')],
      ['with a later expiry', () => valid().replace(/Expires=(\d+)/, (_m, e) => `Expires=${Number(e) + 3600}`)],
      ['with a changed signature', () => valid().replace(/Signature=(.)/, (_m, c) => `Signature=${c === 'A' ? 'B' : 'A'}`)],
      ['expired', () => reportPathFor(secret(), 9001, 60, new Date(Date.now() - 3600_000))],
      ['signed with another key', () => reportPathFor('another-secret-0123456789', 9001, 3600)],
      ['without a signature', () => valid().replace(/&Signature=.*/, '')],
      ['without an expiry', () => valid().replace(/Expires=\d+&/, '')],
      ['with no query at all', () => '/WebAPI/Report.aspx'],
      ['with a non-numeric JobID', () => valid().replace('JobID=9001', 'JobID=9001x')],
    ])('a link %s', async (_name, link) => {
      const res = await t.app.inject({ method: 'GET', url: link() });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).not.toContain('a@example.com');
    });
  });

  it('matches the path case-insensitively and the field names too, as IIS does', async () => {
    const link = reportPathFor(t.config.OMIS_SECRET!, 9001, 3600).replace('/WebAPI/Report.aspx', '/webapi/report.aspx').replace('JobID=', 'jobid=');
    expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
  });

  it('answers 404 for a valid link to a job deleted since', async () => {
    const link = reportPathFor(t.config.OMIS_SECRET!, 9501, 3600);
    const del = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: '9501', JobAction: '1' }) });
    expect(parseXml(del.body).ErrorCode).toBe('0');
    expect((await t.app.inject({ method: 'GET', url: link })).statusCode).toBe(404);
  });
});

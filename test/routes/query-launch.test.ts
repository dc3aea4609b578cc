import { describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, useSeededApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

describe(`query by LaunchID (${databaseKind})`, () => {
  const t = useSeededApp();

  const get = async (fields: Record<string, string>) => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl(fields) });
    return { res, xml: parseResponse(res.body) };
  };

  it('answers the launch with all its jobs, owner fields at the top', async () => {
    const { res, xml } = await get({ ...logins.mkt, LaunchID: '5001' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml).toMatchObject({ ErrorCode: '0', ErrorMSG: '', LaunchID: '5001', JobID: '', UserID: '1002', CustomerID: 'ACME', ReportPath: '' });
    expect(xml.LAUNCH).toMatchObject({
      LaunchID: '5001',
      LaunchName: 'Newsletter',
      UserID: '1002',
      STATUS: '1',
      ERRORCODE: '0',
      LAUNCHCOUNT: '0',
      StatusText: '等候啟動',
      ExpireTime: '2026-12-31 23:59:59',
    });
    expect(xml.LAUNCH!.JOB!.map((job) => [job.JobID, job.LaunchID, job.JobType, job.STATUS, job.ERRORCODE, job.StatusText])).toEqual([
      ['9001', '5001', 'EMAIL', '6', '0', '處理發送中'],
      ['9002', '5001', 'SMS', '1', '0', '等候發送'],
    ]);
    for (const job of xml.LAUNCH!.JOB!) expect(job.ReportPath).toMatch(new RegExp(`^/WebAPI/Report\\.aspx\\?JobID=${job.JobID}&Expires=\\d+&Signature=[\\w-]+$`));
  });

  it('writes the contract document: declaration, element names and order', async () => {
    const { res } = await get({ ...logins.mkt, LaunchID: '5001' });
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<RESPONSE>')).toBe(true);
    const names = [...res.body.matchAll(/<([A-Za-z]+)[ />]/g)].map((m) => m[1]);
    expect(names.slice(0, 17)).toEqual([
      'RESPONSE', 'ErrorCode', 'ErrorMSG', 'LaunchID', 'JobID', 'UserID', 'CustomerID', 'ReportPath',
      'LAUNCH', 'LaunchID', 'LaunchName', 'UserID', 'STATUS', 'ERRORCODE', 'LAUNCHCOUNT', 'StatusText', 'ExpireTime',
    ]);
    expect(names.slice(17, 25)).toEqual(['JOB', 'JobID', 'LaunchID', 'JobType', 'STATUS', 'ERRORCODE', 'StatusText', 'ReportPath']);
  });

  it('escapes text and keeps Chinese as UTF-8', async () => {
    const { res, xml } = await get({ ...logins.tw, LaunchID: '5002' });
    expect(res.body).toContain('<LaunchName>週年慶 &lt;Anniversary&gt; &amp; "more"</LaunchName>');
    expect(xml.LAUNCH!.LaunchName).toBe('週年慶 <Anniversary> & "more"');
    expect(xml.LAUNCH!.StatusText).toBe('啟動開始');
    expect(xml.CustomerID).toBe('ACME-TW');
  });

  it('shows an empty ExpireTime for a launch without one, and 等候下次啟動 style texts', async () => {
    const { xml } = await get({ ...logins.root, LaunchID: '5003' });
    expect(xml.LAUNCH).toMatchObject({ ExpireTime: '', StatusText: '啟動完畢', UserID: '1001' });
  });

  it('gives a launch of a sub-account to its ancestors, owner fields of the owner', async () => {
    const { xml } = await get({ ...logins.root, LaunchID: '5002' });
    expect(xml).toMatchObject({ ErrorCode: '0', UserID: '1003', CustomerID: 'ACME-TW' });
  });

  it('shows expire times in the configured time zone', async () => {
    // The seed says 2026-12-31 23:59:59 in Asia/Taipei (UTC+8): one instant, shown per OMIS_TIMEZONE.
    const rows = await t.db.query<{ utc: string }>(
      `SELECT to_char(expire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS utc FROM launch WHERE launch_id = 5001`,
    );
    expect(rows[0]!.utc).toBe('2026-12-31 15:59:59');
    const utc = await buildTestApp({ env: { OMIS_TIMEZONE: 'UTC' } });
    try {
      await seedWith(utc.db, standardSeed);
      const res = await utc.app.inject({ url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
      expect(parseResponse(res.body).LAUNCH!.ExpireTime).toBe('2026-12-31 15:59:59');
    } finally {
      await utc.close();
    }
  });
});

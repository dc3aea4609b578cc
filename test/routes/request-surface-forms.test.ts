import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, useSeededApp, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { listen } from './request-surface-helpers.ts';
import { parseResponse } from '../xml.ts';
import { parseCsv } from '../csv.ts';

/** Every response form (docs/API.md#answers) end to end over real HTTP, with records from the database. */

describe(`response forms over HTTP (${databaseKind})`, () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    origin = await listen(t.app);
  });
  afterAll(async () => t?.close());

  async function get(fields: Record<string, string>) {
    const res = await fetch(`${origin}${pageUrl(fields)}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, text: bytes.toString('utf8') };
  }

  it.each(['XML', 'xml', '1'])('ReturnType=%s answers XML inline', async (form) => {
    const { res, text } = await get({ ...logins.mkt, LaunchID: '5001', ReturnType: form });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(parseResponse(text).LAUNCH?.LaunchName).toBe('Newsletter');
  });

  it.each(['CSV', 'csv', '2'])('ReturnType=%s answers CSV inline with the launch, its jobs and the contract columns', async (form) => {
    const { res, text } = await get({ ...logins.mkt, LaunchID: '5001', ReturnType: form });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const rows = await parseCsv(text);
    expect(rows.map((row) => [row.RecordType, row.LaunchID, row.JobID, row.JobType])).toEqual([
      ['LAUNCH', '5001', '', ''],
      ['JOB', '5001', '9001', 'EMAIL'],
      ['JOB', '5001', '9002', 'SMS'],
    ]);
    expect(rows[0]).toMatchObject({ ErrorCode: '0', UserID: '1002', CustomerID: 'ACME', StatusText: '等候啟動', ExpireTime: '2026-12-31 23:59:59' });
    expect(rows[1]!.ReportPath).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9001&Expires=\d+&Signature=/);
  });

  it.each(['FILE', 'file', '3'])('ReturnType=%s answers a CSV attachment named after the launch, starting with a BOM', async (form) => {
    const { res, bytes, text } = await get({ ...logins.mkt, LaunchID: '5002', ReturnType: form });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="launch-5002.csv"');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = await parseCsv(text.slice(1));
    // Chinese and the characters CSV must quote come through intact.
    expect(rows[0]!.LaunchName).toBe('週年慶 <Anniversary> & "more"');
    expect(rows[0]!.CustomerID).toBe('ACME-TW');
  });

  it('ReturnType=XMLFILE answers an XML attachment named after the job', async () => {
    const { res, text } = await get({ ...logins.mkt, JobID: '9001', ReturnType: 'XmlFile' });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="job-9001.xml"');
    expect(parseResponse(text).JobID).toBe('9001');
  });

  it('a job query as CSV is its launch row and its job row', async () => {
    const { text } = await get({ ...logins.mkt, JobID: '9002', ReturnType: 'CSV' });
    expect((await parseCsv(text)).map((row) => `${row.RecordType}:${row.JobID}`)).toEqual(['LAUNCH:', 'JOB:9002']);
  });

  it.each([
    ['CSV', 'text/plain; charset=utf-8', null],
    ['FILE', 'text/csv; charset=utf-8', 'attachment; filename="error.csv"'],
  ])('errors come in the asked form too: %s', async (form, type, disposition) => {
    const { res, text } = await get({ ...logins.mkt, LaunchID: '6001', ReturnType: form });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-disposition')).toBe(disposition);
    const rows = await parseCsv(text.replace(/^\uFEFF/, ''));
    expect(rows).toEqual([expect.objectContaining({ ErrorCode: '111', ErrorMSG: "LaunchID doesn't exist", RecordType: '', LaunchID: '6001' })]);
  });

  it('an error as XMLFILE is error.xml', async () => {
    const { res, text } = await get({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong', LaunchID: '5001', ReturnType: 'XMLFILE' });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="error.xml"');
    expect(parseResponse(text).ErrorCode).toBe('100');
  });

  it('an unknown ReturnType falls back to the default (XML)', async () => {
    const { res } = await get({ ...logins.mkt, LaunchID: '5001', ReturnType: 'JSON' });
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  });

  it.each([
    ['no Accept header', undefined, 'text/plain'],
    ["a browser's Accept (wildcards only)", 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'text/plain'],
    ['Accept: text/csv', 'text/csv', 'text/csv'],
    ['Accept naming text/csv among others', 'application/json;q=0.5, text/csv;q=0.9', 'text/csv'],
    ['Accept: text/csv;q=0 (refused)', 'text/csv;q=0, */*', 'text/plain'],
  ])('ReturnType=CSV with %s is served as %s', async (_what, accept, type) => {
    const res = await fetch(`${origin}${pageUrl({ ...logins.mkt, LaunchID: '5001', ReturnType: 'CSV' })}`, { headers: accept ? { accept } : {} });
    expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect((await res.text()).startsWith('ErrorCode,ErrorMSG,RecordType,')).toBe(true);
  });

  it('ReturnType=FILE stays a text/csv download whatever Accept says', async () => {
    const res = await fetch(`${origin}${pageUrl({ ...logins.mkt, LaunchID: '5001', ReturnType: 'FILE' })}`, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="launch-5001.csv"');
    await res.arrayBuffer();
  });

  it('ReturnType is read from a POST form as well', async () => {
    const res = await fetch(`${origin}/WebAPI/TaskManager.aspx`, { method: 'POST', body: new URLSearchParams({ ...logins.mkt, LaunchID: '5001', ReturnType: '3' }) });
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="launch-5001.csv"');
  });
});

describe(`OMIS_DEFAULT_RETURN_TYPE (${databaseKind})`, () => {
  const t = useSeededApp(standardSeed, { env: { OMIS_DEFAULT_RETURN_TYPE: 'csv' } });

  it('is the form when the request names none', async () => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.startsWith('ErrorCode,ErrorMSG,RecordType')).toBe(true);
  });

  it('gives way to the request’s ReturnType', async () => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001', ReturnType: '1' }) });
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';
import { STREAM_ABOVE_RECORDS } from '../../src/render/stream-body.ts';
import { UTF8_BOM } from '../../src/render/csv-response.ts';

/**
 * A launch with many jobs is streamed (render/stream-body.ts), in every form, and reads exactly as
 * a small answer does: every job, in order, the same columns — only the transfer differs.
 */
describe(`a launch with many jobs through the page (${databaseKind})`, () => {
  const JOBS = STREAM_ABOVE_RECORDS + 300;
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    await t.db.query(`INSERT INTO launch (launch_id, owner_id, name, status) VALUES (5900, 1002, 'Big', 3)`);
    await t.db.query(
      `INSERT INTO job (job_id, launch_id, job_type, status, error_code)
       SELECT 70000 + g, 5900, CASE WHEN g % 2 = 0 THEN 'SMS' ELSE 'EMAIL' END, g % 9, 0 FROM generate_series(1, $1::int) AS g`,
      [JOBS],
    );
  });
  afterAll(async () => t?.close());

  const get = (fields: Record<string, string>) => t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5900', ...fields }) });

  it('answers XML with every job in JobID order, streamed without a Content-Length', async () => {
    const res = await get({});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.headers['content-length']).toBeUndefined();
    const xml = parseResponse(res.body);
    expect(xml.ErrorCode).toBe('0');
    expect(xml.LAUNCH!.JOB!.map((job) => Number(job.JobID))).toEqual(Array.from({ length: JOBS }, (_, i) => 70001 + i));
    expect(res.body.endsWith('</RESPONSE>\n')).toBe(true);
  });

  it('answers an XMLFILE attachment the same way', async () => {
    const res = await get({ ReturnType: 'XMLFILE' });
    expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5900.xml"');
    expect(parseResponse(res.body).LAUNCH!.JOB).toHaveLength(JOBS);
  });

  it.each([
    ['CSV', '', 'text/plain'],
    ['FILE', UTF8_BOM, 'text/csv'],
  ])('answers %s with a header, the launch row and one row per job', async (returnType, prefix, type) => {
    const res = await get({ ReturnType: returnType });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
    expect(res.body.startsWith(`${prefix}ErrorCode,ErrorMSG,RecordType,`)).toBe(true);
    const lines = res.body.slice(prefix.length).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + 1 + JOBS + 1);
    expect(lines[1]!.split(',')[2]).toBe('LAUNCH');
    expect(lines.slice(2, -1).map((line) => line.split(',')[4])).toEqual(Array.from({ length: JOBS }, (_, i) => String(70001 + i)));
  });

  it('keeps a small answer as one body with its Content-Length', async () => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });
});

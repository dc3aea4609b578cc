import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['JOB', 'RECIPIENT'].includes(name) });

describe(`query by LaunchID (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.close());

  async function get(fields: Record<string, string>) {
    const res = await t.app.inject({ method: 'GET', url: pageUrl(fields) });
    return { res, xml: parser.parse(res.body).RESPONSE };
  }

  it('answers the launch with all its jobs', async () => {
    const { res, xml } = await get({ ...logins.mkt, LaunchID: '5001' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.ErrorCode).toBe('0');
    expect(xml.LaunchID).toBe('5001');
    expect(xml.UserID).toBe('1002');
    expect(xml.CustomerID).toBe('ACME');
    expect(xml.LAUNCH.LaunchName).toBe('Newsletter');
    expect(xml.LAUNCH.StatusText).toBe('等候啟動');
    expect(xml.LAUNCH.ExpireTime).toBe('2026-12-31 23:59:59');
    expect(xml.LAUNCH.JOB.map((job: { JobID: string }) => job.JobID)).toEqual(['9001', '9002']);
    expect(xml.LAUNCH.JOB[0].StatusText).toBe('處理發送中');
  });
});

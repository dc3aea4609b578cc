import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, seedWith, type TestApp } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { hostileText } from './fuzz-arbitraries.ts';
import { parseResponse } from '../xml.ts';

/**
 * The whole page under random requests: any mix of the contract's fields, in any letter case, with
 * hostile values, encoded every way a client might (or might not) encode them, by GET, urlencoded
 * POST and multipart POST. With the database up, no request may answer 9999, HTTP 5xx, or anything
 * but a well-formed answer.
 */
const RUNS = { numRuns: 150 };

const FIELDS = [
  'ManagerLoginName', 'ManagerPassword', 'LaunchID', 'JobID', 'LaunchAction', 'JobAction', 'ExpireTime', 'EmailAddress', 'SMSNumber',
  'ExternRefNum', 'JobType', 'ReturnType', 'ReferUrl', 'SuccessfulUrl', 'SuccessfulUr', 'FailedUrl', 'XmlRequest', 'XmlReqFilePath',
];
const MEANINGFUL = [
  'acme-mkt', 'mkt-pass', 'acme', 'acme-pass', '5001', '5002', '9001', '9002', '6001', '1', '0', '-1', '2147483648', '5,6', '1e3',
  '2027-01-01 00:00:00', '2027/02/30 10:00:00', 'EMAIL', 'SMS', '2', 'sms', 'XML', 'CSV', 'FILE', 'XMLFILE', '3',
  'a@example.com', 'BOB@EXAMPLE.COM', '0912-345-678', '+886912345678', 'R-1', 'https://ok.example/cb?e=%errorcode%', '/done?%omisquerystring%',
  'javascript:alert(1)', '//evil.example', '<REQUEST><LaunchID>5001</LaunchID></REQUEST>', '<!DOCTYPE x><REQUEST/>', 'http://127.0.0.1/x.xml',
  'a\u0000b', '%00', '\uD800', '=cmd|calc', ' ', '',
];

const value = fc.oneof(fc.constantFrom(...MEANINGFUL), hostileText);
const name = fc.tuple(fc.constantFrom(...FIELDS, 'Other', '__proto__'), fc.array(fc.boolean(), { minLength: 1, maxLength: 4 })).map(([n, flips]) =>
  [...n].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join(''),
);
const credentials = fc.constantFrom<Array<[string, string]>>(
  [['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass']],
  [['ManagerLoginName', 'acme'], ['ManagerPassword', 'acme-pass']],
  [],
);
const fields = fc.tuple(credentials, fc.array(fc.tuple(name, value), { maxLength: 8 })).map(([creds, rest]) => [...creds, ...rest]);

/** The ways a client encodes: properly, with %uXXXX, or barely (only what would break the URL). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/g;
const encoders = [
  (text: string) => encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')),
  (text: string) => [...Array(text.length).keys()].map((i) => `%u${text.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  (text: string) => text.replace(/[^\x21-\x7E]|#/g, (ch) => encodeURIComponent(ch.replace(LONE_SURROGATE, '\uFFFD'))),
];
const encoded = (pairs: Array<[string, string]>, how: number) =>
  pairs.map(([n, v]) => `${encoders[how % 3]!(n)}=${encoders[(how + 1) % 3]!(v)}`).join('&');

describe(`the page under random requests (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { OMIS_REDIRECT_HOSTS: 'ok.example', OMIS_LOCKOUT_THRESHOLD: '1000' } });
    await seedWith(t.db, standardSeed);
  });
  afterAll(async () => t?.close());

  function expectWellFormed(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
    expect(res.statusCode).toBeLessThan(500);
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode === 302) {
      expect(String(res.headers.location)).toMatch(/^[\x21-\x7E]+$/);
    } else if (type.startsWith('text/xml')) {
      const xml = parseResponse(res.body);
      expect(xml).toBeDefined();
      expect(xml.ErrorCode).not.toBe('9999');
    } else if (type.startsWith('text/csv') || type.startsWith('text/plain')) {
      expect(res.body).not.toMatch(/(^|,)9999,/m);
    } else {
      // Transport refusals: a status and a one-line reason.
      expect([400, 405, 413, 414]).toContain(res.statusCode);
    }
  }

  it.each(FIELDS.filter((f) => f !== 'XmlReqFilePath'))('a NUL character in %s (PostgreSQL text cannot hold one) is not a 9999', async (field) => {
    const pairs: Array<[string, string]> = [['LaunchID', '5001'], [field, 'a\u0000b'], ['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass']];
    for (const how of [0, 1]) {
      const res = await t.app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?${encoded(pairs, how)}` });
      expectWellFormed(res);
    }
  });

  it('GET: every query string gets a well-formed answer, never 9999', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(fields, fc.nat(2), async (pairs, how) => {
        const res = await t.app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?${encoded(pairs, how)}` });
        expectWellFormed(res);
        if (res.body.includes('<ErrorCode>0</ErrorCode>') || res.statusCode === 302) answered++;
      }),
      RUNS,
    );
    // Not vacuous: some of the random requests got through to a record.
    expect(answered).toBeGreaterThan(0);
  });

  it('POST urlencoded: every body gets a well-formed answer, never 9999', async () => {
    await fc.assert(
      fc.asyncProperty(fields, fc.nat(2), async (pairs, how) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/WebAPI/TaskManager.aspx',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: encoded(pairs, how),
        });
        expectWellFormed(res);
      }),
      RUNS,
    );
  });

  it('POST multipart: every form, with or without an XML file, gets a well-formed answer, never 9999', async () => {
    const file = fc.option(
      fc.record({ name: fc.constantFrom('request.xml', 'REQUEST.XML', 'x.txt', 'a.xml.exe', ''), content: fc.oneof(value, fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b))) }),
    );
    await fc.assert(
      fc.asyncProperty(fields, file, async (pairs, upload) => {
        // Multipart names and values travel as raw UTF-8; a lone surrogate cannot be written.
        const clean = pairs.map(([n, v]) => [n.replace(LONE_SURROGATE, '\uFFFD').replace(/["\r\n]/g, ''), v.replace(LONE_SURROGATE, '\uFFFD')] as [string, string]);
        const files = upload ? [{ field: 'XmlReqFilePath', name: upload.name, content: upload.content }] : [];
        const { payload, headers } = multipartBody(clean, files);
        const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', headers, payload });
        expectWellFormed(res);
      }),
      RUNS,
    );
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, pageUrl, useSeededApp } from '../helper.ts';
import { makeLaunch, setRootPoints } from '../factories.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';
import { expectSchemaValid, hasXmllint, skipNote, validateAgainstSchema, XMLLINT_MISSING } from '../xml-schema.ts';
import { STREAM_ABOVE_RECORDS } from '../../src/render/stream-body.ts';
import { renderXml } from '../../src/render/xml-response.ts';
import { errorAnswer } from '../../src/render/answer.ts';
import { ErrorCodes } from '../../src/errors/error-codes.ts';

/**
 * Every kind of answer the page gives validates against the published schema
 * (schema/TaskManagerResponse.xsd), checked by libxml2 as a client would check it; and documents
 * that break it are refused, so the validation cannot pass by accepting anything.
 */
const HOSTILE_NAME = `<b>"Tom & Jerry's"</b> ]]> 週年慶 𠀀 \u0007 end`;

/** The standard tree, plus records for every state, hostile text and actions of their own. */
const seed = {
  accounts: [
    ...standardSeed.accounts,
    { login: "o'brien", password: 'hostile-pass', userId: 3001, customerId: `A&B <"客戶'>`, parent: null, licences: ['TaskManager'] },
  ],
  launches: [
    ...standardSeed.launches,
    { launchId: 6002, owner: 'globex', name: 'Globex out of points', status: 3, errorCode: 0,
      jobs: [{ jobId: 9102, jobType: 'EMAIL', status: 6, errorCode: 201, cost: 80 }] },
    { launchId: 7003, owner: "o'brien", name: HOSTILE_NAME, status: 1, errorCode: 0, launchCount: 3, expireTime: '2028-02-29 23:59:59',
      jobs: [
        { jobId: 7105, jobType: 'EMAIL', status: 8, errorCode: 0,
          recipients: [{ emailAddress: "o'brien&co@example.com", externRefNum: `<R&1>"'`, deliveryStatus: 'SENT' }] },
        { jobId: 7106, jobType: 'SMS', status: 3, errorCode: 17,
          recipients: [{ smsNumber: '+886 912 000 111', externRefNum: '客戶-1', deliveryStatus: 'FAILED' }] },
      ] },
    { launchId: 7004, owner: 'acme-mkt', name: 'Awaiting approval', status: 99, errorCode: 0, jobs: [] },
    { launchId: 7005, owner: 'acme-mkt', name: 'Paused', status: 2, errorCode: -2,
      jobs: [{ jobId: 7107, jobType: 'SMS', status: 5, errorCode: -2 }] },
  ],
};

const hostile = { ManagerLoginName: "o'brien", ManagerPassword: 'hostile-pass' };

describe.skipIf(!hasXmllint)(`every answer validates against schema/TaskManagerResponse.xsd (${databaseKind})${skipNote(hasXmllint, XMLLINT_MISSING)}`, () => {
  const t = useSeededApp(seed);
  const JOBS = STREAM_ABOVE_RECORDS + 50;

  beforeAll(async () => {
    await t.db.query(`INSERT INTO launch (launch_id, owner_id, name, status) VALUES (5900, 1002, 'Big', 3)`);
    await t.db.query(
      `INSERT INTO job (job_id, launch_id, job_type, status, error_code)
       SELECT 70000 + g, 5900, CASE WHEN g % 2 = 0 THEN 'SMS' ELSE 'EMAIL' END, g % 9, 0 FROM generate_series(1, $1::int) AS g`,
      [JOBS],
    );
  });

  /** The answer to a GET, checked to be the answer meant, then against the schema. */
  const answer = async (fields: Record<string, string>, errorCode: string) => {
    const res = await t.app.inject({ url: pageUrl(fields) });
    const xml = parseResponse(res.body);
    expect(xml.ErrorCode, res.body).toBe(errorCode);
    expect(xml.LAUNCH === undefined).toBe(errorCode !== '0');
    await expectSchemaValid(res.body);
    return { res, xml };
  };

  describe('queries', () => {
    it('a launch query: the launch with all its jobs', async () => {
      const { xml } = await answer({ ...logins.mkt, LaunchID: '5001' }, '0');
      expect(xml.LAUNCH!.JOB).toHaveLength(2);
    });

    it('a job query: the launch holding the one job, its ReportPath at the top', async () => {
      const { xml } = await answer({ ...logins.mkt, JobID: '9002' }, '0');
      expect(xml.LAUNCH!.JOB!.map((job) => job.JobID)).toEqual(['9002']);
      expect(xml.ReportPath).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9002&/);
    });

    it('a query with LaunchID and JobID', async () => {
      const { xml } = await answer({ ...logins.mkt, LaunchID: '5001', JobID: '9001' }, '0');
      expect(xml).toMatchObject({ LaunchID: '5001', JobID: '9001' });
    });

    it('a launch without an expiry (empty ExpireTime) and one with no jobs', async () => {
      expect((await answer({ ...logins.root, LaunchID: '5003' }, '0')).xml.LAUNCH!.ExpireTime).toBe('');
      expect((await answer({ ...logins.mkt, LaunchID: '7004' }, '0')).xml.LAUNCH).toMatchObject({ STATUS: '99', StatusText: '等待批準' });
    });

    it('paused (-2), in error (17) and waiting-for-next-launch records', async () => {
      expect((await answer({ ...logins.mkt, LaunchID: '7005' }, '0')).xml.LAUNCH).toMatchObject({ ERRORCODE: '-2', StatusText: '暫停' });
      const { xml } = await answer({ ...hostile, LaunchID: '7003' }, '0');
      expect(xml.LAUNCH).toMatchObject({ LAUNCHCOUNT: '3', StatusText: '等候下次啟動' });
      expect(xml.LAUNCH!.JOB![1]).toMatchObject({ ERRORCODE: '17', StatusText: '有錯誤' });
    });
  });

  describe('recipient lookups', () => {
    it('by EmailAddress, within a launch', async () => {
      const { res } = await answer({ ...logins.mkt, LaunchID: '5001', EmailAddress: 'BOB@example.com' }, '0');
      // Fields a recipient lacks are written self-closed, the form the schema must accept.
      expect(res.body).toContain('<RECIPIENT><EmailAddress>Bob@Example.com</EmailAddress><SMSNumber/><ExternRefNum>R-2</ExternRefNum>');
    });

    it('by SMSNumber, within a job', async () => {
      const { res } = await answer({ ...logins.mkt, JobID: '9002', SMSNumber: '+886912345678' }, '0');
      expect(res.body).toContain('<RECIPIENT><EmailAddress/><SMSNumber>0912-345-678</SMSNumber>');
    });

    it.each(['EMAIL', '2'])('by ExternRefNum with JobType %s', async (jobType) => {
      const { xml } = await answer({ ...logins.mkt, LaunchID: '5001', ExternRefNum: 'r-1', JobType: jobType }, '0');
      expect(xml.LAUNCH!.JOB).toHaveLength(1);
    });

    it('with hostile text in every recipient field', async () => {
      const { xml } = await answer({ ...hostile, LaunchID: '7003', ExternRefNum: `<R&1>"'`, JobType: 'EMAIL' }, '0');
      expect(xml.LAUNCH!.JOB![0]!.RECIPIENT[0]).toMatchObject({ EmailAddress: "o'brien&co@example.com", ExternRefNum: `<R&1>"'` });
    });
  });

  describe('actions (on records of their own: test/factories.ts)', () => {
    const act = (fields: Record<string, string>) => answer({ ...logins.mkt, ...fields }, '0');

    it('job actions: pause, unpause, terminate', async () => {
      const jobId = String((await makeLaunch(t.db, { status: 3 }, [{ status: 6, cost: 5 }])).jobIds[0]);
      expect((await act({ JobID: jobId, JobAction: '3' })).xml.LAUNCH!.JOB![0]!.ERRORCODE).toBe('-2');
      expect((await act({ JobID: jobId, JobAction: '4' })).xml.LAUNCH!.JOB![0]!.ERRORCODE).toBe('0');
      expect((await act({ JobID: jobId, JobAction: '2' })).xml.LAUNCH!.JOB![0]!.StatusText).toBe('已被終結');
    });

    it('job action restart (5) after a top-up, by the root with the points licence', async () => {
      const jobId = String((await makeLaunch(t.db, { status: 3 }, [{ status: 6, errorCode: 201, cost: 10, jobType: 'SMS' }])).jobIds[0]);
      const restorePoints = await setRootPoints(t.db, 500);
      try {
        const { xml } = await answer({ ...logins.root, JobID: jobId, JobAction: '5' }, '0');
        expect(xml.LAUNCH!.JOB![0]!.ERRORCODE).toBe('0');
      } finally {
        await restorePoints();
      }
    });

    it('launch actions: pause, unpause, change expiry, terminate', async () => {
      const launchId = String((await makeLaunch(t.db, { status: 3 }, [{ status: 6 }])).launchId);
      expect((await act({ LaunchID: launchId, LaunchAction: '3' })).xml.LAUNCH!.ERRORCODE).toBe('-2');
      expect((await act({ LaunchID: launchId, LaunchAction: '4' })).xml.LAUNCH!.ERRORCODE).toBe('0');
      const expiry = await act({ LaunchID: launchId, LaunchAction: '5', ExpireTime: '2031/01/02 03:04:05' });
      expect(expiry.xml.LAUNCH!.ExpireTime).toBe('2031-01-02 03:04:05');
      expect((await act({ LaunchID: launchId, LaunchAction: '2' })).xml.LAUNCH!.ERRORCODE).toBe('-1');
    });

    it('deletes: the job, then the launch (the answer is the record as it was left)', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 7 }, { status: 6 }]);
      await act({ JobID: String(jobIds[0]), JobAction: '1' });
      await act({ LaunchID: String(launchId), LaunchAction: '1' });
    });
  });

  describe('error answers', () => {
    it.each([
      ['102, the missing field named', { ManagerLoginName: 'acme', LaunchID: '5001' }, '102', 'Missing required field: ManagerPassword'],
      ['102 without LaunchID or JobID', { ...logins.mkt }, '102', 'Missing required field: LaunchID or JobID'],
      ['100', { ...logins.mkt, ManagerPassword: 'wrong', LaunchID: '5001' }, '100', 'Invalid ManagerLoginName or ManagerPassword'],
      ['103', { ...logins.mkt, XmlRequest: '<REQUEST><LaunchID>5001</REQUEST>' }, '103', 'Invalid XML request'],
      ['104', { ...logins.mkt, LaunchID: '5001', XmlReqUrl: 'http://xml.example.invalid/request.xml' }, '104', 'XmlReqUrl could not be used'],
      ['106', { ...logins.mkt, LaunchID: '5001', FailedUrl: 'javascript:alert(1)' }, '106', 'Redirect URL not allowed'],
      ['110, an unknown job', { ...logins.mkt, JobID: '424242' }, '110', "JobID doesn't exist"],
      ['110, a job of another launch', { ...logins.mkt, LaunchID: '5001', JobID: '9003' }, '110', "JobID doesn't exist"],
      ['111, a launch of another tree', { ...logins.mkt, LaunchID: '6001' }, '111', "LaunchID doesn't exist"],
      ['112', { ...logins.mkt, LaunchID: '5001', LaunchAction: '9' }, '112', 'Invalid LaunchAction'],
      ['113', { ...logins.mkt, JobID: '9001', JobAction: 'x' }, '113', 'Invalid JobAction'],
      ['114', { ...logins.mkt, LaunchID: '5001', LaunchAction: '5', ExpireTime: 'yyyy/MM/dd HH:mm:ss' }, '114', 'Invalid expire time'],
      ['115', { ...logins.root, LaunchID: '5003', LaunchAction: '2' }, '115', 'Action not allowed in current status'],
      ['116', { ...logins.globex, JobID: '9102', JobAction: '5' }, '116', 'Insufficient points'],
      ['117', { ...logins.mkt, LaunchID: '5001', EmailAddress: 'nobody@example.com' }, '117', 'Recipient not found'],
      ['118', { ...logins.mkt, LaunchID: '5001', ExternRefNum: 'R-1', JobType: 'FAX' }, '118', 'Invalid JobType'],
      ['1000', { ...logins.noLicence, LaunchID: '5001' }, '1000', 'No Licence at Page'],
    ])('%s', async (_name, fields, code, message) => {
      const { xml } = await answer(fields as Record<string, string>, code);
      expect(xml.ErrorMSG).toBe(message);
    });

    it('101 once a login is locked', async () => {
      const fields = { ManagerLoginName: 'nobody', ManagerPassword: 'wrong', LaunchID: '5002' };
      let last = '';
      for (let i = 0; i < 5; i++) last = (await t.app.inject({ url: pageUrl(fields) })).body;
      expect(parseResponse(last).ErrorCode).toBe('101');
      await expectSchemaValid(last);
    });

    it('echoes IDs that are not IDs, hostile text and all', async () => {
      const id = `5,6 <&> '" 週`;
      const { xml } = await answer({ ...logins.mkt, LaunchID: id, JobID: '\u0001x' }, '110');
      expect(xml).toMatchObject({ LaunchID: id, JobID: 'x' });
    });

    it('9999, the body of a 503 (rendered as the page renders it when the database is gone)', async () => {
      const body = renderXml(errorAnswer(ErrorCodes.UNAVAILABLE, { launchId: '5001' }));
      expect(parseResponse(body)).toMatchObject({ ErrorCode: '9999', ErrorMSG: 'Service temporarily unavailable', LaunchID: '5001' });
      await expectSchemaValid(body);
    });

    it('105 from a server configured for GET only, to a POST', async () => {
      const only = await buildTestApp({ env: { OMIS_ALLOWED_METHODS: 'GET' } });
      try {
        const res = await only.app.inject({ method: 'POST', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }), ...multipartBody([]) });
        expect(parseResponse(res.body).ErrorCode).toBe('105');
        await expectSchemaValid(res.body);
      } finally {
        await only.close();
      }
    });
  });

  describe('forms of the answer and hostile text', () => {
    it('ReturnType=XMLFILE: the attachment is the same document', async () => {
      const { res } = await answer({ ...logins.mkt, LaunchID: '5001', ReturnType: 'XMLFILE' }, '0');
      expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5001.xml"');
    });

    it(`a launch of more than ${STREAM_ABOVE_RECORDS} jobs, streamed`, async () => {
      const { res, xml } = await answer({ ...logins.mkt, LaunchID: '5900' }, '0');
      expect(res.headers['content-length']).toBeUndefined();
      expect(xml.LAUNCH!.JOB).toHaveLength(JOBS);
    });

    it('names, customer IDs and recipients with <>&\'" , CJK beyond the BMP and a control character', async () => {
      const { res, xml } = await answer({ ...hostile, LaunchID: '7003' }, '0');
      expect(xml.CustomerID).toBe(`A&B <"客戶'>`);
      expect(xml.LAUNCH!.LaunchName).toBe(HOSTILE_NAME.replace('\u0007', ''));
      expect(res.body).not.toContain('\u0007');
    });

    it('posted as a multipart form, answered the same', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', ...multipartBody(Object.entries({ ...logins.tw, LaunchID: '5002' })) });
      expect(parseResponse(res.body).LAUNCH!.LaunchName).toBe('週年慶 <Anniversary> & "more"');
      await expectSchemaValid(res.body);
    });
  });

  describe('documents that break the schema are refused', () => {
    let valid = '';
    beforeAll(async () => {
      valid = (await answer({ ...logins.mkt, LaunchID: '5001', EmailAddress: 'a@example.com' }, '0')).res.body;
    });

    it.each([
      ['top-level elements out of order', '<ErrorCode>0</ErrorCode><ErrorMSG></ErrorMSG>', '<ErrorMSG></ErrorMSG><ErrorCode>0</ErrorCode>'],
      ['JOB elements out of order', '<JobType>EMAIL</JobType><STATUS>6</STATUS>', '<STATUS>6</STATUS><JobType>EMAIL</JobType>'],
      ['a LAUNCH without LaunchName', '<LaunchName>Newsletter</LaunchName>', ''],
      ['an element the contract does not have', '<LAUNCHCOUNT>0</LAUNCHCOUNT>', '<LAUNCHCOUNT>0</LAUNCHCOUNT><Owner>x</Owner>'],
      ['a job STATUS of 9', '<STATUS>6</STATUS>', '<STATUS>9</STATUS>'],
      ['a launch STATUS of 4', '<STATUS>1</STATUS>', '<STATUS>4</STATUS>'],
      ['an ERRORCODE of -3', '<ERRORCODE>0</ERRORCODE><LAUNCHCOUNT>', '<ERRORCODE>-3</ERRORCODE><LAUNCHCOUNT>'],
      ['a text ErrorCode', '<ErrorCode>0</ErrorCode>', '<ErrorCode>OK</ErrorCode>'],
      ['a JobType other than EMAIL or SMS', '<JobType>EMAIL</JobType>', '<JobType>FAX</JobType>'],
      ['ExpireTime in the request form yyyy/MM/dd', '<ExpireTime>2026-12-31 23:59:59</ExpireTime>', '<ExpireTime>2026/12/31 23:59:59</ExpireTime>'],
      ['ExpireTime as xs:dateTime', '<ExpireTime>2026-12-31 23:59:59</ExpireTime>', '<ExpireTime>2026-12-31T23:59:59</ExpireTime>'],
      ['a StatusText not in the tables', '<StatusText>處理發送中</StatusText>', '<StatusText>sending</StatusText>'],
      ['a RECIPIENT without DeliveryStatus', '<DeliveryStatus>SENT</DeliveryStatus>', ''],
      ['a top-level UserID that is not a number', '<UserID>1002</UserID><CustomerID>', '<UserID>u1002</UserID><CustomerID>'],
    ])('%s', async (_name, from, to) => {
      expect(valid).toContain(from);
      await expectSchemaValid(valid);
      const broken = valid.replace(from, to);
      const verdict = await validateAgainstSchema(broken);
      expect(verdict.valid).toBe(false);
      expect(verdict.messages).toMatch(/Schemas validity error/);
    });
  });
});

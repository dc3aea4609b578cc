import { expect } from 'vitest';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { get, jobStates, multipartForm, urlencodedForm, xmlAnswer, type CompatCase } from './compat-case.ts';
import type { CompatRequest, Fields } from './compat-request.ts';

/**
 * The original document's URL examples and HTML forms (its section 程式範例說明),
 * sent as written there, with its placeholders filled from the standard seed:
 *
 *   API 帳號 / API 密碼  → acme-mkt / mkt-pass (acme, the root, for the points module's restart)
 *   任務編號 (LaunchID)  → 5001 for queries, pause, unpause, expiry; 5002 for terminate and delete
 *   寄送編號 (JobID)     → 9001 for queries, pause, unpause; 9002 for terminate and delete;
 *                          9010 (stopped by error 201, below) for restart
 *
 * The document's forms are sent as a browser submits them (multipart/form-data, hidden fields, the
 * text boxes, the submit button's name and caption); its actions also as URLs, with its spellings.
 */
export const compatSeed = {
  accounts: standardSeed.accounts,
  launches: [
    ...standardSeed.launches,
    { launchId: 5010, owner: 'acme-mkt', name: 'Out of points', status: 3, errorCode: 0,
      jobs: [{ jobId: 9010, jobType: 'EMAIL', status: 6, errorCode: 201, cost: 10 }] },
    { launchId: 5011, owner: 'acme-mkt', name: 'Managed by URL', status: 3, errorCode: 0, expireTime: '2027-06-30 12:00:00',
      jobs: [
        { jobId: 9011, jobType: 'EMAIL', status: 6, errorCode: 0, cost: 5 },
        { jobId: 9012, jobType: 'SMS', status: 6, errorCode: 0, cost: 5 },
        { jobId: 9013, jobType: 'EMAIL', status: 6, errorCode: 201, cost: 10 },
      ] },
  ],
};

const mkt: Fields = [['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass']];
const root: Fields = [['ManagerLoginName', 'acme'], ['ManagerPassword', 'acme-pass']];

const queryLaunch = (launchId: string): CompatRequest => get(...mkt, ['LaunchID', launchId]);
const queryJob = (jobId: string): CompatRequest => get(...mkt, ['JobID', jobId]);

/** 使用 LaunchID … forms: hidden login fields and LaunchAction, the LaunchID box, the button. */
function launchForm(action: string | undefined, button: string, launchId: string, boxes: Fields = []): CompatRequest {
  const hidden: Fields = action ? [...mkt, ['LaunchAction', action]] : mkt;
  return multipartForm(...hidden, ['LaunchID', launchId], ...boxes, ['Submit', button]);
}

/** 使用 JobID … forms: hidden login fields and JobAction, the JobID box, the button. */
function jobForm(action: string | undefined, button: string, jobId: string, login: Fields = mkt): CompatRequest {
  const hidden: Fields = action ? [...login, ['JobAction', action]] : login;
  return multipartForm(...hidden, ['JobID', jobId], ['Submit', button]);
}

const XML_REQUEST =
  '<?xml version="1.0" encoding="utf-8"?><REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword></REQUEST>';

export const DOCUMENT_CASES: CompatCase[] = [
  {
    name: 'URL example 查詢任務狀態: LaunchID answers the launch with all its jobs',
    requests: [queryLaunch('5001')],
    check: ([answer]) => {
      const xml = xmlAnswer(answer, '0');
      expect(xml).toMatchObject({ ErrorMSG: '', LaunchID: '5001', JobID: '', UserID: '1002', CustomerID: 'ACME', ReportPath: '' });
      expect(xml.LAUNCH).toMatchObject({ LaunchName: 'Newsletter', STATUS: '1', ERRORCODE: '0', StatusText: '等候啟動', ExpireTime: '2026-12-31 23:59:59' });
      expect(jobStates(xml)).toEqual(['9001:0', '9002:0']);
    },
  },
  {
    name: 'URL example XmlRequest: the credentials as an XML document, LaunchID beside it',
    requests: [get(['XmlRequest', XML_REQUEST], ['LaunchID', '5001'])],
    check: ([answer]) => {
      expect(jobStates(xmlAnswer(answer, '0'))).toEqual(['9001:0', '9002:0']);
    },
  },
  {
    name: 'field names and values in any letter case (document: case insensitive)',
    requests: [get(['managerloginname', 'ACME-MKT'], ['MANAGERPASSWORD', 'mkt-pass'], ['launchid', '5001'])],
    check: ([answer]) => {
      expect(xmlAnswer(answer, '0').LaunchID).toBe('5001');
    },
  },
  {
    name: 'the same query POSTed urlencoded (GET or POST, as Web.config allows)',
    requests: [urlencodedForm(...mkt, ['LaunchID', '5001'])],
    check: ([answer]) => {
      expect(jobStates(xmlAnswer(answer, '0'))).toEqual(['9001:0', '9002:0']);
    },
  },
  {
    name: 'form 使用 LaunchID 查詢任務狀態',
    requests: [launchForm(undefined, '查詢任務', '5001')],
    check: ([answer]) => {
      expect(jobStates(xmlAnswer(answer, '0'))).toEqual(['9001:0', '9002:0']);
    },
  },
  {
    name: 'form 使用 JobID 查詢寄送狀態: the job inside its launch',
    requests: [jobForm(undefined, '查詢', '9001')],
    check: ([answer]) => {
      const xml = xmlAnswer(answer, '0');
      expect(xml).toMatchObject({ LaunchID: '5001', JobID: '9001', UserID: '1002' });
      expect(xml.ReportPath).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9001&Expires=\d+&Signature=/);
      expect(jobStates(xml)).toEqual(['9001:0']);
    },
  },
  {
    name: 'form 使用 LaunchID 暫停任務 (LaunchAction 3): the launch and its running jobs paused',
    requests: [launchForm('3', '暫停任務', '5001'), queryLaunch('5001')],
    check: ([action, after]) => {
      expect(xmlAnswer(action, '0').LAUNCH).toMatchObject({ ERRORCODE: '-2', StatusText: '暫停' });
      const xml = xmlAnswer(after, '0');
      expect(xml.LAUNCH).toMatchObject({ ERRORCODE: '-2', StatusText: '暫停' });
      expect(jobStates(xml)).toEqual(['9001:-2', '9002:-2']);
    },
  },
  {
    name: 'form 使用 LaunchID 解除暫停任務 (LaunchAction 4): the launch and the jobs it paused resume',
    requests: [launchForm('4', '解除暫停任務', '5001'), queryLaunch('5001')],
    check: ([action, after]) => {
      expect(xmlAnswer(action, '0').LAUNCH!.ERRORCODE).toBe('0');
      const xml = xmlAnswer(after, '0');
      expect(xml.LAUNCH).toMatchObject({ ERRORCODE: '0', StatusText: '等候啟動' });
      expect(jobStates(xml)).toEqual(['9001:0', '9002:0']);
    },
  },
  {
    name: 'form 使用 LaunchID 變更任務截止時間 (LaunchAction 5, ExpireTime yyyy/MM/dd HH:mm:ss)',
    requests: [launchForm('5', '變更任務截止時間', '5001', [['ExpireTime', '2030/12/31 21:13:20']]), queryLaunch('5001')],
    check: ([action, after]) => {
      expect(xmlAnswer(action, '0').LAUNCH!.ExpireTime).toBe('2030-12-31 21:13:20');
      expect(xmlAnswer(after, '0').LAUNCH!.ExpireTime).toBe('2030-12-31 21:13:20');
    },
  },
  {
    name: 'form 變更任務截止時間 submitted with its sample text unchanged: 114, nothing changed',
    requests: [launchForm('5', '變更任務截止時間', '5001', [['ExpireTime', 'yyyy/MM/dd HH:mm:ss']]), queryLaunch('5001')],
    check: ([action, after]) => {
      expect(xmlAnswer(action, '114')).toMatchObject({ ErrorMSG: 'Invalid expire time', LaunchID: '5001' });
      expect(xmlAnswer(after, '0').LAUNCH!.ExpireTime).toBe('2030-12-31 21:13:20');
    },
  },
  {
    name: 'form 使用 JobID 暫停寄送 (JobAction 3)',
    requests: [jobForm('3', '暫停寄送', '9001'), queryJob('9001')],
    check: ([action, after]) => {
      expect(jobStates(xmlAnswer(action, '0'))).toEqual(['9001:-2']);
      const xml = xmlAnswer(after, '0');
      expect(xml.LAUNCH!.JOB![0]).toMatchObject({ ERRORCODE: '-2', StatusText: '暫停' });
      expect(xml.LAUNCH!.ERRORCODE).toBe('0');
    },
  },
  {
    name: 'form 使用 JobID 解除暫停寄送 (JobAction 4)',
    requests: [jobForm('4', '解除暫停寄送', '9001'), queryJob('9001')],
    check: ([action, after]) => {
      expect(jobStates(xmlAnswer(action, '0'))).toEqual(['9001:0']);
      expect(xmlAnswer(after, '0').LAUNCH!.JOB![0]).toMatchObject({ ERRORCODE: '0', StatusText: '處理發送中' });
    },
  },
  {
    name: 'form 使用 JobID 終止寄送 (JobAction 2)',
    requests: [jobForm('2', '終止寄送', '9002'), queryJob('9002')],
    check: ([action, after]) => {
      expect(jobStates(xmlAnswer(action, '0'))).toEqual(['9002:-1']);
      expect(xmlAnswer(after, '0').LAUNCH!.JOB![0]).toMatchObject({ ERRORCODE: '-1', StatusText: '已被終結' });
    },
  },
  {
    name: 'form 使用 JobID 刪除寄送 (JobAction 1): later queries answer 110',
    requests: [jobForm('1', '刪除寄送', '9002'), queryJob('9002'), queryLaunch('5001')],
    check: ([action, job, launch]) => {
      expect(xmlAnswer(action, '0').JobID).toBe('9002');
      expect(xmlAnswer(job, '110')).toMatchObject({ ErrorMSG: "JobID doesn't exist", JobID: '9002' });
      expect(jobStates(xmlAnswer(launch, '0'))).toEqual(['9001:0']);
    },
  },
  {
    name: 'form 使用 LaunchID 終止任務 (LaunchAction 2): the launch and its jobs terminated',
    requests: [launchForm('2', '終止任務', '5002'), queryLaunch('5002')],
    check: ([action, after]) => {
      expect(xmlAnswer(action, '0').LAUNCH!.ERRORCODE).toBe('-1');
      const xml = xmlAnswer(after, '0');
      expect(xml.LAUNCH).toMatchObject({ ERRORCODE: '-1', StatusText: '已被終結', LaunchName: '週年慶 <Anniversary> & "more"' });
      expect(jobStates(xml)).toEqual(['9003:-1']);
    },
  },
  {
    name: 'form 使用 LaunchID 刪除任務 (LaunchAction 1): later queries answer 111',
    requests: [launchForm('1', '刪除任務', '5002'), queryLaunch('5002'), queryJob('9003')],
    check: ([action, launch, job]) => {
      expect(xmlAnswer(action, '0').LaunchID).toBe('5002');
      expect(xmlAnswer(launch, '111')).toMatchObject({ ErrorMSG: "LaunchID doesn't exist", LaunchID: '5002' });
      xmlAnswer(job, '110');
    },
  },
  {
    name: 'form 重新啟動 (JobAction 5): 1000 without the points module, then the root restarts the job',
    requests: [jobForm('5', '重新啟動', '9010'), jobForm('5', '重新啟動', '9010', root), queryJob('9010')],
    check: ([refused, action, after]) => {
      expect(xmlAnswer(refused, '1000').ErrorMSG).toBe('No Licence at Page');
      expect(jobStates(xmlAnswer(action, '0'))).toEqual(['9010:0']);
      expect(xmlAnswer(after, '0').LAUNCH!.JOB![0]).toMatchObject({ ERRORCODE: '0', StatusText: '處理發送中' });
    },
  },
  {
    name: 'URL JobAction=3 then JobAction=4: a job paused and resumed',
    requests: [get(...mkt, ['JobID', '9011'], ['JobAction', '3']), queryJob('9011'), get(...mkt, ['JobID', '9011'], ['JobAction', '4']), queryJob('9011')],
    check: ([pause, paused, unpause, resumed]) => {
      expect(jobStates(xmlAnswer(pause, '0'))).toEqual(['9011:-2']);
      expect(jobStates(xmlAnswer(paused, '0'))).toEqual(['9011:-2']);
      expect(jobStates(xmlAnswer(unpause, '0'))).toEqual(['9011:0']);
      expect(jobStates(xmlAnswer(resumed, '0'))).toEqual(['9011:0']);
    },
  },
  {
    name: 'URL JobAction=2 then JobAction=1: a job terminated, then deleted',
    requests: [get(...mkt, ['JobID', '9012'], ['JobAction', '2']), queryJob('9012'), get(...mkt, ['JobID', '9012'], ['JobAction', '1']), queryJob('9012')],
    check: ([terminate, terminated, remove, removed]) => {
      expect(jobStates(xmlAnswer(terminate, '0'))).toEqual(['9012:-1']);
      expect(jobStates(xmlAnswer(terminated, '0'))).toEqual(['9012:-1']);
      xmlAnswer(remove, '0');
      xmlAnswer(removed, '110');
    },
  },
  {
    name: 'URL JobAction=5 by the root: a job stopped for points restarts',
    requests: [get(...root, ['JobID', '9013'], ['JobAction', '5']), queryJob('9013')],
    check: ([action, after]) => {
      expect(jobStates(xmlAnswer(action, '0'))).toEqual(['9013:0']);
      expect(jobStates(xmlAnswer(after, '0'))).toEqual(['9013:0']);
    },
  },
  {
    name: 'URL LaunchAction=3 then LaunchAction=4: a launch paused with its running jobs, then resumed',
    requests: [get(...mkt, ['LaunchID', '5011'], ['LaunchAction', '3']), queryLaunch('5011'), get(...mkt, ['LaunchID', '5011'], ['LaunchAction', '4']), queryLaunch('5011')],
    check: ([pause, paused, unpause, resumed]) => {
      xmlAnswer(pause, '0');
      const xml = xmlAnswer(paused, '0');
      expect(xml.LAUNCH!.ERRORCODE).toBe('-2');
      expect(jobStates(xml)).toEqual(['9011:-2', '9013:-2']);
      xmlAnswer(unpause, '0');
      expect(jobStates(xmlAnswer(resumed, '0'))).toEqual(['9011:0', '9013:0']);
    },
  },
  {
    name: 'URL LaunchAction=5 with ExpireTime as the document writes it (2012-11-23 09:00:59 form)',
    requests: [get(...mkt, ['LaunchID', '5011'], ['LaunchAction', '5'], ['ExpireTime', '2031-11-23 09:00:59']), queryLaunch('5011')],
    check: ([action, after]) => {
      xmlAnswer(action, '0');
      expect(xmlAnswer(after, '0').LAUNCH!.ExpireTime).toBe('2031-11-23 09:00:59');
    },
  },
  {
    name: 'URL LaunchAction=2 then LaunchAction=1: a launch terminated, then deleted',
    requests: [get(...mkt, ['LaunchID', '5011'], ['LaunchAction', '2']), queryLaunch('5011'), get(...mkt, ['LaunchID', '5011'], ['LaunchAction', '1']), queryLaunch('5011')],
    check: ([terminate, terminated, remove, removed]) => {
      xmlAnswer(terminate, '0');
      const xml = xmlAnswer(terminated, '0');
      expect(xml.LAUNCH).toMatchObject({ ERRORCODE: '-1', StatusText: '已被終結' });
      expect(jobStates(xml)).toEqual(['9011:-1', '9013:-1']);
      xmlAnswer(remove, '0');
      xmlAnswer(removed, '111');
    },
  },
];

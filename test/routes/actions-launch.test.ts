import { describe, expect, it } from 'vitest';
import { databaseKind, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { launchForm, postForm } from './actions-support.ts';
import { auditRows, jobRow, launchRow, makeLaunch } from '../factories.ts';

/**
 * The launch forms of the original document (查詢/刪除/終止/暫停/解除暫停/變更任務截止時間), posted as
 * multipart with their exact field names, and the contract's answers (docs/API.md#actions).
 */
describe(`launch actions through the document's HTML forms (${databaseKind})`, () => {
  const t = useSeededApp();

  const post = (fields: Array<[string, string]>) => postForm(t.app, fields);

  it('查詢任務: the query form answers the launch with all its jobs', async () => {
    const xml = await post(launchForm(logins.mkt, undefined, '5001', '查詢任務'));
    expect(xml.ErrorCode).toBe('0');
    expect(xml.LAUNCH.LaunchID).toBe('5001');
    expect(xml.LAUNCH.JOB.map((job: { JobID: string }) => job.JobID)).toEqual(['9001', '9002']);
  });

  describe('刪除任務 (LaunchAction 1)', () => {
    it('deletes a running launch: stops it and its unfinished jobs, answers once, then 111', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }, { status: 0 }, { status: 3, errorCode: -2 }]);
      const xml = await post(launchForm(logins.mkt, '1', String(launchId), '刪除任務'));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ERRORCODE).toBe('-1');
      expect(xml.LAUNCH.JOB.map((job: { ERRORCODE: string }) => job.ERRORCODE)).toEqual(['-1', '0', '-1']);
      expect((await launchRow(t.db, launchId)).deleted_at).not.toBeNull();
      for (const jobId of jobIds) expect((await jobRow(t.db, jobId)).deleted_at).not.toBeNull();
      expect((await post(launchForm(logins.mkt, undefined, String(launchId), '查詢任務'))).ErrorCode).toBe('111');
      expect((await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['JobID', String(jobIds[0])]])).ErrorCode).toBe('110');
      // Deleting again: the launch no longer exists.
      expect((await post(launchForm(logins.mkt, '1', String(launchId), '刪除任務'))).ErrorCode).toBe('111');
    });

    it('deletes a finished launch without changing its ERRORCODE', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 0 }, [{ status: 0 }]);
      const xml = await post(launchForm(logins.mkt, '1', String(launchId), '刪除任務'));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ERRORCODE).toBe('0');
      expect(xml.LAUNCH.StatusText).toBe('啟動完畢');
    });

    it("answers 111 for another tree's launch and changes nothing", async () => {
      const xml = await post(launchForm(logins.mkt, '1', '6001', '刪除任務'));
      expect(xml.ErrorCode).toBe('111');
      expect(xml.ErrorMSG).toBe("LaunchID doesn't exist");
      expect(xml.LAUNCH).toBeUndefined();
      expect((await launchRow(t.db, 6001)).deleted_at).toBeNull();
    });
  });

  describe('終止任務 (LaunchAction 2)', () => {
    it('terminates the launch and its unfinished jobs, leaving finished ones', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6 }, { status: 0 }, { status: 4, errorCode: -2 }, { status: 5, errorCode: 201 }]);
      const xml = await post(launchForm(logins.mkt, '2', String(launchId), '終止任務'));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ERRORCODE).toBe('-1');
      expect(xml.LAUNCH.STATUS).toBe('3');
      expect(xml.LAUNCH.StatusText).toBe('已被終結');
      expect(xml.LAUNCH.JOB.map((job: { ERRORCODE: string }) => job.ERRORCODE)).toEqual(['-1', '0', '-1', '-1']);
      expect((await jobRow(t.db, jobIds[1]!)).error_code).toBe(0);
    });

    it('is idempotent on a terminated launch', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 2, errorCode: -1 });
      const xml = await post(launchForm(logins.mkt, '2', String(launchId), '終止任務'));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ERRORCODE).toBe('-1');
    });

    it('refuses a finished launch with 115', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 0 }, [{ status: 6 }]);
      const xml = await post(launchForm(logins.mkt, '2', String(launchId), '終止任務'));
      expect(xml.ErrorCode).toBe('115');
      expect(xml.ErrorMSG).toBe('Action not allowed in current status');
      expect(xml.LAUNCH).toBeUndefined();
    });
  });

  describe('暫停任務 / 解除暫停任務 (LaunchAction 3 and 4)', () => {
    it('pauses running jobs, and unpausing resumes exactly those', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }, { status: 2, errorCode: -2 }, { status: 0 }, { status: 7, errorCode: 9 }]);
      const paused = await post(launchForm(logins.mkt, '3', String(launchId), '暫停任務'));
      expect(paused.ErrorCode).toBe('0');
      expect(paused.LAUNCH.ERRORCODE).toBe('-2');
      expect(paused.LAUNCH.StatusText).toBe('暫停');
      expect(paused.LAUNCH.JOB.map((job: { ERRORCODE: string }) => job.ERRORCODE)).toEqual(['-2', '-2', '0', '9']);
      expect((await jobRow(t.db, jobIds[0]!)).paused_by_launch).toBe(true);
      expect((await jobRow(t.db, jobIds[1]!)).paused_by_launch).toBe(false);

      // Pausing again: success, nothing changes.
      expect((await post(launchForm(logins.mkt, '3', String(launchId), '暫停任務'))).LAUNCH.ERRORCODE).toBe('-2');

      const resumed = await post(launchForm(logins.mkt, '4', String(launchId), '解除暫停任務'));
      expect(resumed.ErrorCode).toBe('0');
      expect(resumed.LAUNCH.ERRORCODE).toBe('0');
      // The job paused on its own before stays paused; the one the launch paused runs again.
      expect(resumed.LAUNCH.JOB.map((job: { ERRORCODE: string }) => job.ERRORCODE)).toEqual(['0', '-2', '0', '9']);
      expect((await jobRow(t.db, jobIds[0]!)).paused_by_launch).toBe(false);
    });

    it('unpause on a running launch is a success without change', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 1 }, [{ status: 1 }]);
      const xml = await post(launchForm(logins.mkt, '4', String(launchId), '解除暫停任務'));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ERRORCODE).toBe('0');
      expect(xml.LAUNCH.StatusText).toBe('等候啟動');
    });

    it.each([
      ['finished', 0, 0],
      ['terminated', 2, -1],
      ['in error', 2, 5],
    ])('refuses to pause a %s launch with 115', async (_name, status, errorCode) => {
      const { launchId } = await makeLaunch(t.db, { status, errorCode });
      expect((await post(launchForm(logins.mkt, '3', String(launchId), '暫停任務'))).ErrorCode).toBe('115');
      expect((await post(launchForm(logins.mkt, '4', String(launchId), '解除暫停任務'))).ErrorCode).toBe('115');
    });
  });

  describe('變更任務截止時間 (LaunchAction 5)', () => {
    it.each([
      ['2031/02/28 21:13:20', '2031-02-28 21:13:20'],
      ['2031-12-31 23:59:59', '2031-12-31 23:59:59'],
    ])('sets ExpireTime %s and shows it back as %s', async (given, shown) => {
      const { launchId } = await makeLaunch(t.db, { status: 1 });
      const xml = await post(launchForm(logins.mkt, '5', String(launchId), '變更任務截止時間', [['ExpireTime', given]]));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH.ExpireTime).toBe(shown);
      // Asia/Taipei is UTC+8.
      expect((await launchRow(t.db, launchId)).expire_time?.toISOString().slice(0, 10)).toBe(shown.slice(0, 10));
    });

    it.each([
      ['the form’s placeholder', 'yyyy/MM/dd HH:mm:ss'],
      ['Feb 30', '2031/02/30 10:00:00'],
      ['hour 24', '2031-01-01 24:00:00'],
      ['a past time', '2001-01-01 00:00:00'],
      ['mixed separators', '2031-01/01 10:00:00'],
    ])('refuses %s with 114', async (_name, given) => {
      const { launchId } = await makeLaunch(t.db, { status: 1 });
      const xml = await post(launchForm(logins.mkt, '5', String(launchId), '變更任務截止時間', [['ExpireTime', given]]));
      expect(xml.ErrorCode).toBe('114');
      expect(xml.ErrorMSG).toBe('Invalid expire time');
      expect((await launchRow(t.db, launchId)).expire_time?.toISOString()).toBe('2030-06-30T04:00:00.000Z');
    });

    it('refuses a missing ExpireTime with 114', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 1 });
      expect((await post(launchForm(logins.mkt, '5', String(launchId), '變更任務截止時間'))).ErrorCode).toBe('114');
    });

    it.each([
      ['finished', 0, 0, '115'],
      ['terminated', 1, -1, '115'],
      ['paused', 1, -2, '0'],
      ['in error', 1, 3, '0'],
    ])('on a %s launch (STATUS %i, ERRORCODE %i) answers %s', async (_name, status, errorCode, want) => {
      const { launchId } = await makeLaunch(t.db, { status, errorCode });
      const xml = await post(launchForm(logins.mkt, '5', String(launchId), '變更任務截止時間', [['ExpireTime', '2032/01/01 00:00:00']]));
      expect(xml.ErrorCode).toBe(want);
    });
  });

  describe('refusals in the checking order', () => {
    it.each(['0', '6', '1.0', 'x', '-1'])('LaunchAction=%s is 112', async (action) => {
      expect((await post(launchForm(logins.mkt, action, '5001', 'x'))).ErrorCode).toBe('112');
    });

    it('an invalid LaunchAction on a missing launch is 112 (syntax before existence)', async () => {
      expect((await post(launchForm(logins.mkt, '9', '999999', 'x'))).ErrorCode).toBe('112');
    });

    it('a wrong password is 100 and no audit entry names the account', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 1 });
      const xml = await post(launchForm({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong' }, '2', String(launchId), 'x'));
      expect(xml.ErrorCode).toBe('100');
      expect(await auditRows(t.db, 'launch', launchId)).toEqual([]);
    });

    it('an account without the TaskManager licence is 1000 before anything else', async () => {
      expect((await post(launchForm(logins.noLicence, '9', '5001', 'x'))).ErrorCode).toBe('1000');
    });

    it('LaunchAction without LaunchID is 102', async () => {
      const xml = await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchAction', '2'], ['JobID', '9001']]);
      expect(xml.ErrorCode).toBe('102');
      expect(xml.ErrorMSG).toBe('Missing required field: LaunchID');
    });

    it('LaunchAction with a JobID of another launch is 110, and nothing changes', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 2 });
      const xml = await post(launchForm(logins.mkt, '2', String(launchId), 'x', [['JobID', '9001']]));
      expect(xml.ErrorCode).toBe('110');
      expect((await launchRow(t.db, launchId)).error_code).toBe(0);
    });

    it('LaunchAction with its own JobID answers that job inside the launch', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }, { status: 6 }]);
      const xml = await post(launchForm(logins.mkt, '3', String(launchId), 'x', [['JobID', String(jobIds[1])]]));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.JobID).toBe(String(jobIds[1]));
      expect(xml.LAUNCH.JOB.map((job: { JobID: string }) => job.JobID)).toEqual([String(jobIds[1])]);
      expect(xml.LAUNCH.JOB[0].ERRORCODE).toBe('-2');
    });

    it('a sub-account cannot act on its parent’s launch (111), the parent can act on its child’s', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 2 });
      expect((await post(launchForm(logins.tw, '3', String(launchId), 'x'))).ErrorCode).toBe('111');
      expect((await post(launchForm(logins.root, '3', String(launchId), 'x'))).ErrorCode).toBe('0');
    });
  });

  describe('the audit log', () => {
    it('records an accepted action with who, where, what, before and after', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }]);
      await post(launchForm(logins.mkt, '3', String(launchId), '暫停任務'));
      const [entry, ...rest] = await auditRows(t.db, 'launch', launchId);
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ login: 'acme-mkt', account_id: 1002, client_ip: '203.0.113.7', action: 'launch.pause', error_code: 0 });
      expect(entry!.before.launch).toMatchObject({ launchId, errorCode: 0, deleted: false });
      expect(entry!.before.jobs).toEqual([expect.objectContaining({ jobId: jobIds[0], errorCode: 0, pausedByLaunch: false })]);
      expect(entry!.after.launch).toMatchObject({ errorCode: -2 });
      expect(entry!.after.jobs).toEqual([expect.objectContaining({ jobId: jobIds[0], errorCode: -2, pausedByLaunch: true })]);
      expect(entry!.before.request).toMatchObject({ LaunchAction: '3', LaunchID: String(launchId) });
    });

    it('records refusals: 112, 114, 115 and 111, each with what was asked', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 0 });
      await post(launchForm(logins.mkt, '7', String(launchId), 'x'));
      await post(launchForm(logins.mkt, '5', String(launchId), 'x', [['ExpireTime', '2031/02/30 00:00:00']]));
      await post(launchForm(logins.mkt, '2', String(launchId), 'x'));
      const entries = await auditRows(t.db, 'launch', launchId);
      expect(entries.map((entry) => [entry.action, entry.error_code])).toEqual([
        ['launch.invalid', 112],
        ['launch.change-expiry', 114],
        ['launch.terminate', 115],
      ]);
      expect(entries.every((entry) => entry.after === null && entry.login === 'acme-mkt')).toBe(true);
      expect(entries[1]!.before.request.ExpireTime).toBe('2031/02/30 00:00:00');
      expect(entries[2]!.before.launch).toMatchObject({ launchId, status: 0, errorCode: 0 });

      await post(launchForm(logins.mkt, '2', '6001', 'x'));
      const foreign = (await auditRows(t.db, 'launch', 6001)).filter((entry) => entry.action === 'launch.terminate');
      expect(foreign.map((entry) => [entry.action, entry.error_code, entry.login])).toEqual([['launch.terminate', 111, 'acme-mkt']]);
      expect(foreign[0]!.before).toEqual({ request: expect.objectContaining({ LaunchID: '6001' }) });
    });

    it('does not audit queries', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 1 });
      await post(launchForm(logins.mkt, undefined, String(launchId), '查詢任務'));
      expect(await auditRows(t.db, 'launch', launchId)).toEqual([]);
    });
  });
});

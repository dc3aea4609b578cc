import { describe, expect, it } from 'vitest';
import { databaseKind, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { jobForm, postForm } from './actions-support.ts';
import { auditRows, jobRow, makeLaunch, rootPoints, setRootPoints } from '../factories.ts';

/**
 * The job forms of the original document (查詢/刪除/終止/暫停/解除暫停寄送, 重新啟動), posted as multipart
 * with their exact field names, and the contract's answers (docs/API.md#actions).
 */
describe(`job actions through the document's HTML forms (${databaseKind})`, () => {
  const t = useSeededApp();

  const post = (fields: Array<[string, string]>) => postForm(t.app, fields);
  const codes = (xml: { LAUNCH: { JOB: Array<{ ERRORCODE: string }> } }) => xml.LAUNCH.JOB.map((job) => job.ERRORCODE);

  it('查詢 (JobID): the query form answers the job inside its launch', async () => {
    const xml = await post(jobForm(logins.mkt, undefined, '9002', '查詢'));
    expect(xml.ErrorCode).toBe('0');
    expect(xml.JobID).toBe('9002');
    expect(xml.LAUNCH.LaunchID).toBe('5001');
    expect(xml.LAUNCH.JOB.map((job: { JobID: string }) => job.JobID)).toEqual(['9002']);
  });

  describe('刪除寄送 (JobAction 1)', () => {
    it('deletes a running job: stops it, answers once, then 110; its launch and siblings stay', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6 }, { status: 6 }]);
      const xml = await post(jobForm(logins.mkt, '1', String(jobIds[0]), '刪除寄送'));
      expect(xml.ErrorCode).toBe('0');
      expect(codes(xml)).toEqual(['-1']);
      expect((await jobRow(t.db, jobIds[0]!)).deleted_at).not.toBeNull();
      expect((await post(jobForm(logins.mkt, undefined, String(jobIds[0]), '查詢'))).ErrorCode).toBe('110');
      const launch = await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchID', String(launchId)]]);
      expect(launch.LAUNCH.JOB.map((job: { JobID: string }) => job.JobID)).toEqual([String(jobIds[1])]);
    });

    it('deletes a finished job keeping ERRORCODE 0', async () => {
      const { jobIds } = await makeLaunch(t.db, { status: 0 }, [{ status: 0 }]);
      const xml = await post(jobForm(logins.mkt, '1', String(jobIds[0]), '刪除寄送'));
      expect(xml.ErrorCode).toBe('0');
      expect(codes(xml)).toEqual(['0']);
    });

    it("answers 110 for another tree's job", async () => {
      const xml = await post(jobForm(logins.mkt, '1', '9101', '刪除寄送'));
      expect(xml.ErrorCode).toBe('110');
      expect(xml.ErrorMSG).toBe("JobID doesn't exist");
      expect((await jobRow(t.db, 9101)).deleted_at).toBeNull();
    });
  });

  describe('終止寄送 (JobAction 2)', () => {
    it.each([
      ['running', 6, 0, '0', '-1'],
      ['paused', 4, -2, '0', '-1'],
      ['in error', 7, 9, '0', '-1'],
      ['out of points', 7, 201, '0', '-1'],
      ['terminated', 7, -1, '0', '-1'],
    ])('terminates a %s job', async (_name, status, errorCode, wantCode, wantJob) => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status, errorCode }]);
      const xml = await post(jobForm(logins.mkt, '2', String(jobIds[0]), '終止寄送'));
      expect(xml.ErrorCode).toBe(wantCode);
      expect(codes(xml)).toEqual([wantJob]);
      expect(xml.LAUNCH.JOB[0].StatusText).toBe('已被終結');
    });

    it('refuses a finished job with 115 and changes nothing', async () => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 0 }]);
      const xml = await post(jobForm(logins.mkt, '2', String(jobIds[0]), '終止寄送'));
      expect(xml.ErrorCode).toBe('115');
      expect(xml.LAUNCH).toBeUndefined();
      expect((await jobRow(t.db, jobIds[0]!)).error_code).toBe(0);
    });
  });

  describe('暫停寄送 / 解除暫停寄送 (JobAction 3 and 4)', () => {
    it('pauses and unpauses at the same STATUS, each twice (idempotent)', async () => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6 }]);
      const id = String(jobIds[0]);
      for (let i = 0; i < 2; i++) {
        const paused = await post(jobForm(logins.mkt, '3', id, '暫停寄送'));
        expect([paused.ErrorCode, paused.LAUNCH.JOB[0].STATUS, paused.LAUNCH.JOB[0].ERRORCODE, paused.LAUNCH.JOB[0].StatusText]).toEqual(['0', '6', '-2', '暫停']);
      }
      for (let i = 0; i < 2; i++) {
        const resumed = await post(jobForm(logins.mkt, '4', id, '解除暫停寄送'));
        expect([resumed.ErrorCode, resumed.LAUNCH.JOB[0].STATUS, resumed.LAUNCH.JOB[0].ERRORCODE, resumed.LAUNCH.JOB[0].StatusText]).toEqual(['0', '6', '0', '處理發送中']);
      }
      const entries = await auditRows(t.db, 'job', jobIds[0]!);
      expect(entries.map((entry) => [entry.action, entry.error_code, entry.before.job.errorCode, entry.after.job.errorCode])).toEqual([
        ['job.pause', 0, 0, -2],
        ['job.pause', 0, -2, -2],
        ['job.unpause', 0, -2, 0],
        ['job.unpause', 0, 0, 0],
      ]);
    });

    it.each([
      ['finished', 0, 0],
      ['terminated', 6, -1],
      ['in error', 6, 9],
      ['out of points', 6, 201],
    ])('refuses to pause or unpause a %s job with 115', async (_name, status, errorCode) => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status, errorCode }]);
      expect((await post(jobForm(logins.mkt, '3', String(jobIds[0]), '暫停寄送'))).ErrorCode).toBe('115');
      expect((await post(jobForm(logins.mkt, '4', String(jobIds[0]), '解除暫停寄送'))).ErrorCode).toBe('115');
    });

    it('refuses to unpause a job whose launch is paused (115); unpausing the launch resumes it', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }]);
      await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchAction', '3'], ['LaunchID', String(launchId)]]);
      expect((await post(jobForm(logins.mkt, '4', String(jobIds[0]), '解除暫停寄送'))).ErrorCode).toBe('115');
      await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchAction', '4'], ['LaunchID', String(launchId)]]);
      expect((await jobRow(t.db, jobIds[0]!)).error_code).toBe(0);
    });

    it('a job paused by its launch and then paused on its own still resumes with the launch', async () => {
      const { launchId, jobIds } = await makeLaunch(t.db, { status: 2 }, [{ status: 6 }]);
      await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchAction', '3'], ['LaunchID', String(launchId)]]);
      expect((await post(jobForm(logins.mkt, '3', String(jobIds[0]), '暫停寄送'))).ErrorCode).toBe('0');
      await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchAction', '4'], ['LaunchID', String(launchId)]]);
      expect((await jobRow(t.db, jobIds[0]!)).error_code).toBe(0);
    });
  });

  describe('重新啟動 (JobAction 5, the points module)', () => {
    it('restarts a job stopped by 201, reserving its remaining cost from the root', async () => {
      await setRootPoints(t.db, 100);
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6, errorCode: 201, cost: 30, pointsCharged: 12 }]);
      const xml = await post(jobForm(logins.root, '5', String(jobIds[0]), '重新啟動'));
      expect(xml.ErrorCode).toBe('0');
      expect([xml.LAUNCH.JOB[0].STATUS, xml.LAUNCH.JOB[0].ERRORCODE]).toEqual(['6', '0']);
      expect(await rootPoints(t.db)).toBe(82);
      expect((await jobRow(t.db, jobIds[0]!)).points_charged).toBe(30);
      const [entry] = await auditRows(t.db, 'job', jobIds[0]!);
      expect(entry).toMatchObject({ action: 'job.restart', error_code: 0 });
      expect([entry!.before.rootPoints, entry!.after.rootPoints]).toEqual([100, 82]);
      // Restarting again: the job is running, not stopped by 201.
      expect((await post(jobForm(logins.root, '5', String(jobIds[0]), '重新啟動'))).ErrorCode).toBe('115');
      expect(await rootPoints(t.db)).toBe(82);
    });

    it('refuses with 116 when the root is short, and changes nothing', async () => {
      await setRootPoints(t.db, 17);
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6, errorCode: 201, cost: 30, pointsCharged: 12 }]);
      const xml = await post(jobForm(logins.root, '5', String(jobIds[0]), '重新啟動'));
      expect(xml.ErrorCode).toBe('116');
      expect(xml.ErrorMSG).toBe('Insufficient points');
      expect(await rootPoints(t.db)).toBe(17);
      expect((await jobRow(t.db, jobIds[0]!)).error_code).toBe(201);
      const [entry] = await auditRows(t.db, 'job', jobIds[0]!);
      expect(entry).toMatchObject({ action: 'job.restart', error_code: 116, after: null });
      expect(entry!.before.rootPoints).toBe(17);
    });

    it('restarting a sub-account’s job spends the shared root points; without the Points licence it is 1000', async () => {
      await setRootPoints(t.db, 50);
      const { jobIds } = await makeLaunch(t.db, { status: 3, owner: 'acme-mkt-tw' }, [{ status: 6, errorCode: 201, cost: 20 }]);
      // acme-mkt lacks the Points licence: 1000 before anything else, even for a missing job.
      expect((await post(jobForm(logins.mkt, '5', String(jobIds[0]), '重新啟動'))).ErrorCode).toBe('1000');
      expect((await post(jobForm(logins.mkt, '5', '999999', '重新啟動'))).ErrorCode).toBe('1000');
      expect(await rootPoints(t.db)).toBe(50);
      expect((await post(jobForm(logins.root, '5', String(jobIds[0]), '重新啟動'))).ErrorCode).toBe('0');
      expect(await rootPoints(t.db)).toBe(30);
    });

    it('refuses a job that is not stopped by 201 with 115, whatever the balance', async () => {
      await setRootPoints(t.db, 1000);
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6 }, { status: 6, errorCode: 9 }, { status: 6, errorCode: -2 }]);
      for (const jobId of jobIds) expect((await post(jobForm(logins.root, '5', String(jobId), '重新啟動'))).ErrorCode).toBe('115');
      expect(await rootPoints(t.db)).toBe(1000);
    });

    it('a root in another tree cannot restart (110) and its points are untouched', async () => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6, errorCode: 201, cost: 5 }]);
      expect((await post(jobForm(logins.globex, '5', String(jobIds[0]), '重新啟動'))).ErrorCode).toBe('110');
      expect(await rootPoints(t.db, 2001)).toBe(50);
    });
  });

  describe('refusals in the checking order', () => {
    it.each(['0', '6', '55', 'restart', ''])('JobAction=%j is 113 (or a plain query when blank)', async (action) => {
      const xml = await post(jobForm(logins.mkt, action || undefined, '9001', 'x'));
      expect(xml.ErrorCode).toBe(action === '' ? '0' : '113');
    });

    it('JobAction without JobID is 102', async () => {
      const xml = await post([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['JobAction', '2'], ['LaunchID', '5001']]);
      expect(xml.ErrorCode).toBe('102');
      expect(xml.ErrorMSG).toBe('Missing required field: JobID');
    });

    it('JobAction with LaunchID of another launch is 110 and nothing changes', async () => {
      const { jobIds } = await makeLaunch(t.db, { status: 3 }, [{ status: 6 }]);
      expect((await post(jobForm(logins.mkt, '2', String(jobIds[0]), 'x', [['LaunchID', '5001']]))).ErrorCode).toBe('110');
      expect((await jobRow(t.db, jobIds[0]!)).error_code).toBe(0);
    });

    it('an ID that is not an ID is 110', async () => {
      expect((await post(jobForm(logins.mkt, '2', '9001,9002', 'x'))).ErrorCode).toBe('110');
      const entries = await t.db.query<{ target_id: number | null; error_code: number }>(
        `SELECT target_id, error_code FROM audit_log WHERE before -> 'request' ->> 'JobID' = '9001,9002'`,
      );
      expect(entries).toEqual([{ target_id: null, error_code: 110 }]);
    });

    it('LaunchAction and JobAction together are refused as 112', async () => {
      expect((await post(jobForm(logins.mkt, '2', '9001', 'x', [['LaunchAction', '2'], ['LaunchID', '5001']]))).ErrorCode).toBe('112');
      expect((await jobRow(t.db, 9001)).error_code).toBe(0);
    });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';
import { listSandboxRules, setSandboxRule } from '../../src/store/sandbox.ts';
import { listJournal } from '../../src/store/journal.ts';
import { listAudit } from '../../src/store/audit.ts';
import { parseSandboxRule } from '../../src/tasks/sandbox-rule.ts';

/**
 * Sandbox rules against the page: only the account's own requests, only after its password was
 * checked, exactly N of them across concurrent requests, marked in the journal and the audit log.
 */
describe(`sandbox rules on TaskManager.aspx (${databaseKind})`, () => {
  const t = useSeededApp();
  beforeEach(async () => {
    await t.journal!.flush();
    await t.db.exec('DELETE FROM sandbox_rule; DELETE FROM request_journal');
  });
  const query = async (login: { ManagerLoginName: string; ManagerPassword: string }, fields: Record<string, string> = { LaunchID: '5001' }) => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...login, ...fields }) });
    return { status: res.statusCode, answer: parseResponse(res.body) };
  };
  const rule = (fields: Parameters<typeof parseSandboxRule>[0]) => setSandboxRule(t.db, 1002, parseSandboxRule(fields), 'test');

  it("answers the account's next N requests with the chosen ErrorCode (9999 as HTTP 503), then normally again", async () => {
    await rule({ errorCode: '9999', requests: '2' });
    const answers = [await query(logins.mkt), await query(logins.mkt), await query(logins.mkt)];
    expect(answers.map((a) => [a.status, a.answer.ErrorCode, a.answer.ErrorMSG])).toEqual([
      [503, '9999', 'Service temporarily unavailable'],
      [503, '9999', 'Service temporarily unavailable'],
      [200, '0', ''],
    ]);
    // The IDs the request gave are echoed, as in any error answer.
    expect(answers[0]!.answer.LaunchID).toBe('5001');
    const [rule1] = await listSandboxRules(t.db);
    expect(rule1).toMatchObject({ login: 'acme-mkt', remaining: 0, active: false });
  });

  it('never touches another account, not even one below it in the tree', async () => {
    await rule({ errorCode: '101', requests: '5' });
    expect((await query(logins.tw, { LaunchID: '5002' })).answer.ErrorCode).toBe('0');
    expect((await query(logins.root, { LaunchID: '5001' })).answer.ErrorCode).toBe('0');
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('101');
  });

  it('comes after authentication: a wrong password is answered 100 and uses no turn', async () => {
    await rule({ errorCode: '9999', requests: '1' });
    expect((await query({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong' })).answer.ErrorCode).toBe('100');
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('9999');
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('0');
  });

  it('holds for T seconds, and no longer', async () => {
    await rule({ errorCode: '1000', seconds: '600' });
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('1000');
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('1000');
    await t.db.exec("UPDATE sandbox_rule SET until = now() - interval '1 second'");
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('0');
  });

  it('shapes exactly N of many concurrent requests', async () => {
    await rule({ errorCode: '9999', requests: '3' });
    const codes = await Promise.all(Array.from({ length: 10 }, async () => (await query(logins.mkt)).answer.ErrorCode));
    expect(codes.filter((code) => code === '9999')).toHaveLength(3);
    expect(codes.filter((code) => code === '0')).toHaveLength(7);
  });

  it('delays the answer by the latency, and answers normally when the rule has no ErrorCode', async () => {
    await rule({ latencyMs: '300', requests: '1' });
    const started = performance.now();
    expect((await query(logins.mkt)).answer.ErrorCode).toBe('0');
    // A lower bound only: a timer never fires early (by more than its rounding).
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('marks every shaped answer in the journal, with what was injected', async () => {
    await rule({ latencyMs: '20', errorCode: '9999', requests: '1' });
    await query(logins.mkt);
    await query(logins.mkt);
    await t.journal!.flush();
    const entries = await listJournal(t.db, { limit: 10 });
    expect(entries.map((entry) => [entry.error_code, entry.injected])).toEqual([
      [0, null],
      [9999, { latencyMs: 20, errorCode: 9999 }],
    ]);
    expect(entries[1]!.duration_ms).toBeGreaterThanOrEqual(19);
  });

  it('refuses an action in the sandbox without doing it, and audits it as a sandbox answer', async () => {
    await rule({ errorCode: '115', requests: '1' });
    const paused = await query(logins.mkt, { LaunchID: '5001', LaunchAction: '3' });
    expect(paused.answer.ErrorCode).toBe('115');
    expect((await query(logins.mkt)).answer.LAUNCH!.ERRORCODE).toBe('0');
    const [entry] = await listAudit(t.db, { launchId: 5001, limit: 1 });
    expect(entry).toMatchObject({ action: 'launch.pause', error_code: 115, origin: 'api', before: { sandbox: { errorCode: 115, latencyMs: 0 } } });
  });
});

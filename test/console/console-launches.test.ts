import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { listAudit } from '../../src/store/audit.ts';
import { setSandboxRule } from '../../src/store/sandbox.ts';
import { parseSandboxRule } from '../../src/tasks/sandbox-rule.ts';
import { ConsoleClient } from './console-client.ts';
import { launchRow, makeLaunch } from '../factories.ts';
import { parseResponse } from '../xml.ts';

/**
 * The manager's pages: the tree's launches and nothing else, a launch, its actions and lookups.
 * Actions that leave a record changed act on records of their own (test/factories.ts).
 */
describe(`console launches (${databaseKind})`, () => {
  const t = useSeededApp();
  let mkt: ConsoleClient;
  beforeAll(async () => {
    mkt = new ConsoleClient(t.app);
    await mkt.signIn(logins.mkt);
  });
  const launchIds = (body: string) => [...body.matchAll(/href="\/console\/launches\/(\d+)"/g)].map((match) => Number(match[1]));
  const api = async (fields: Record<string, string>) => parseResponse((await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, ...fields }) })).body);

  it("lists the launches of the manager's tree only: its own and those below, never above or in another tree", async () => {
    const list = await mkt.get('/console/');
    expect(launchIds(list.body)).toEqual([5002, 5001]);
    expect(list.body).toContain('週年慶 &lt;Anniversary&gt; &amp; &quot;more&quot;');
    expect(list.body).toContain('<span lang="zh-Hant">等候啟動</span> <span class="en">waiting to launch</span>');
    const root = new ConsoleClient(t.app);
    await root.signIn(logins.root);
    expect(launchIds((await root.get('/console/')).body)).toEqual([5003, 5002, 5001]);
    const globex = new ConsoleClient(t.app);
    await globex.signIn(logins.globex);
    expect(launchIds((await globex.get('/console/')).body)).toEqual([6001]);
  });

  it('filters by status, owner and text, and pages', async () => {
    expect(launchIds((await mkt.get('/console/?status=running')).body)).toEqual([5002]);
    expect(launchIds((await mkt.get('/console/?status=waiting')).body)).toEqual([5001]);
    expect(launchIds((await mkt.get('/console/?owner=1003')).body)).toEqual([5002]);
    // An owner outside the tree filters to nothing rather than showing its launches.
    expect(launchIds((await mkt.get('/console/?owner=2001')).body)).toEqual([]);
    expect(launchIds((await mkt.get('/console/?q=news')).body)).toEqual([5001]);
    expect(launchIds((await mkt.get('/console/?q=5002')).body)).toEqual([5002]);
    expect(launchIds((await mkt.get('/console/?q=%25')).body)).toEqual([]);
    expect((await mkt.get('/console/?page=2')).body).toContain('page 1 of 1');
  });

  it('refreshes the list only when it changed (204 otherwise)', async () => {
    const page = await mkt.get('/console/');
    const refresh = /hx-get="(\/console\/launch-rows[^"]*)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    expect((await mkt.get(refresh, { 'hx-request': 'true' })).statusCode).toBe(204);
    const { launchId } = await makeLaunch(t.db, { status: 1 });
    const changed = await mkt.get(refresh, { 'hx-request': 'true' });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toMatch(/^<tbody id="launch-rows"/);
    expect(launchIds(changed.body)[0]).toBe(launchId);
  });

  it('shows a launch: jobs with progress, cost, recipients by status, a report link named for the job, and the query a client sends', async () => {
    const res = await mkt.get('/console/launches/5001');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Launch 5001 <span class="name">Newsletter</span></h1>');
    expect(res.body).toContain('<li class="current" aria-current="step" title="6 處理發送中 sending">');
    expect(res.body).toMatch(/<li class="done"[^>]*title="5 處理名單 processing the list">/);
    expect(res.body).toMatch(/<a href="\/WebAPI\/Report\.aspx\?JobID=9001&amp;Expires=\d+&amp;Signature=[^"]+" download="job-9001-recipients\.csv">/);
    expect(res.body).toContain('PENDING 1</li>');
    expect(res.body).toContain('SENT 1</li>');
    expect(res.body).toContain('0 <small>of 10</small>');
    // The answer a legacy client gets to the same query, and that query.
    expect(res.body).toContain('&lt;LaunchID&gt;5001&lt;/LaunchID&gt;');
    expect(res.body).toContain('ManagerLoginName=acme-mkt&amp;ManagerPassword=<span class="secret" data-secret="url">********</span>&amp;LaunchID=5001');
  });

  it("answers another tree's launch as the page does: 111, as if it did not exist", async () => {
    for (const id of ['6001', '5003', '999999', 'abc']) {
      const res = await mkt.get(`/console/launches/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("LaunchID doesn&#39;t exist");
      expect(res.body).not.toContain('Globex');
    }
  });

  it('pauses and unpauses through the page: the answer a client gets, the new state, the request to copy, an audit entry from the console', async () => {
    const paused = await mkt.htmx('/console/launches/5001/actions', { LaunchAction: '3' });
    expect(paused.statusCode).toBe(200);
    expect(paused.body).toContain('Pause launch 5001 <span class="result ok">ErrorCode 0</span>');
    expect(paused.body).toContain('&lt;ERRORCODE&gt;-2&lt;/ERRORCODE&gt;');
    expect(paused.body).toContain('<section id="launch-live"');
    expect(paused.body).toContain('hx-swap-oob="true"');
    expect(paused.body).toContain('<span class="status paused"><span lang="zh-Hant">暫停</span>');
    expect(paused.body).toContain(
      "--data-urlencode &#39;ManagerPassword=<span class=\"secret\" data-secret=\"shell\">********</span>&#39; \\\n  --data-urlencode &#39;LaunchID=5001&#39; \\\n  --data-urlencode &#39;LaunchAction=3&#39;",
    );
    expect((await api({ LaunchID: '5001' })).LAUNCH!.ERRORCODE).toBe('-2');
    const [entry] = await listAudit(t.db, { launchId: 5001, limit: 1 });
    expect(entry).toMatchObject({ action: 'launch.pause', login: 'acme-mkt', origin: 'console', client_ip: '198.51.100.23', error_code: 0 });

    const resumed = await mkt.htmx('/console/launches/5001/actions', { LaunchAction: '4' });
    expect(resumed.body).toContain('Unpause launch 5001 <span class="result ok">ErrorCode 0</span>');
    expect((await api({ LaunchID: '5001' })).LAUNCH!.ERRORCODE).toBe('0');
  });

  it("shows a refusal exactly as the page answers it (115) and audits it", async () => {
    const res = await mkt.htmx('/console/launches/5001/actions', { JobID: '9002', JobAction: '5' });
    expect(res.body).toContain('Restart job 9002 <span class="result refused">ErrorCode 1000: No Licence at Page</span>');
    const unpause = await mkt.htmx('/console/launches/5001/actions', { JobID: '9002', JobAction: '4' });
    expect(unpause.body).toContain('ErrorCode 0');
    const [entry] = await listAudit(t.db, { jobId: 9002, limit: 1 });
    expect(entry).toMatchObject({ action: 'job.unpause', origin: 'console' });
  });

  it('changes the expiry from the date-time picker, in the server time zone', async () => {
    const { launchId } = await makeLaunch(t.db, { status: 1 });
    const res = await mkt.htmx(`/console/launches/${launchId}/actions`, { LaunchAction: '5', ExpireTime: '2031-03-01T12:34' });
    expect(res.body).toContain(`Change expiry of launch ${launchId} to 2031-03-01 12:34:00 <span class="result ok">ErrorCode 0</span>`);
    expect((await api({ LaunchID: String(launchId) })).LAUNCH!.ExpireTime).toBe('2031-03-01 12:34:00');
    const refused = await mkt.htmx(`/console/launches/${launchId}/actions`, { LaunchAction: '5', ExpireTime: '2001-01-01T00:00:00' });
    expect(refused.body).toContain('ErrorCode 114: Invalid expire time');
  });

  it('without script: the action posts, redirects, and the answer is shown once (Back and Reload never repeat it)', async () => {
    const posted = await mkt.post('/console/launches/5001/actions', { JobID: '9001', JobAction: '3' });
    expect([posted.statusCode, posted.headers.location]).toEqual([303, '/console/launches/5001']);
    const shown = await mkt.get('/console/launches/5001');
    expect(shown.body).toContain('Pause job 9001 <span class="result ok">ErrorCode 0</span>');
    const again = await mkt.get('/console/launches/5001');
    expect(again.body).not.toContain('Pause job 9001 <span class="result');
    await mkt.htmx('/console/launches/5001/actions', { JobID: '9001', JobAction: '4' });
  });

  it('asks before delete and terminate: a page of its own without script, a confirm with htmx', async () => {
    const page = (await mkt.get('/console/launches/5001')).body;
    expect(page).toContain('hx-confirm="Delete launch 5001? It disappears from every later query');
    expect(page).toContain('method="get" action="/console/launches/5001/confirm"');
    const confirm = await mkt.get('/console/launches/5001/confirm?LaunchAction=1');
    expect(confirm.body).toContain('<h1>Delete launch 5001?</h1>');
    expect(confirm.body).toContain('<input type="hidden" name="LaunchAction" value="1">');
    expect((await api({ LaunchID: '5001' })).ErrorCode).toBe('0');
  });

  it('refreshes the launch only when it changed, and says when it is gone', async () => {
    const { launchId, jobIds } = await makeLaunch(t.db, { status: 3, owner: 'acme-mkt-tw' }, [{ status: 4 }]);
    const page = await mkt.get(`/console/launches/${launchId}`);
    const live = new RegExp(`hx-get="(/console/launches/${launchId}/live\\?v=[^"]+)"`).exec(page.body)![1]!;
    expect((await mkt.get(live, { 'hx-request': 'true' })).statusCode).toBe(204);
    // The simulator, or another client, moves the job on.
    await t.db.query('UPDATE job SET status = 5 WHERE job_id = $1', [jobIds[0]]);
    const changed = await mkt.get(live, { 'hx-request': 'true' });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('title="5 處理名單 processing the list"');
    await mkt.htmx(`/console/launches/${launchId}/actions`, { LaunchAction: '1' });
    expect((await launchRow(t.db, launchId)).deleted_at).not.toBeNull();
    const gone = await mkt.get(live, { 'hx-request': 'true' });
    expect(gone.body).toContain(`Launch ${launchId} is no longer there (ErrorCode 111`);
  });

  it('finds recipients by email, phone or ExternRefNum, with the answer and the request', async () => {
    const found = await mkt.get('/console/launches/5001/recipients?EmailAddress=BOB%40example.com', { 'hx-request': 'true' });
    expect(found.body).toContain('1 recipient found');
    expect(found.body).toContain('<td>Bob@Example.com</td>');
    expect(found.body).toContain('&amp;LaunchID=5001&amp;EmailAddress=BOB%40example.com');
    expect((await mkt.get('/console/launches/5001/recipients?SMSNumber=%2B886912345678', { 'hx-request': 'true' })).body).toContain('<td>0912-345-678</td>');
    expect((await mkt.get('/console/launches/5001/recipients?ExternRefNum=r-1&JobType=EMAIL', { 'hx-request': 'true' })).body).toContain('1 recipient found');
    expect((await mkt.get('/console/launches/5001/recipients?EmailAddress=nobody%40example.com', { 'hx-request': 'true' })).body).toContain('ErrorCode 117: Recipient not found');
    // Without script: the launch page with the result in it.
    expect((await mkt.get('/console/launches/5001/recipients?EmailAddress=a%40example.com')).body).toMatch(/<h1>Launch 5001[\s\S]*1 recipient found/);
  });

  it('downloads the launch as CSV under its own name', async () => {
    const res = await mkt.get('/console/launches/5001/csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5001.csv"');
    expect(res.body.startsWith('\uFEFFErrorCode,ErrorMSG,RecordType')).toBe(true);
  });

  it("is never shaped by the account's sandbox rule (the rule is for its clients)", async () => {
    await setSandboxRule(t.db, 1002, parseSandboxRule({ errorCode: '9999', seconds: '600' }), 'test');
    try {
      expect((await mkt.get('/console/launches/5001')).statusCode).toBe(200);
      expect((await api({ LaunchID: '5001' })).ErrorCode).toBe('9999');
    } finally {
      await t.db.exec('DELETE FROM sandbox_rule');
    }
  });
});

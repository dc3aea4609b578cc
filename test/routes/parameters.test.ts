import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

/** docs/API.md#endpoint-and-transport and #parameters end to end: path, methods, names in any case, repeats, sources, decoding. */
describe(`parameters as ASP.NET reads them (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, {
      ...standardSeed,
      accounts: [
        ...standardSeed.accounts,
        { login: 'API 帳號', password: 'API 密碼', userId: 1005, customerId: 'DOC', parent: null, licences: ['TaskManager'] },
      ],
      launches: [
        ...standardSeed.launches,
        { launchId: 7001, owner: 'API 帳號', name: '任務', status: 2, jobs: [{ jobId: 9701, jobType: 'EMAIL', status: 1 }] },
      ],
    });
  });
  afterAll(async () => t?.close());

  const code = (body: string) => parseResponse(body).ErrorCode;

  it('matches the path case-insensitively', async () => {
    for (const path of ['/webapi/taskmanager.aspx', '/WEBAPI/TASKMANAGER.ASPX', '/WebApi/TaskManager.aspx']) {
      const res = await t.app.inject({ url: pageUrl({ ...logins.mkt, LaunchID: '5001' }, path) });
      expect(code(res.body)).toBe('0');
    }
  });

  it('reads names in any letter case', async () => {
    const res = await t.app.inject({ url: '/WebAPI/TaskManager.aspx?managerloginname=acme-mkt&MANAGERPASSWORD=mkt-pass&lAuNcHiD=5001' });
    expect(code(res.body)).toBe('0');
  });

  it('joins a repeated name with a comma, which then is no ID (111)', async () => {
    const res = await t.app.inject({ url: '/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001&launchid=5001' });
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '111', LaunchID: '5001,5001' });
  });

  it('joins a repeated password too (so a repeated credential fails)', async () => {
    const res = await t.app.inject({ url: '/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&MANAGERPASSWORD=mkt-pass&LaunchID=5001' });
    expect(code(res.body)).toBe('100');
  });

  it('decodes %uXXXX, UTF-8 escapes and + as ASP.NET does', async () => {
    const viaU = '/WebAPI/TaskManager.aspx?ManagerLoginName=API+%u5E33%u865F&ManagerPassword=API%20%E5%AF%86%E7%A2%BC&LaunchID=7001';
    expect(code((await t.app.inject({ url: viaU })).body)).toBe('0');
    const plus = '/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=+5001+';
    expect(code((await t.app.inject({ url: plus })).body)).toBe('0');
  });

  it('lets the query string win over the form for the same name', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/WebAPI/TaskManager.aspx?LaunchID=5001',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=6001',
    });
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
  });

  it('takes an urlencoded POST with ASP.NET decoding', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/WebAPI/TaskManager.aspx',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      payload: 'managerLoginName=API+%u5E33%u865F&ManagerPassword=API%20%E5%AF%86%E7%A2%BC&LaunchID=5001&LaunchID=',
    });
    // "5001," is not an ID: repeats in a form join like repeats in a query string.
    expect(code(res.body)).toBe('111');
  });

  it("answers the document's query-by-LaunchID HTML form (multipart, hidden credentials)", async () => {
    const { payload, headers } = multipartBody([
      ['ManagerLoginName', 'API 帳號'],
      ['ManagerPassword', 'API 密碼'],
      ['LaunchID', '7001'],
      ['Submit', '查詢任務'],
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', headers, payload });
    expect(res.statusCode).toBe(200);
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '0', LaunchID: '7001', UserID: '1005', CustomerID: 'DOC' });
  });

  it("answers the document's query-by-JobID HTML form", async () => {
    const { payload, headers } = multipartBody([['ManagerLoginName', 'API 帳號'], ['ManagerPassword', 'API 密碼'], ['JobID', '9701'], ['Submit', '查詢']]);
    const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', headers, payload });
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '0', JobID: '9701', LaunchID: '7001' });
  });

  it('answers a multipart form whose LaunchID box was left empty with 102', async () => {
    const { payload, headers } = multipartBody([['ManagerLoginName', 'API 帳號'], ['ManagerPassword', 'API 密碼'], ['LaunchID', '']]);
    const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', headers, payload });
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '102', ErrorMSG: 'Missing required field: LaunchID or JobID' });
  });

  it('answers 105 for a method switched off in configuration, 405 for a method the page never had', async () => {
    const postOnly = await buildTestApp({ env: { OMIS_ALLOWED_METHODS: 'POST' } });
    try {
      await seedWith(postOnly.db, standardSeed);
      const get = await postOnly.app.inject({ url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
      expect(get.statusCode).toBe(200);
      expect(parseResponse(get.body)).toMatchObject({ ErrorCode: '105', ErrorMSG: 'Method not allowed', LaunchID: '5001' });
    } finally {
      await postOnly.close();
    }
    const put = await t.app.inject({ method: 'PUT', url: '/WebAPI/TaskManager.aspx' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
  });

  describe('over real HTTP', () => {
    let port = 0;
    beforeAll(async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as net.AddressInfo).port;
    });

    it("answers the document's browser URL example as a browser sends it", async () => {
      // http://…/WebAPI/TaskManager.aspx?ManagerLoginName=API 帳號&ManagerPassword=API 密碼&LaunchID=任務編號
      // typed into a browser: spaces and Chinese percent-encoded as UTF-8. (Node's HTTP parser refuses
      // raw non-ASCII bytes in a request line, so clients must encode them: docs/DECISIONS.md.)
      const url = new URL(`http://127.0.0.1:${port}/WebAPI/TaskManager.aspx?ManagerLoginName=API 帳號&ManagerPassword=API 密碼&LaunchID=7001`);
      expect(url.search).toContain('API%20%E5%B8%B3%E8%99%9F');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(parseResponse(await res.text())).toMatchObject({ ErrorCode: '0', LaunchID: '7001' });
    });

    it('accepts a query string of 64 KiB', async () => {
      const filler = 'x'.repeat(64 * 1024 - 200);
      const res = await fetch(`http://127.0.0.1:${port}${pageUrl({ ...logins.mkt, LaunchID: '5001', Filler: filler })}`);
      expect(res.status).toBe(200);
      expect(parseResponse(await res.text()).ErrorCode).toBe('0');
    });

    it('sends charset=utf-8', async () => {
      const res = await fetch(`http://127.0.0.1:${port}${pageUrl({ ...logins.mkt, LaunchID: '5001' })}`);
      expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    });
  });
});

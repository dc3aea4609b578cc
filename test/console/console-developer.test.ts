import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { ConsoleClient } from './console-client.ts';
import { listSandboxRules } from '../../src/store/sandbox.ts';
import { parseResponse } from '../xml.ts';

/** The pages for developers of legacy clients: the request journal and the sandbox. */
describe(`console journal and sandbox (${databaseKind})`, () => {
  const t = useSeededApp();
  let mkt: ConsoleClient;
  beforeAll(async () => {
    mkt = new ConsoleClient(t.app);
    await mkt.signIn(logins.mkt);
  });
  beforeEach(async () => {
    await t.journal!.flush();
    await t.db.exec('DELETE FROM request_journal; DELETE FROM sandbox_rule');
  });

  it("shows the requests of the tree's logins, as sent and as answered, the password hidden", async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, LaunchID: '5002', launchid: '1' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.globex, LaunchID: '6001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt-typo', ManagerPassword: 'x', LaunchID: '5001' }) });
    await t.journal!.flush();
    const page = await mkt.get('/console/requests');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span class="login">acme-mkt-tw</span>');
    expect(page.body).not.toContain('globex');
    expect(page.body).not.toContain('acme-mkt-typo');
    expect(page.body).not.toContain(logins.tw.ManagerPassword);
    expect(page.body).toContain('<td>ManagerPassword</td><td><code>[hidden]</code></td>');
    // Repeats of a name in one source are joined, as the page reads them.
    expect(page.body).toContain('<td>LaunchID</td><td><code>5002,1</code></td><td>query</td><td>used</td>');
    expect(page.body).toContain('&lt;ErrorCode&gt;111&lt;/ErrorCode&gt;');
  });

  it('filters by login and ErrorCode, and adds new requests at the top (nothing new: 204)', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '6001' }) });
    await t.journal!.flush();
    const filtered = await mkt.get('/console/requests?code=111');
    expect(filtered.body.match(/class="entry/g)).toHaveLength(1);
    expect((await mkt.get('/console/requests?login=ACME-MKT')).body.match(/class="entry/g)).toHaveLength(2);
    const poll = /hx-get="(\/console\/requests\/rows[^"]*)"/.exec((await mkt.get('/console/requests')).body)![1]!.replaceAll('&amp;', '&');
    expect((await mkt.get(poll, { 'hx-request': 'true' })).statusCode).toBe(204);
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: '9001' }) });
    await t.journal!.flush();
    const added = await mkt.get(poll, { 'hx-request': 'true' });
    expect(added.body.match(/class="entry/g)).toHaveLength(1);
    expect(added.body).toContain('<td>JobID</td><td><code>9001</code></td>');
    expect(added.body).toMatch(/<div id="journal-poller" hx-get="\/console\/requests\/rows\?after=\d+"[^>]*hx-swap-oob="true">/);
  });

  it('journals a request of an outside HTTP client, its password and signatures hidden', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`${base}${pageUrl({ ...logins.mkt, JobID: '9001' })}`, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(parseResponse(body).ErrorCode).toBe('0');
    await t.journal!.flush();
    const page = (await mkt.get('/console/requests')).body;
    expect(page).toContain('<span class="ip">127.0.0.1</span>');
    expect(page).toContain('Signature=[hidden]');
    expect(page).not.toContain(logins.mkt.ManagerPassword);
  });

  it('sets a sandbox rule for an account of the tree, which its clients then get, marked in the journal', async () => {
    const page = await mkt.get('/console/sandbox');
    expect(page.body).toContain('<option value="1003"');
    expect(page.body).not.toContain('<option value="1001"');
    const set = await mkt.post('/console/sandbox', { account: '1003', latencyMs: '', errorCode: '9999', requests: '1', seconds: '' });
    expect([set.statusCode, set.headers.location]).toEqual([303, '/console/sandbox?set=acme-mkt-tw']);
    expect((await mkt.get('/console/sandbox?set=acme-mkt-tw')).body).toContain('<td>ErrorCode 9999</td>');
    const shaped = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, LaunchID: '5002' }) });
    expect([shaped.statusCode, parseResponse(shaped.body).ErrorCode]).toEqual([503, '9999']);
    await t.journal!.flush();
    expect((await mkt.get('/console/requests')).body).toContain('ErrorCode 9999 (sandbox: ErrorCode 9999)</span>');
    const [rule] = await listSandboxRules(t.db);
    expect(rule).toMatchObject({ login: 'acme-mkt-tw', remaining: 0, set_by: 'acme-mkt' });
    await mkt.get('/console/sandbox');
    const cleared = await mkt.post('/console/sandbox/clear', { account: '1003' });
    expect(cleared.headers.location).toBe('/console/sandbox');
    expect(await listSandboxRules(t.db)).toEqual([]);
  });

  it('refuses a rule for an account outside the tree, or one that does nothing or never ends', async () => {
    await mkt.get('/console/sandbox');
    const foreign = await mkt.post('/console/sandbox', { account: '2001', errorCode: '9999', requests: '1' });
    // Post, redirect, get, refusals too: Back never asks to resubmit the form.
    expect([foreign.statusCode, foreign.headers.location]).toEqual([303, '/console/sandbox']);
    expect((await mkt.follow(foreign)).body).toContain('Choose an account of your tree.');
    const endless = await mkt.post('/console/sandbox', { account: '1002', errorCode: '9999', latencyMs: '250' });
    const shown = await mkt.follow(endless);
    expect(shown.body).toContain('give a number of requests or of seconds');
    // The form comes back as it was filled in, and the reason is shown once.
    expect(shown.body).toMatch(/name="latencyMs"[^>]*value="250"/);
    expect((await mkt.get('/console/sandbox')).body).not.toContain('give a number of requests or of seconds');
    expect(await listSandboxRules(t.db)).toEqual([]);
    // A foreign account cannot be cleared either.
    await t.db.exec("INSERT INTO sandbox_rule (account_id, latency_ms, error_code, remaining, set_by) VALUES (2001, 0, 9999, 1, 'test')");
    await mkt.post('/console/sandbox/clear', { account: '2001' });
    expect((await listSandboxRules(t.db)).map((rule) => rule.login)).toEqual(['globex']);
  });
});

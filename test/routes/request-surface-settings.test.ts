import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { listen, rawRequest } from './request-surface-helpers.ts';
import { parseResponse } from '../xml.ts';

/** The Web.config settings of the request surface (docs/API.md#configuration), end to end over real HTTP. */
describe(`OMIS_ALLOWED_METHODS=GET over HTTP (${databaseKind})`, () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await buildTestApp({ env: { OMIS_ALLOWED_METHODS: 'GET', OMIS_REDIRECT_HOSTS: 'client.example' } });
    await seedWith(t.db, standardSeed);
    origin = await listen(t.app);
  });
  afterAll(async () => t?.close());

  it('answers a urlencoded POST with 105 in the body (HTTP 200), echoing the IDs', async () => {
    const res = await fetch(`${origin}/WebAPI/TaskManager.aspx`, { method: 'POST', body: new URLSearchParams({ ...logins.mkt, LaunchID: '5001' }) });
    expect(res.status).toBe(200);
    expect(parseResponse(await res.text())).toMatchObject({ ErrorCode: '105', ErrorMSG: 'Method not allowed', LaunchID: '5001' });
  });

  it('answers a multipart POST with 105 in the requested form', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...logins.mkt, LaunchID: '5001', ReturnType: 'CSV' })) form.set(name, value);
    const res = await fetch(`${origin}/WebAPI/TaskManager.aspx`, { method: 'POST', body: form });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toContain('105,Method not allowed,,5001');
  });

  it('sends a 105 to an allowed FailedUrl', async () => {
    const res = await fetch(`${origin}/WebAPI/TaskManager.aspx`, {
      method: 'POST',
      body: new URLSearchParams({ FailedUrl: 'https://client.example/f?e=%errorcode%' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://client.example/f?e=105');
  });

  it('answers HEAD as the GET it stands for: allowed with GET', async () => {
    const res = await fetch(`${origin}${pageUrl({ ...logins.mkt, LaunchID: '5001' })}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  it('still answers GET', async () => {
    const res = await fetch(`${origin}${pageUrl({ ...logins.mkt, LaunchID: '5001' })}`);
    expect(parseResponse(await res.text()).ErrorCode).toBe('0');
  });

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'M-SEARCH'])('answers %s, a method the page never had, with HTTP 405, Allow and ErrorCode 105', async (method) => {
    const res = await rawRequest(origin, `${method} /WebAPI/TaskManager.aspx?LaunchID=5001 HTTP/1.1`);
    expect(res.status).toBe(405);
    expect(res.headers).toMatch(/\r\nallow: GET\r\n/i);
    expect(parseResponse(res.body)).toMatchObject({ ErrorCode: '105', ErrorMSG: 'Method not allowed', LaunchID: '5001' });
  });

  it('matches the path in any letter case, as IIS does', async () => {
    const res = await fetch(`${origin}${pageUrl({ ...logins.mkt, LaunchID: '5001' }, '/webapi/TASKMANAGER.ASPX')}`);
    expect(parseResponse(await res.text()).LaunchID).toBe('5001');
  });
});

describe('host lists in configuration', () => {
  it.each([
    ['OMIS_REDIRECT_HOSTS', 'client.example, portal.example:8443, .partner.example, [::1], *'],
    ['OMIS_XMLREQURL_HOSTS', 'xml.example.com,10.0.0.5,intranet'],
  ])('%s accepts host names, host:port, .suffix, addresses and *', (name, value) => {
    expect(() => loadConfig({ [name]: value })).not.toThrow();
  });

  it.each([
    ['OMIS_XMLREQURL_HOSTS', 'http://xml.example.com'],
    ['OMIS_XMLREQURL_HOSTS', 'xml.example.com/path'],
    ['OMIS_XMLREQURL_HOSTS', '*.example.com'],
    ['OMIS_REDIRECT_HOSTS', 'user@client.example'],
    ['OMIS_REDIRECT_HOSTS', 'client example'],
  ])('%s=%j stops start-up naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(name));
  });
});

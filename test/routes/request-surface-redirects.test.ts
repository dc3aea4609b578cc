import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, pageUrl, seedWith, type TestApp, useSeededApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { listen, xmlRequest } from './request-surface-helpers.ts';
import { parseResponse } from '../xml.ts';

/**
 * Redirects (docs/API.md#redirects) end to end over real HTTP: which URL, placeholders, the allow-list,
 * and that a refused redirect (106) never executes the action it came with.
 */
describe(`redirects over HTTP (${databaseKind})`, () => {
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await buildTestApp({ env: { OMIS_REDIRECT_HOSTS: 'client.example, .partner.example' } });
    await seedWith(t.db, standardSeed);
    origin = await listen(t.app);
  });
  afterAll(async () => t?.close());

  async function get(fields: Record<string, string>) {
    const res = await fetch(`${origin}${pageUrl(fields)}`, { redirect: 'manual' });
    return { res, status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  async function launchErrorCode(launchId: number): Promise<number> {
    const [row] = await t.db.query<{ error_code: number }>('SELECT error_code FROM launch WHERE launch_id = $1', [launchId]);
    return Number(row!.error_code);
  }

  it('sends a success to SuccessfulUrl with the placeholders filled and encoded', async () => {
    const { status, location, body } = await get({
      ...logins.mkt,
      LaunchID: '5002',
      SuccessfulUrl: 'https://client.example/ok.aspx?l=%launchid%&u=%USERID%&c=%CustomerID%&code=%errorcode%&j=%jobid%',
    });
    expect(status).toBe(302);
    expect(location).toBe('https://client.example/ok.aspx?l=5002&u=1003&c=ACME-TW&code=0&j=');
    expect(body).toBe('');
  });

  it('accepts the document’s spelling SuccessfulUr', async () => {
    const { status, location } = await get({ ...logins.mkt, JobID: '9001', SuccessfulUr: '/done.aspx?j=%jobid%' });
    expect(status).toBe(302);
    expect(location).toBe('/done.aspx?j=9001');
  });

  it('puts every top-level field in %omisquerystring%', async () => {
    const { location } = await get({ ...logins.mkt, JobID: '9001', SuccessfulUrl: '/done.aspx?%omisquerystring%' });
    const query = new URL(location!, origin).searchParams;
    expect([...query.keys()]).toEqual(['ErrorCode', 'ErrorMSG', 'LaunchID', 'JobID', 'UserID', 'CustomerID', 'ReportPath']);
    expect(query.get('JobID')).toBe('9001');
    expect(query.get('ReportPath')).toMatch(/^\/WebAPI\/Report\.aspx\?JobID=9001&Expires=\d+&Signature=/);
  });

  it('sends an error to FailedUrl with the message encoded', async () => {
    const { status, location } = await get({ ...logins.mkt, LaunchID: '6001', FailedUrl: 'https://app.partner.example/fail?e=%errorcode%&m=%errormsg%', SuccessfulUrl: '/ok' });
    expect(status).toBe(302);
    expect(location).toBe("https://app.partner.example/fail?e=111&m=LaunchID%20doesn%27t%20exist");
  });

  it('falls back to ReferUrl, and answers the body when nothing applies', async () => {
    expect((await get({ ...logins.mkt, LaunchID: '6001', ReferUrl: '/back?e=%errorcode%', SuccessfulUrl: '/ok' })).location).toBe('/back?e=111');
    const plain = await get({ ...logins.mkt, LaunchID: '5001', FailedUrl: '/fail' });
    expect(plain.status).toBe(200);
    expect(parseResponse(plain.body).ErrorCode).toBe('0');
  });

  it('redirects from a multipart HTML form and from an XML request as well', async () => {
    const body = multipartBody([...Object.entries(logins.mkt), ['LaunchID', '5001'], ['SuccessfulUrl', '/ok?l=%launchid%']]);
    const res = await fetch(`${origin}/WebAPI/TaskManager.aspx`, { method: 'POST', headers: body.headers, body: body.payload, redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/ok?l=5001');
    const xml = xmlRequest({ ...logins.mkt, LaunchID: '5001', SuccessfulUrl: 'https://client.example/x?l=%launchid%' });
    expect((await get({ XmlRequest: xml })).location).toBe('https://client.example/x?l=5001');
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['scheme-relative //host', '//evil.example/'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['a backslash trick', '/\\evil.example'],
    ['a userinfo trick', 'https://client.example@evil.example/'],
    ['CR/LF injection', '/ok\r\nSet-Cookie: session=x'],
    ['a placeholder choosing the host', 'https://%customerid%/'],
  ])('answers 106 in the body for %s', async (_name, url) => {
    const { status, location, body } = await get({ ...logins.mkt, LaunchID: '5001', SuccessfulUrl: url });
    expect(status).toBe(200);
    expect(location).toBeNull();
    const xml = parseResponse(body);
    expect(xml.ErrorCode).toBe('106');
    expect(xml.ErrorMSG).toBe('Redirect URL not allowed');
    expect(xml.LAUNCH).toBeUndefined();
  });

  it('answers 106 in the requested form (CSV)', async () => {
    const { res, body } = await get({ ...logins.mkt, LaunchID: '5001', FailedUrl: '//evil.example', ReturnType: 'CSV' });
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(body).toContain('106,Redirect URL not allowed');
  });

  it('does not execute an action whose redirect is refused; the same action with an allowed one does', async () => {
    expect(await launchErrorCode(5001)).toBe(0);
    const refused = await get({ ...logins.mkt, LaunchID: '5001', LaunchAction: '3', SuccessfulUrl: 'https://evil.example/paused' });
    expect(parseResponse(refused.body).ErrorCode).toBe('106');
    expect(await launchErrorCode(5001)).toBe(0);
    // A refused FailedUrl stops it too, although only success would have been redirected.
    const refusedFailed = await get({ ...logins.mkt, LaunchID: '5001', LaunchAction: '3', SuccessfulUrl: '/ok', FailedUrl: 'javascript:x' });
    expect(parseResponse(refusedFailed.body).ErrorCode).toBe('106');
    expect(await launchErrorCode(5001)).toBe(0);

    const allowed = await get({ ...logins.mkt, LaunchID: '5001', LaunchAction: '3', SuccessfulUrl: '/paused?l=%launchid%' });
    expect(allowed.status).toBe(302);
    expect(allowed.location).toBe('/paused?l=5001');
    expect(await launchErrorCode(5001)).toBe(-2);
  });

  it('answers transport errors before 106 (the contract’s order: 103 first)', async () => {
    const { body } = await get({ ...logins.mkt, LaunchID: '5001', XmlRequest: '<bad', SuccessfulUrl: 'https://evil.example/' });
    expect(parseResponse(body).ErrorCode).toBe('103');
  });

  it('redirects an early error (103) to an allowed FailedUrl', async () => {
    const { location } = await get({ XmlRequest: '<bad', FailedUrl: '/fail?e=%errorcode%' });
    expect(location).toBe('/fail?e=103');
  });
});

describe(`redirects with no OMIS_REDIRECT_HOSTS (${databaseKind})`, () => {
  const t = useSeededApp();

  it('allows relative URLs only', async () => {
    const relative = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001', SuccessfulUrl: 'result.aspx?l=%launchid%' }) });
    expect(relative.statusCode).toBe(302);
    expect(relative.headers.location).toBe('result.aspx?l=5001');
    const absolute = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001', SuccessfulUrl: 'https://client.example/' }) });
    expect(parseResponse(absolute.body).ErrorCode).toBe('106');
  });
});

import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { setPasswordHash } from '../../src/store/accounts.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { ConsoleClient } from './console-client.ts';
import { parseResponse } from '../xml.ts';

/** Signing in and out, the session's life, CSRF and the console's headers. */
describe(`console sessions (${databaseKind})`, () => {
  const t = useSeededApp(undefined, { env: { OMIS_LOCKOUT_THRESHOLD: '3' } });

  it('leads / to the console, and the console to its sign-in page', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/' });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/console/']);
    expect((await t.app.inject({ method: 'GET', url: '/WebAPI/' })).headers.location).toBe('/console/');
    const console = await t.app.inject({ method: 'GET', url: '/console/launches/5001' });
    expect([console.statusCode, console.headers.location]).toEqual([303, '/console/sign-in?next=%2Fconsole%2Flaunches%2F5001']);
  });

  it('sends security headers with every console page, and none of them with the API', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/sign-in' });
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';form-action 'self';frame-ancestors 'none';base-uri 'none';object-src 'none'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const csrf = res.cookies.find((cookie) => cookie.name === 'omis_csrf')!;
    expect(csrf).toMatchObject({ path: '/console', httpOnly: true, sameSite: 'Strict' });
    const api = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    expect(api.headers['content-security-policy']).toBeUndefined();
    expect(api.headers['set-cookie']).toBeUndefined();
  });

  it('signs in with the document field names: an HttpOnly, SameSite cookie, then the launches', async () => {
    const client = new ConsoleClient(t.app);
    const res = await client.signIn(logins.mkt);
    expect([res.statusCode, res.headers.location]).toEqual([303, '/console/']);
    const session = res.cookies.find((cookie) => cookie.name === 'omis_console')!;
    expect(session).toMatchObject({ path: '/console', httpOnly: true, sameSite: 'Lax' });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now());
    const list = await client.get('/console/');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Signed in as <strong>acme-mkt</strong>');
    // The session row keeps the account and a fingerprint, never the password.
    const rows = await t.db.query<{ data: unknown }>('SELECT data FROM console_session WHERE user_id = 1002');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(logins.mkt.ManagerPassword);
  });

  it("refuses a wrong password with the page's message, and the API's lockout holds for both", async () => {
    const client = new ConsoleClient(t.app);
    const wrong = await client.signIn({ ManagerLoginName: 'acme-mkt-tw', ManagerPassword: 'wrong' });
    // Post, redirect, get: no answer to a POST in the browser's history, so Back never asks to resubmit.
    expect([wrong.statusCode, wrong.headers.location]).toEqual([303, '/console/sign-in']);
    expect(wrong.cookies.find((cookie) => cookie.name === 'omis_console')).toBeUndefined();
    const shown = await client.follow(wrong);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('role="alert">Invalid ManagerLoginName or ManagerPassword</div>');
    expect(shown.body).toContain('value="acme-mkt-tw"');
    // Shown once: a reload is a plain sign-in page.
    expect((await client.get('/console/sign-in')).body).not.toContain('role="alert"');
    // Two more failures, one through the API: the login is locked for the console and the API alike.
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt-tw', ManagerPassword: 'wrong', LaunchID: '5002' }) });
    await client.follow(await client.post('/console/sign-in', { ManagerLoginName: 'acme-mkt-tw', ManagerPassword: 'wrong' }));
    const locked = await client.follow(await client.post('/console/sign-in', logins.tw));
    expect(locked.body).toContain('Too many failed logins, try again later');
    const api = parseResponse((await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, LaunchID: '5002' }) })).body);
    expect(api.ErrorCode).toBe('101');
    await t.db.exec('DELETE FROM login_failure');
  });

  it('shows only a refusal it signed itself, and keeps where to go after signing in', async () => {
    const client = new ConsoleClient(t.app);
    await client.get('/console/sign-in?next=%2Fconsole%2Flaunches%2F5001');
    const wrong = await client.post('/console/sign-in', { ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong', next: '/console/launches/5001' });
    expect(wrong.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Flaunches%2F5001');
    const again = await client.follow(wrong);
    expect(again.body).toContain('name="next" value="/console/launches/5001"');
    const forged = Buffer.from(JSON.stringify({ error: 'Call 555-0100 to unlock' })).toString('base64url');
    const res = await t.app.inject({ method: 'GET', url: '/console/sign-in', headers: { cookie: `omis_sign_in=${forged}.c2lnbmF0dXJl` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('555-0100');
    await t.db.exec('DELETE FROM login_failure');
  });

  it('refuses an account without the TaskManager licence, as the page does (1000)', async () => {
    const client = new ConsoleClient(t.app);
    const res = await client.follow(await client.signIn(logins.noLicence));
    expect(res.body).toContain('No Licence at Page');
  });

  it('refuses a state-changing request without a valid CSRF token', async () => {
    const client = new ConsoleClient(t.app);
    await client.get('/console/sign-in');
    expect((await client.post('/console/sign-in', logins.mkt, { csrf: false })).statusCode).toBe(403);
    expect((await client.post('/console/sign-in', { ...logins.mkt, _csrf: 'forged' }, { csrf: false })).statusCode).toBe(403);
    await client.signIn(logins.mkt);
    const before = parseResponse((await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) })).body);
    const forged = await client.post('/console/launches/5001/actions', { LaunchAction: '3', _csrf: 'forged' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    // A token of another session is worth nothing in this one.
    const other = new ConsoleClient(t.app);
    await other.signIn(logins.root);
    await other.get('/console/');
    expect((await client.post('/console/launches/5001/actions', { LaunchAction: '3', _csrf: other.token }, { csrf: false })).statusCode).toBe(403);
    const after = parseResponse((await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) })).body);
    expect(after.LAUNCH!.ERRORCODE).toBe(before.LAUNCH!.ERRORCODE);
  });

  it('signs out: the session ends on the server, so a copy of the cookie is worth nothing', async () => {
    const client = new ConsoleClient(t.app);
    await client.signIn(logins.mkt);
    await client.get('/console/');
    const stolen = client.cookieHeader;
    const out = await client.post('/console/sign-out', {});
    expect([out.statusCode, out.headers.location]).toEqual([303, '/console/sign-in']);
    expect(client.cookies.has('omis_console')).toBe(false);
    const replay = await t.app.inject({ method: 'GET', url: '/console/', headers: { cookie: stolen } });
    expect(replay.statusCode).toBe(303);
  });

  it("ends every session of an account whose password changed", async () => {
    const client = new ConsoleClient(t.app);
    await client.signIn(logins.tw);
    expect((await client.get('/console/')).statusCode).toBe(200);
    await setPasswordHash(t.db.prisma, 'acme-mkt-tw', await hashPassword('new-pass'));
    expect((await client.get('/console/')).statusCode).toBe(303);
    expect(await t.db.query('SELECT 1 FROM console_session WHERE user_id = 1003')).toEqual([]);
    await setPasswordHash(t.db.prisma, 'acme-mkt-tw', await hashPassword(logins.tw.ManagerPassword));
  });

  it('is accepted by every instance of the server (the session lives in the database)', async () => {
    const client = new ConsoleClient(t.app);
    await client.signIn(logins.mkt);
    const second = await buildApp({ config: t.config, database: t.db });
    try {
      const res = await second.inject({ method: 'GET', url: '/console/launches/5001', headers: { cookie: client.cookieHeader } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Newsletter');
    } finally {
      await second.close();
    }
  });

  it('goes back to a console page after signing in, and nowhere else', async () => {
    const client = new ConsoleClient(t.app);
    await client.get('/console/sign-in?next=%2Fconsole%2Flaunches%2F5001');
    const res = await client.post('/console/sign-in', { ...logins.mkt, next: '/console/launches/5001' });
    expect(res.headers.location).toBe('/console/launches/5001');
    for (const next of ['https://evil.example/', '//evil.example/console/', '/console/\\evil']) {
      const other = new ConsoleClient(t.app);
      await other.get('/console/sign-in');
      expect((await other.post('/console/sign-in', { ...logins.mkt, next })).headers.location).toBe('/console/');
    }
  });
});

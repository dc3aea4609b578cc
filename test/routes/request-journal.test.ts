import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTestDatabase, databaseKind, multipartBody, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { listJournal, pruneJournal } from '../../src/store/journal.ts';
import { HIDDEN } from '../../src/tasks/journal-redact.ts';

/**
 * The request journal through the page: what a request leaves there, who may read it, and that it
 * never holds a secret. Entries are written in batches after the answer; journal.flush() writes
 * what is queued so that a test can read it at once.
 */
describe(`the request journal (${databaseKind})`, () => {
  const t = useSeededApp();
  beforeEach(async () => {
    await t.journal!.flush();
    await t.db.exec('DELETE FROM request_journal');
  });
  const written = async () => {
    await t.journal!.flush();
    return listJournal(t.db, { limit: 100 });
  };

  it('keeps each request: time, client, method, content type, login, parameters with their source and winner, ErrorCode, duration, answer', async () => {
    const xml = `<REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>${logins.mkt.ManagerPassword}</ManagerPassword><LaunchID>5002</LaunchID></REQUEST>`;
    const { payload, headers } = multipartBody([
      ['LaunchID', '5001'],
      ['XmlRequest', xml],
    ]);
    const res = await t.app.inject({ method: 'POST', url: pageUrl({ ManagerLoginName: 'acme-mkt' }), payload, headers });
    expect(res.body).toContain('<ErrorCode>0</ErrorCode>');
    const [entry] = await written();
    expect(entry).toMatchObject({ account_id: 1002, login: 'acme-mkt', client_ip: '127.0.0.1', method: 'POST', http_status: 200, error_code: 0, xml_source: 'XmlRequest' });
    expect(entry!.content_type).toMatch(/^multipart\/form-data/);
    expect(entry!.duration_ms).toBeGreaterThan(0);
    expect(entry!.params).toEqual([
      { name: 'ManagerLoginName', value: 'acme-mkt', source: 'query', used: true },
      { name: 'LaunchID', value: '5001', source: 'form', used: true },
      { name: 'XmlRequest', value: expect.stringContaining(`<ManagerPassword>${HIDDEN}</ManagerPassword>`), source: 'form', used: true },
      { name: 'ManagerLoginName', value: 'acme-mkt', source: 'xml', used: false },
      { name: 'ManagerPassword', value: HIDDEN, source: 'xml', used: true },
      { name: 'LaunchID', value: '5002', source: 'xml', used: false },
    ]);
    // The answer as sent, but for the ReportPath signatures.
    expect(entry!.answer).toContain('<LaunchID>5001</LaunchID>');
    expect(entry!.answer).toContain(`Signature=${HIDDEN}</ReportPath>`);
    expect(JSON.stringify(entry)).not.toContain(logins.mkt.ManagerPassword);
  });

  it('never keeps a password, from the query string, a form or a refused login', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001', ReturnType: 'CSV' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'not-the-password', LaunchID: '5001' }) });
    await t.app.inject({
      method: 'POST',
      url: '/WebAPI/TaskManager.aspx',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `ManagerLoginName=acme-mkt&MANAGERPASSWORD=${logins.mkt.ManagerPassword}&LaunchID=5001`,
    });
    const entries = await written();
    expect(entries.map((entry) => entry.error_code)).toEqual([0, 100, 0]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(logins.mkt.ManagerPassword);
    expect(text).not.toContain('not-the-password');
    // The CSV answer is kept as CSV.
    expect(entries[2]!.answer.split('\r\n')[0]).toContain('RecordType');
  });

  it("shows a manager the requests of its tree's logins only; a login that is no account to nobody but the command line", async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.tw, LaunchID: '5002' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.root, LaunchID: '5003' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.globex, LaunchID: '6001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-typo', ManagerPassword: 'x', LaunchID: '5001' }) });
    await t.journal!.flush();
    const seenBy = async (viewerId: number | undefined) => (await listJournal(t.db, { viewerId, limit: 10 })).map((entry) => entry.login).sort();
    expect(await seenBy(1001)).toEqual(['acme', 'acme-mkt-tw']);
    expect(await seenBy(1002)).toEqual(['acme-mkt-tw']);
    expect(await seenBy(1003)).toEqual(['acme-mkt-tw']);
    expect(await seenBy(2001)).toEqual(['globex']);
    expect(await seenBy(undefined)).toEqual(['acme', 'acme-mkt-tw', 'acme-typo', 'globex']);
  });

  it('filters by login (any letter case) and by ErrorCode, and follows from an entry on', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '6001' }) });
    const all = await written();
    expect((await listJournal(t.db, { login: 'ACME-MKT', errorCode: 111, limit: 10 })).map((e) => e.error_code)).toEqual([111]);
    expect(await listJournal(t.db, { login: 'acme', limit: 10 })).toEqual([]);
    expect((await listJournal(t.db, { afterId: all[1]!.journal_id, limit: 10 })).map((e) => e.journal_id)).toEqual([all[0]!.journal_id]);
  });

  it('keeps requests refused before their parameters were read: a method the page does not answer (105), a query string over its limit (107)', async () => {
    await t.app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?x=${'a'.repeat(70 * 1024)}` });
    await t.app.inject({ method: 'PUT', url: '/WebAPI/TaskManager.aspx' });
    const entries = await written();
    expect(entries.map((entry) => [entry.method, entry.http_status, entry.error_code])).toEqual([
      ['PUT', 405, 105],
      ['GET', 414, 107],
    ]);
    expect(entries[0]!.answer).toContain('<ErrorCode>105</ErrorCode>');
    expect(entries[1]!.answer).toContain('<ErrorCode>107</ErrorCode>');
  });

  it('keeps a redirect as its Location', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, JobID: '9001', SuccessfulUrl: '/done?p=%reportpath%' }) });
    const [entry] = await written();
    expect(entry!.http_status).toBe(302);
    expect(entry!.answer).toMatch(/^HTTP 302 Location: \/done\?p=.*Signature%3D\[hidden\]/);
  });

  it('prunes to the newest OMIS_JOURNAL_MAX_ROWS rows', async () => {
    for (let i = 0; i < 12; i++) await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: String(5001) }) });
    await t.journal!.flush();
    expect(await pruneJournal(t.db, 5, 24)).toBe(7);
    expect((await listJournal(t.db, { limit: 100 })).length).toBe(5);
  });

  it('prunes what is older than OMIS_JOURNAL_RETENTION_HOURS, however few rows there are', async () => {
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
    await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '6001' }) });
    const [newer, older] = await written();
    await t.db.query(`UPDATE request_journal SET at = now() - interval '25 hours' WHERE journal_id = $1`, [older!.journal_id]);
    expect(await pruneJournal(t.db, 10_000, 24)).toBe(1);
    expect((await listJournal(t.db, { limit: 100 })).map((entry) => entry.journal_id)).toEqual([newer!.journal_id]);
  });
});

describe(`the request journal's bounds (${databaseKind})`, () => {
  it('is off with OMIS_JOURNAL=false: nothing is kept', async () => {
    const t = await buildTestApp({ env: { OMIS_JOURNAL: 'false' } });
    try {
      expect(t.journal).toBeUndefined();
      await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
      expect(await listJournal(t.db, { limit: 10 })).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('drops and counts what does not fit in its queue, and every request is still answered', async () => {
    const t = await buildTestApp({ env: { OMIS_JOURNAL_QUEUE: '10' } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'nobody', ManagerPassword: 'x', LaunchID: '1' }) })),
      );
      expect(answers.every((res) => res.statusCode === 200)).toBe(true);
      await t.journal!.flush();
      const { written, dropped } = t.journal!.counts;
      expect(written + dropped).toBe(30);
      expect(dropped).toBeGreaterThan(0);
      expect((await listJournal(t.db, { limit: 100 })).length).toBe(written);
    } finally {
      await t.close();
    }
  });

  it('writes what is still queued when the app closes', async () => {
    // A database of the test's own: it outlives the app, to be read after the app has closed.
    const database = await createTestDatabase();
    try {
      const t = await buildTestApp({ database });
      await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, LaunchID: '5001' }) });
      await t.app.close();
      expect((await listJournal(t.db, { limit: 10 })).length).toBe(1);
    } finally {
      await database.drop();
    }
  });
});

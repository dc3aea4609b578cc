import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

describe(`errors of the query path, in the contract's checking order (${databaseKind})`, () => {
  const t = useSeededApp();

  const get = async (fields: Record<string, string>) => {
    const res = await t.app.inject({ url: pageUrl(fields) });
    expect(res.statusCode).toBe(200);
    return parseResponse(res.body);
  };

  it.each([
    [{}, 'ManagerLoginName'],
    [{ ManagerPassword: 'x', LaunchID: '5001' }, 'ManagerLoginName'],
    [{ ManagerLoginName: '  ', ManagerPassword: 'x', LaunchID: '5001' }, 'ManagerLoginName'],
    [{ ManagerLoginName: 'acme', LaunchID: '5001' }, 'ManagerPassword'],
    [{ ManagerLoginName: 'acme', ManagerPassword: '', LaunchID: '5001' }, 'ManagerPassword'],
    [{ ManagerLoginName: 'acme', ManagerPassword: 'wrong' }, 'LaunchID or JobID'],
    [{ ManagerLoginName: 'acme', ManagerPassword: 'wrong', LaunchID: ' ' }, 'LaunchID or JobID'],
    [{ ManagerLoginName: 'acme', ManagerPassword: 'wrong', JobID: '9001', LaunchAction: '3' }, 'LaunchID'],
    [{ ManagerLoginName: 'acme', ManagerPassword: 'wrong', LaunchID: '5001', JobAction: '3' }, 'JobID'],
  ])('102 before credentials: %j → Missing required field: %s', async (fields, name) => {
    const xml = await get(fields as Record<string, string>);
    expect(xml).toMatchObject({ ErrorCode: '102', ErrorMSG: `Missing required field: ${name}` });
  });

  it('100 for a wrong password, 100 with the same body for an unknown login', async () => {
    const wrong = await t.app.inject({ url: pageUrl({ ManagerLoginName: 'acme', ManagerPassword: 'nope', LaunchID: '5001' }) });
    const unknown = await t.app.inject({ url: pageUrl({ ManagerLoginName: 'nobody', ManagerPassword: 'nope', LaunchID: '5001' }) });
    expect(parseResponse(wrong.body)).toMatchObject({ ErrorCode: '100', ErrorMSG: 'Invalid ManagerLoginName or ManagerPassword', LaunchID: '5001' });
    expect(unknown.body).toBe(wrong.body);
  });

  it('compares passwords case-sensitively and logins case-insensitively', async () => {
    expect((await get({ ManagerLoginName: 'acme', ManagerPassword: 'ACME-PASS', LaunchID: '5001' })).ErrorCode).toBe('100');
    expect((await get({ ManagerLoginName: 'acme', ManagerPassword: 'acme-pass ', LaunchID: '5001' })).ErrorCode).toBe('100');
    expect((await get({ ManagerLoginName: 'ACME', ManagerPassword: 'acme-pass', LaunchID: '5001' })).ErrorCode).toBe('0');
    expect((await get({ ManagerLoginName: ' Acme-Mkt ', ManagerPassword: 'mkt-pass', LaunchID: '5001' })).ErrorCode).toBe('0');
  });

  it('1000 without the TaskManager licence, after credentials and before the record', async () => {
    expect(await get({ ...logins.noLicence, LaunchID: '5001' })).toMatchObject({ ErrorCode: '1000', ErrorMSG: 'No Licence at Page' });
    expect(await get({ ...logins.noLicence, LaunchID: '424242' })).toMatchObject({ ErrorCode: '1000' });
    expect(await get({ ...logins.noLicence, ManagerPassword: 'bad', LaunchID: '5001' })).toMatchObject({ ErrorCode: '100' });
  });

  it('111 for a launch that does not exist', async () => {
    expect(await get({ ...logins.root, LaunchID: '424242' })).toMatchObject({ ErrorCode: '111', ErrorMSG: "LaunchID doesn't exist", LaunchID: '424242' });
  });

  it("writes the message's apostrophe as it is, as .NET's XmlWriter does (clients match the text)", async () => {
    const res = await t.app.inject({ url: pageUrl({ ...logins.root, LaunchID: '424242' }) });
    expect(res.body).toContain("<ErrorMSG>LaunchID doesn't exist</ErrorMSG>");
    const job = await t.app.inject({ url: pageUrl({ ...logins.root, JobID: '424242', ReturnType: 'XMLFILE' }) });
    expect(job.body).toContain("<ErrorMSG>JobID doesn't exist</ErrorMSG>");
  });

  it.each([
    '5,6', '5001,5001', '-5001', '+5001', '5001.0', '1e3', '0x1389', '0', '00', '２', '５００１',
    '99999999999', '2147483648', '99999999999999999999999999999999', "5001' OR '1'='1", '5001; DROP TABLE launch',
    '%00', 'null', 'undefined', '<LaunchID>', 'x'.repeat(5000),
  ])('a LaunchID that is not an ID (%j) answers 111, never a 500', async (id) => {
    const res = await t.app.inject({ url: pageUrl({ ...logins.root, LaunchID: id }) });
    expect(res.statusCode).toBe(200);
    expect(parseResponse(res.body).ErrorCode).toBe('111');
  });

  it.each(['9001,9002', '-9001', '2147483648', "9001'--"])('a JobID that is not an ID (%j) answers 110', async (id) => {
    expect((await get({ ...logins.root, JobID: id })).ErrorCode).toBe('110');
  });

  it('accepts IDs with surrounding white space and the largest int', async () => {
    expect((await get({ ...logins.mkt, LaunchID: ' 5001 ' })).ErrorCode).toBe('0');
    expect((await get({ ...logins.mkt, LaunchID: '2147483647' })).ErrorCode).toBe('111');
  });
});

import { Writable } from 'node:stream';
import Fastify from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app as omisApp, fastifyOptions } from '../../src/app.ts';
import { configWith } from '../../src/config/config.ts';
import { loggingOptions } from '../../src/plugins/logging.ts';
import { isSecretName, redactUrl, REDACTED } from '../../src/request/secret-names.ts';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';

describe('redacting request URLs', () => {
  it.each([
    ['/WebAPI/TaskManager.aspx?ManagerLoginName=acme&ManagerPassword=s3cret&LaunchID=5', `/WebAPI/TaskManager.aspx?ManagerLoginName=acme&ManagerPassword=${REDACTED}&LaunchID=5`],
    ['/p?managerpassword=s3cret', `/p?managerpassword=${REDACTED}`],
    ['/p?MANAGERPASSWORD=s3cret&x=1', `/p?MANAGERPASSWORD=${REDACTED}&x=1`],
    // Names are decoded as the page decodes them before they are compared.
    ['/p?Manager%50assword=s3cret', `/p?Manager%50assword=${REDACTED}`],
    ['/p?Manager%u0050assword=s3cret', `/p?Manager%u0050assword=${REDACTED}`],
    ['/p?Manager+Password=s3cret', `/p?Manager+Password=${REDACTED}`],
    ['/p?ManagerPassword=a&ManagerPassword=b', `/p?ManagerPassword=${REDACTED}&ManagerPassword=${REDACTED}`],
    ['/p?XmlRequest=%3CREQUEST%3E%3CManagerPassword%3Es3cret%3C/ManagerPassword%3E%3C/REQUEST%3E&LaunchID=1', `/p?XmlRequest=${REDACTED}&LaunchID=1`],
    ['/WebAPI/Report.aspx?JobID=9&Expires=1&Signature=abc', `/WebAPI/Report.aspx?JobID=9&Expires=1&Signature=${REDACTED}`],
    ['/p?LaunchID=5&ReturnType=CSV', '/p?LaunchID=5&ReturnType=CSV'],
    ['/p', '/p'],
    ['/p?novalue&ManagerPassword=', `/p?novalue&ManagerPassword=${REDACTED}`],
    ['/p?', '/p?'],
    ['/p?&&ManagerPassword=s3cret&', `/p?&&ManagerPassword=${REDACTED}&`],
    ['/p?ManagerPassword=s3cret=more&a=b=c', `/p?ManagerPassword=${REDACTED}&a=b=c`],
    ['/p?=s3cret&Password', '/p?=s3cret&Password'],
  ])('%s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
    if (logged.includes(REDACTED)) expect(redactUrl(url)).not.toContain('s3cret');
  });

  it('judges a name the same however many names came before it, and however long it is', () => {
    for (let i = 0; i < 3000; i++) expect(isSecretName(`name${i}`)).toBe(false);
    expect(isSecretName('ManagerPassword')).toBe(true);
    expect(isSecretName('LaunchID')).toBe(false);
    for (let twice = 0; twice < 2; twice++) {
      expect(isSecretName(`${'x'.repeat(100)}password`)).toBe(true);
      expect(isSecretName('x'.repeat(100))).toBe(false);
    }
  });

  it('redacts segment by segment: each `name=value` between `&`s whose name is secret, everything else as sent (property)', () => {
    const part = fc.constantFrom('ManagerPassword', 'managerpassword', 'Manager%50assword', 'LaunchID', 'x', '', '=', '&', '?', 'v', '%u0070assword', 'token');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }).map((parts) => `/WebAPI/TaskManager.aspx?${parts.join('')}`), (url) => {
        const mark = url.indexOf('?');
        const segments = url.slice(mark + 1).split('&').map((segment) => {
          const eq = segment.indexOf('=');
          return eq >= 0 && isSecretName(segment.slice(0, eq)) ? `${segment.slice(0, eq)}=${REDACTED}` : segment;
        });
        expect(redactUrl(url)).toBe(`${url.slice(0, mark)}?${segments.join('&')}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats password-like names as secret', () => {
    expect(['ManagerPassword', 'password', 'OMIS_SECRET', 'api_token', 'XMLREQUEST', 'signature'].every(isSecretName)).toBe(true);
    expect(['ManagerLoginName', 'LaunchID', 'XmlReqUrl', 'ReturnType'].some(isSecretName)).toBe(false);
  });
});

describe(`request logs (${databaseKind})`, () => {
  let database: TestDatabase;
  const lines: string[] = [];
  let app: ReturnType<typeof Fastify>;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
    const config = configWith({ OMIS_SECRET: 'test-secret-0123456789abcdef', LOG_LEVEL: 'info' });
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    app = Fastify({ ...fastifyOptions(config), ...loggingOptions(config, stream) });
    await app.register(omisApp, { config, database: database.db });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('logs each request with a request id and without its password or XML request', async () => {
    lines.length = 0;
    const xml = encodeURIComponent('<REQUEST><ManagerLoginName>acme</ManagerLoginName><ManagerPassword>xml-secret-pw</ManagerPassword></REQUEST>');
    const res = await app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=query-secret-pw&XmlRequest=${xml}&LaunchID=5001` });
    expect(res.statusCode).toBe(200);
    const logged = lines.join('\n');
    expect(logged).not.toContain('query-secret-pw');
    expect(logged).not.toContain('xml-secret-pw');
    const records = lines.map((line) => JSON.parse(line));
    // One line per request at info, written when the answer has gone, with the request's fields.
    expect(records.map((record) => record.msg)).toEqual(['request completed']);
    const [completed] = records;
    expect(completed.req.url).toContain(`ManagerPassword=${REDACTED}`);
    expect(completed.req.url).toContain('LaunchID=5001');
    expect(completed.req.method).toBe('GET');
    expect(completed.res.statusCode).toBe(200);
    expect(completed.responseTime).toBeGreaterThan(0);
    expect(completed.reqId).toBe(res.headers['x-request-id']);
    // The line is made of these fields only: what the serializers give, nothing for redaction to find.
    expect(Object.keys(completed)).toEqual(['level', 'time', 'pid', 'hostname', 'reqId', 'req', 'res', 'responseTime', 'msg']);
    expect(['method', 'url', 'host', 'remoteAddress', 'remotePort']).toEqual(expect.arrayContaining(Object.keys(completed.req)));
    expect(completed.res).toEqual({ statusCode: 200 });
    expect(completed.level).toBe(30);
  });

  it('keeps a route at warn (health, metrics) out of the request lines, and redacts other lines', async () => {
    lines.length = 0;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(lines).toEqual([]);
    app.log.info({ form: { ManagerPassword: 'other-line-secret' } }, 'a line with a secret field');
    const [other] = lines.map((line) => JSON.parse(line));
    expect(other.form.ManagerPassword).toBe(REDACTED);
  });

  it('logs unknown paths without the password they carry', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/WebAPI/TaskManagr.aspx?ManagerPassword=typo-secret-pw' });
    expect(res.statusCode).toBe(404);
    expect(lines.join('\n')).not.toContain('typo-secret-pw');
  });

  it("takes a proxy's X-Request-Id when it is a plain token, and makes a new one otherwise", async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'edge-1234.abc' } });
    expect(given.headers['x-request-id']).toBe('edge-1234.abc');
    const forged = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x\n{"msg":"forged"}' } });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.headers['x-request-id']).not.toBe(forged.headers['x-request-id']);
  });
});

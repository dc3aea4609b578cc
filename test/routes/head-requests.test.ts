import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useListeningApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { auditRows, launchRow, makeLaunch } from '../factories.ts';
import { parseResponses, rawExchange } from '../raw-http.ts';

/**
 * HEAD is answered as IIS answers it: the page runs exactly as for the same GET (an action included),
 * and the answer has the GET's status and headers, Content-Length among them, without a body.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  /** Every byte after the header block, up to the server's close. */
  rest: Buffer;
}

/** One request on a connection of its own, read until the server closes it (nothing is parsed away). */
async function exchange(port: number, method: string, path: string): Promise<RawAnswer> {
  const all = await rawExchange(port, [`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`]);
  const split = all.indexOf('\r\n\r\n') + 4;
  const [answer] = parseResponses(all.subarray(0, split), [0]);
  return { status: answer!.status, headers: answer!.headers, rest: all.subarray(split) };
}

/** The headers an answer is compared by: all but the moment it was made and the request's own id. */
const comparable = (headers: Record<string, string>) => {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
};

describe(`HEAD requests to the page (${databaseKind})`, () => {
  const t = useListeningApp({ env: { OMIS_REDIRECT_HOSTS: 'client.example' } });

  it.each([
    ['a launch query', { ...logins.mkt, LaunchID: '5001' }],
    ['a job query as CSV', { ...logins.mkt, JobID: '9001', ReturnType: 'CSV' }],
    ['a FILE download', { ...logins.mkt, LaunchID: '5001', ReturnType: 'FILE' }],
    ['an XMLFILE download', { ...logins.mkt, LaunchID: '5001', ReturnType: 'XMLFILE' }],
    ['a missing launch (111)', { ...logins.mkt, LaunchID: '424242' }],
    ['a missing field (102)', { ManagerLoginName: 'acme-mkt' }],
    ['a redirect (302)', { ...logins.mkt, LaunchID: '5001', SuccessfulUrl: 'https://client.example/ok?e=%errorcode%' }],
  ])('answers %s with the status and headers of the same GET, and no body', async (_what, fields) => {
    const path = pageUrl(fields as Record<string, string>);
    const get = await exchange(t.port, 'GET', path);
    const head = await exchange(t.port, 'HEAD', path);
    expect(head.status).toBe(get.status);
    expect(comparable(head.headers)).toEqual(comparable(get.headers));
    if (get.status !== 302) expect(Number(head.headers['content-length'])).toBe(get.rest.length);
    expect(head.rest.length).toBe(0);
  });

  it('carries out the action a HEAD request names, as IIS ran the page, and audits it', async () => {
    const { launchId } = await makeLaunch(t.db, { status: 3 });
    const head = await exchange(t.port, 'HEAD', pageUrl({ ...logins.mkt, LaunchID: String(launchId), LaunchAction: '3' }));
    expect(head.status).toBe(200);
    expect(head.rest.length).toBe(0);
    expect((await launchRow(t.db, launchId)).error_code).toBe(-2);
    const audit = await auditRows(t.db, 'launch', launchId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ login: 'acme-mkt', error_code: 0 });
  });

  it('keeps the connection for the next request, as after a GET', async () => {
    const socket = net.connect(t.port, '127.0.0.1');
    const path = pageUrl({ ...logins.mkt, LaunchID: '5001' });
    let received = '';
    const got = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => (pattern.test(received) ? resolve() : socket.once('data', (chunk) => ((received += chunk.toString('utf8')), check())));
        check();
      });
    socket.write(`HEAD ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await got(/\r\n\r\n/);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await got(/<\/RESPONSE>\n$/);
    socket.destroy();
    expect(received.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(received.match(/<RESPONSE>/g)).toHaveLength(1);
  });
});

describe(`HEAD with OMIS_ALLOWED_METHODS=POST (${databaseKind})`, () => {
  const t = useListeningApp({ env: { OMIS_ALLOWED_METHODS: 'POST' } });

  it('answers as the GET would: 105 in the body (HTTP 200), so without a body here', async () => {
    const path = pageUrl({ ...logins.mkt, LaunchID: '5001' });
    const get = await exchange(t.port, 'GET', path);
    const head = await exchange(t.port, 'HEAD', path);
    expect(get.rest.toString('utf8')).toContain('<ErrorCode>105</ErrorCode>');
    expect(head.status).toBe(200);
    expect(comparable(head.headers)).toEqual(comparable(get.headers));
    expect(head.rest.length).toBe(0);
  });
});

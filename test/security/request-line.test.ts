import { describe, expect, it } from 'vitest';
import { databaseKind, useListeningApp } from '../helper.ts';
import { launchRow, makeLaunch } from '../factories.ts';
import { parseResponses, rawExchange, type RawResponse } from '../raw-http.ts';
import { parseResponse } from '../xml.ts';
import { errorAnswer } from '../../src/render/answer.ts';
import { renderXml } from '../../src/render/xml-response.ts';

/**
 * Raw UTF-8 in the request line (PHP's file_get_contents, `curl -g`), which IIS accepts and Node's
 * parser refuses: taken again percent-encoded, by the same strict parser (docs/SECURITY.md). Hostile
 * variants stay refused, and every request Node's parser refuses gets the page's 107, over raw sockets.
 */
const PAGE = '/WebAPI/TaskManager.aspx';
const CREDENTIALS = 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass';

describe(`raw bytes in the request line (${databaseKind})`, () => {
  const t = useListeningApp();

  const exchange = async (chunks: Array<string | Buffer>, pauseMs?: number, heads: number[] = []) => parseResponses(await rawExchange(t.port, chunks, pauseMs), heads);
  const request = (line: string, headers: string[] = [], body = '') =>
    `${line}\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n${body}`;

  /** The 107 answer exactly as the renderer makes it, with the status and the IDs the request line gave. */
  function expect107(answer: RawResponse | undefined, status: number, echo: { launchId?: string } = {}) {
    expect(answer, 'no answer').toBeDefined();
    expect(answer!.status).toBe(status);
    expect(answer!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(answer!.headers.connection).toBe('close');
    expect(answer!.text).toBe(renderXml(errorAnswer(107, echo, undefined, status)));
  }

  describe('taken again, percent-encoded', () => {
    it('answers a GET whose LaunchID is raw UTF-8 (111 echoing 任務編號)', async () => {
      const [answer, ...more] = await exchange([request(`GET ${PAGE}?${CREDENTIALS}&LaunchID=任務編號 HTTP/1.1`)]);
      expect(more).toHaveLength(0);
      expect(answer!.status).toBe(200);
      expect(parseResponse(answer!.text)).toMatchObject({ ErrorCode: '111', ErrorMSG: "LaunchID doesn't exist", LaunchID: '任務編號' });
    });

    it('answers a query naming a raw UTF-8 parameter beside a real launch, and HTTP/1.0', async () => {
      const [answer] = await exchange([request(`GET ${PAGE}?${CREDENTIALS}&LaunchID=5001&備註=測試 HTTP/1.0`)]);
      expect(answer!.status).toBe(200);
      expect(parseResponse(answer!.text)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
    });

    it('reads the body of such a POST with the strict parser as always', async () => {
      const body = `${CREDENTIALS}&LaunchID=5001`;
      const [answer] = await exchange([request(`POST ${PAGE}?Note=任務 HTTP/1.1`, ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${body.length}`], body)]);
      expect(parseResponse(answer!.text)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
    });

    it('keeps the connection: several such requests and a plain one on one socket are each answered', async () => {
      const keep = (line: string) => `${line}\r\nHost: 127.0.0.1\r\n\r\n`;
      const answers = await exchange([
        keep(`GET ${PAGE}?${CREDENTIALS}&LaunchID=任務一 HTTP/1.1`),
        keep(`HEAD ${PAGE}?${CREDENTIALS}&LaunchID=任務二 HTTP/1.1`),
        keep(`GET ${PAGE}?${CREDENTIALS}&LaunchID=5001 HTTP/1.1`),
        request(`GET ${PAGE}?${CREDENTIALS}&LaunchID=任務三 HTTP/1.1`),
      ], undefined, [1]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(parseResponse(answers[0]!.text).LaunchID).toBe('任務一');
      expect(answers[1]!.body.length).toBe(0);
      expect(Number(answers[1]!.headers['content-length'])).toBeGreaterThan(0);
      expect(parseResponse(answers[2]!.text)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
      expect(parseResponse(answers[3]!.text).LaunchID).toBe('任務三');
    });

    it('carries out an action named in such a request, once', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 3 });
      const [answer] = await exchange([request(`GET ${PAGE}?${CREDENTIALS}&LaunchID=${launchId}&LaunchAction=3&備註=暫停 HTTP/1.1`)]);
      expect(parseResponse(answer!.text)).toMatchObject({ ErrorCode: '0', LaunchID: String(launchId) });
      expect((await launchRow(t.db, launchId)).error_code).toBe(-2);
    });
  });

  describe('hostile variants stay refused (107, connection closed)', () => {
    const line = `POST ${PAGE}?${CREDENTIALS}&LaunchID=任務 HTTP/1.1`;

    it.each([
      ['two Content-Length headers', [`Content-Length: 3`, `Content-Length: 30`], 'a=1'],
      ['Content-Length with Transfer-Encoding', ['Content-Length: 3', 'Transfer-Encoding: chunked'], '0\r\n\r\n'],
      ['two Transfer-Encoding headers', ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'], '0\r\n\r\n'],
      ['an obs-fold header line', ['Content-Type: application/x-www-form-urlencoded', ' folded: yes', 'Content-Length: 3'], 'a=1'],
      ['a header name with a space', ['Content Length: 3'], 'a=1'],
      ['a bare LF ending a header', ['X-A: 1\nContent-Length: 3'], 'a=1'],
    ])('after a raw UTF-8 request line: %s', async (_what, headers, body) => {
      const answers = await exchange([request(line, headers, body)]);
      expect(answers).toHaveLength(1);
      expect107(answers[0], 400, { launchId: '任務' });
    });

    it('a smuggled second request after a raw UTF-8 request line is never answered', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 3 });
      const smuggled = `GET ${PAGE}?${CREDENTIALS}&LaunchID=${launchId}&LaunchAction=2 HTTP/1.1\r\nHost: x\r\n\r\n`;
      const answers = await exchange([`${line}\r\nHost: x\r\nContent-Length: ${smuggled.length + 5}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`]);
      expect(answers).toHaveLength(1);
      expect107(answers[0], 400, { launchId: '任務' });
      expect((await launchRow(t.db, launchId)).error_code).toBe(0);
    });

    it.each([
      ['a CR inside the request-target', `GET ${PAGE}?LaunchID=任\r務 HTTP/1.1`],
      ['a bare LF inside the request line', `GET ${PAGE}?LaunchID=任\n務 HTTP/1.1`],
      ['a control byte beside the raw UTF-8', `GET ${PAGE}?LaunchID=任\u0001 HTTP/1.1`],
      ['a method the page never had', `PUT ${PAGE}?LaunchID=任務 HTTP/1.1`],
      ['no HTTP version', `GET ${PAGE}?LaunchID=任務 HTTP/2.0`],
      ['three parts in the line', `GET ${PAGE}?LaunchID=任 務 HTTP/1.1`],
      ['raw UTF-8 in the method', `GÉT ${PAGE}?LaunchID=5001 HTTP/1.1`],
    ])('%s', async (_what, requestLine) => {
      const answers = await exchange([request(requestLine)]);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.status).toBe(400);
      expect(parseResponse(answers[0]!.text)).toMatchObject({ ErrorCode: '107', ErrorMSG: 'Malformed request' });
    });

    it('a request line split over two writes is not taken again (the second write starts mid-line)', async () => {
      const answers = await exchange([`GET ${PAGE}?${CREDENTIALS}&LaunchID=`, `任務 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], 150);
      expect(answers).toHaveLength(1);
      expect107(answers[0], 400);
    });

    it('a write that looks like a request line in the middle of another is not taken for one', async () => {
      const { launchId } = await makeLaunch(t.db, { status: 3 });
      const answers = await exchange([`GET /health?x=`, `GET ${PAGE}?${CREDENTIALS}&LaunchID=${launchId}&LaunchAction=3&n=任 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], 150);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.status).toBe(400);
      expect(parseResponse(answers[0]!.text).ErrorCode).toBe('107');
      expect((await launchRow(t.db, launchId)).error_code).toBe(0);
    });

    it('a raw UTF-8 request pipelined behind another in one write: the first is answered, the second refused', async () => {
      const answers = await exchange([`GET ${PAGE}?${CREDENTIALS}&LaunchID=5001 HTTP/1.1\r\nHost: x\r\n\r\nGET ${PAGE}?LaunchID=任務 HTTP/1.1\r\nHost: x\r\n\r\n`]);
      expect(answers.map((a) => a.status)).toEqual([200, 400]);
      expect(parseResponse(answers[0]!.text)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
      expect(parseResponse(answers[1]!.text).ErrorCode).toBe('107');
    });
  });

  describe("what Node's parser refuses is answered with the page's 107", () => {
    it('a control byte in the query string: 400, the XML the renderer makes', async () => {
      const answers = await exchange([request(`GET ${PAGE}?LaunchID=5001&x=\u0001 HTTP/1.1`)]);
      expect(answers).toHaveLength(1);
      expect107(answers[0], 400);
    });

    it('in the form the query string asks for when the request line can be read (CSV), echoing its IDs', async () => {
      const answers = await exchange([request(`GET ${PAGE}?ReturnType=CSV&LaunchID=5001 HTTP/1.1`, [' folded: header'])]);
      expect(answers[0]!.status).toBe(400);
      expect(answers[0]!.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answers[0]!.text).toContain('107,Malformed request,,5001');
    });

    it('a header block over 80 KiB: 431 with ErrorCode 107', async () => {
      const answers = await exchange([request(`GET ${PAGE}?LaunchID=5001 HTTP/1.1`, [`Cookie: a=${'c'.repeat(100_000)}`])]);
      expect(answers[0]!.status).toBe(431);
      expect(parseResponse(answers[0]!.text)).toMatchObject({ ErrorCode: '107', ErrorMSG: 'Malformed request' });
    });

    it('a malformed chunked body: 400 with ErrorCode 107', async () => {
      const answers = await exchange([request(`POST ${PAGE}?LaunchID=5001 HTTP/1.1`, ['Content-Type: application/x-www-form-urlencoded', 'Transfer-Encoding: chunked'], 'zz\r\nabc\r\n0\r\n\r\n')]);
      expect(answers[0]!.status).toBe(400);
      expect(parseResponse(answers[0]!.text)).toMatchObject({ ErrorCode: '107' });
    });

    it('bytes that are no HTTP at all: 400 with ErrorCode 107 in XML', async () => {
      const answers = await exchange([Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a])]);
      expect107(answers[0], 400);
    });
  });
});

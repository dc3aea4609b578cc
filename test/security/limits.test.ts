import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, seedWith, type TestApp } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { MAX_QUERY_BYTES, MULTIPART_FIELDS, MULTIPART_FILES } from '../../src/request/limits.ts';
import { parseResponse } from '../xml.ts';

/**
 * Every input limit and its defined answer, over real HTTP (the request line, header and
 * Content-Length limits live in Node's HTTP parser, which app.inject bypasses).
 */
const CREDENTIALS = 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001';
const PAGE = '/WebAPI/TaskManager.aspx';
const BODY_BYTES = 1024 * 1024; // max(1 MiB, 4 × OMIS_XML_MAX_BYTES) with the default 256 KiB
const XML_MAX = 262_144;

interface Answer {
  status: number;
  type: string;
  body: string;
  /** ErrorCode of an XML answer. */
  code: string | undefined;
}

describe(`input limits over HTTP (${databaseKind})`, () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  /** One request; `body` as an array of chunks is sent chunked (no Content-Length). */
  function send(options: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string | Buffer[] }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false });
      request.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const type = String(res.headers['content-type'] ?? '');
          const code = type.startsWith('text/xml') ? parseResponse(body)?.ErrorCode : undefined;
          resolve({ status: res.statusCode!, type, body, code });
        });
      });
      // The server may answer and close before the whole body is written (413 on Content-Length).
      request.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      if (Array.isArray(options.body)) {
        for (const chunk of options.body) request.write(chunk);
        request.end();
      } else {
        request.end(options.body);
      }
    });
  }

  const form = (body: string | Buffer) => ({
    method: 'POST',
    path: PAGE,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    body,
  });

  /** `fields` padded with a Pad field to exactly `bytes`. */
  const padded = (fields: string, bytes: number) => `${fields}&Pad=${'x'.repeat(bytes - fields.length - '&Pad='.length)}`;

  describe('query string (64 KiB accepted)', () => {
    it('accepts a query string of exactly 64 KiB', async () => {
      const query = padded(CREDENTIALS, MAX_QUERY_BYTES);
      expect(query.length).toBe(65536);
      expect(await send({ path: `${PAGE}?${query}` })).toMatchObject({ status: 200, code: '0' });
    });

    it('accepts a whole XML request of nearly 64 KiB in the query string', async () => {
      const xml = `<REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword><LaunchID>5001</LaunchID><Note>${'n'.repeat(60_000)}</Note></REQUEST>`;
      expect(await send({ path: `${PAGE}?XmlRequest=${encodeURIComponent(xml)}` })).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 414 with ErrorCode 107 one byte over 64 KiB', async () => {
      const answer = await send({ path: `${PAGE}?${padded(CREDENTIALS, MAX_QUERY_BYTES + 1)}` });
      expect(answer).toMatchObject({ status: 414, type: 'text/xml; charset=utf-8', code: '107' });
    });

    it('answers 431 when the request line alone exceeds the header limit', async () => {
      expect((await send({ path: `${PAGE}?${padded(CREDENTIALS, 200_000)}` })).status).toBe(431);
    });
  });

  describe('headers (request line + headers up to 80 KiB)', () => {
    it('accepts 10 KiB of headers', async () => {
      const answer = await send({ path: `${PAGE}?${CREDENTIALS}`, headers: { 'x-padding': 'h'.repeat(10_000), cookie: `a=${'c'.repeat(5000)}` } });
      expect(answer).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 431 for a 100 KiB header', async () => {
      expect((await send({ path: `${PAGE}?${CREDENTIALS}`, headers: { cookie: `a=${'c'.repeat(100_000)}` } })).status).toBe(431);
    });

    it('answers 400 for a Content-Length that does not match the body', async () => {
      const answer = await send({ ...form(CREDENTIALS), headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 'abc' } });
      expect(answer.status).toBe(400);
    });
  });

  describe('urlencoded body (1 MiB)', () => {
    it('accepts a body of exactly the limit', async () => {
      expect(await send(form(padded(CREDENTIALS, BODY_BYTES)))).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 413 with ErrorCode 107 one byte over it', async () => {
      const answer = await send(form(padded(CREDENTIALS, BODY_BYTES + 1)));
      expect(answer).toMatchObject({ status: 413, type: 'text/xml; charset=utf-8', code: '107' });
    });

    it('answers 413 for a chunked body that grows over the limit', async () => {
      const chunks = [Buffer.from(`${CREDENTIALS}&Pad=`), ...Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 'x'))];
      const answer = await send({ method: 'POST', path: PAGE, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: chunks });
      expect(answer).toMatchObject({ status: 413, code: '107' });
    });

    it('copes with a hundred thousand parameters', async () => {
      const body = `${CREDENTIALS}&${'Many=1&'.repeat(100_000)}`;
      expect(await send(form(body))).toMatchObject({ status: 200, code: '0' });
    });
  });

  describe('other bodies are ignored, as ASP.NET ignores them', () => {
    it.each([
      ['application/json', '{"ManagerLoginName": "someone else"}'],
      ['application/json', '{ not json'],
      ['text/plain', 'ManagerLoginName=someone-else'],
      ['text/xml', '<REQUEST><LaunchID>1</LaunchID></REQUEST>'],
      ['application/octet-stream', Buffer.from([0, 1, 2, 255])],
    ])('a %s body: the query string is answered', async (type, body) => {
      const answer = await send({ method: 'POST', path: `${PAGE}?${CREDENTIALS}`, headers: { 'content-type': type, 'content-length': Buffer.byteLength(body) }, body });
      expect(answer).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 413 for such a body over the limit', async () => {
      const body = Buffer.alloc(BODY_BYTES + 1, 'j');
      const answer = await send({ method: 'POST', path: `${PAGE}?${CREDENTIALS}`, headers: { 'content-type': 'application/json', 'content-length': body.length }, body });
      expect(answer.status).toBe(413);
    });
  });

  describe('multipart (fields, files, parts, total size)', () => {
    const credentialFields: Array<[string, string]> = [
      ['ManagerLoginName', 'acme-mkt'],
      ['ManagerPassword', 'mkt-pass'],
      ['LaunchID', '5001'],
    ];
    const post = (payload: Buffer, headers: Record<string, string>) =>
      send({ method: 'POST', path: PAGE, headers: { ...headers, 'content-length': payload.length }, body: payload });

    const chunked = (payload: Buffer) => Array.from({ length: Math.ceil(payload.length / 65536) }, (_, i) => payload.subarray(i * 65536, (i + 1) * 65536));

    it(`accepts ${MULTIPART_FIELDS} fields`, async () => {
      const fields = [...credentialFields, ...Array.from({ length: MULTIPART_FIELDS - 3 }, (_, i): [string, string] => [`F${i}`, 'v'])];
      const { payload, headers } = multipartBody(fields);
      expect(await post(payload, headers)).toMatchObject({ status: 200, code: '0' });
    });

    it(`answers 413 with ErrorCode 107 for ${MULTIPART_FIELDS + 1} fields`, async () => {
      const fields = [...credentialFields, ...Array.from({ length: MULTIPART_FIELDS - 2 }, (_, i): [string, string] => [`F${i}`, 'v'])];
      const { payload, headers } = multipartBody(fields);
      expect(await post(payload, headers)).toMatchObject({ status: 413, type: 'text/xml; charset=utf-8', code: '107' });
    });

    it(`answers 413 for more than ${MULTIPART_FILES} files`, async () => {
      const files = Array.from({ length: MULTIPART_FILES + 1 }, (_, i) => ({ field: `Attachment${i}`, name: `a${i}.txt`, content: 'x' }));
      const { payload, headers } = multipartBody(credentialFields, files);
      expect(await post(payload, headers)).toMatchObject({ status: 413, code: '107' });
    });

    it('answers 413 before reading a body whose Content-Length is over the limit', async () => {
      const { payload, headers } = multipartBody(credentialFields, [{ field: 'Other', name: 'big.bin', content: Buffer.alloc(BODY_BYTES, 1) }]);
      expect(await post(payload, headers)).toMatchObject({ status: 413, code: '107' });
    });

    it('answers 413 for a chunked multipart field larger than the largest XML request', async () => {
      const { payload, headers } = multipartBody([...credentialFields, ['Big', 'y'.repeat(XML_MAX + 10)]]);
      expect(await send({ method: 'POST', path: PAGE, headers, body: chunked(payload) })).toMatchObject({ status: 413, code: '107' });
    });

    it('answers 413 for a chunked body of fields each within its limit but over the total', async () => {
      const fields = Array.from({ length: 20 }, (_, i): [string, string] => [`F${i}`, 'z'.repeat(XML_MAX - 100)]);
      const { payload, headers } = multipartBody([...credentialFields, ...fields]);
      expect(payload.length).toBeGreaterThan(BODY_BYTES * 4);
      expect(await send({ method: 'POST', path: PAGE, headers, body: chunked(payload) })).toMatchObject({ status: 413, code: '107' });
    });

    it('answers 413 for a chunked upload of another file over the total', async () => {
      const { payload, headers } = multipartBody(credentialFields, [{ field: 'Photo', name: 'p.jpg', content: Buffer.alloc(BODY_BYTES * 2, 7), type: 'image/jpeg' }]);
      expect(await send({ method: 'POST', path: PAGE, headers, body: chunked(payload) })).toMatchObject({ status: 413, code: '107' });
    });

    it('still answers 103 for an XmlRequest field over OMIS_XML_MAX_BYTES (not 107)', async () => {
      const xml = `<REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><Note>${'n'.repeat(XML_MAX)}</Note></REQUEST>`;
      const { payload, headers } = multipartBody([['XmlRequest', xml]]);
      expect(await post(payload, headers)).toMatchObject({ status: 200, code: '103' });
    });

    it('ignores a file that is not XmlReqFilePath, within the limits', async () => {
      const { payload, headers } = multipartBody(credentialFields, [{ field: 'Photo', name: 'p.jpg', content: Buffer.alloc(100_000, 7), type: 'image/jpeg' }]);
      expect(await post(payload, headers)).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 400 for a body cut off in the middle of a part', async () => {
      const { payload, headers } = multipartBody(credentialFields);
      const cut = payload.subarray(0, payload.length - 30);
      expect(await post(cut, headers)).toMatchObject({ status: 400, type: 'text/xml; charset=utf-8', code: '107' });
    });

    it('answers 400 for multipart without a boundary', async () => {
      const body = Buffer.from('ManagerLoginName=acme-mkt');
      expect(await post(body, { 'content-type': 'multipart/form-data' })).toMatchObject({ status: 400, code: '107' });
    });
  });

  describe('XML request size and depth (end to end; reader in request/xml-request.ts)', () => {
    const xmlOf = (inner: string) =>
      `<REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword><LaunchID>5001</LaunchID>${inner}</REQUEST>`;
    const postXml = (xml: string) => send(form(`XmlRequest=${encodeURIComponent(xml)}`));

    it('accepts a document just under OMIS_XML_MAX_BYTES', async () => {
      const base = xmlOf('<Note></Note>');
      expect(await postXml(xmlOf(`<Note>${'n'.repeat(XML_MAX - base.length)}</Note>`))).toMatchObject({ status: 200, code: '0' });
    });

    it('answers 103 for a document over OMIS_XML_MAX_BYTES', async () => {
      const base = xmlOf('<Note></Note>');
      expect(await postXml(xmlOf(`<Note>${'n'.repeat(XML_MAX - base.length + 1)}</Note>`))).toMatchObject({ status: 200, code: '103' });
    });

    it('answers 103 for an uploaded XmlReqFilePath over the limit', async () => {
      const xml = xmlOf(`<Note>${'n'.repeat(XML_MAX)}</Note>`);
      const { payload, headers } = multipartBody([], [{ field: 'XmlReqFilePath', name: 'request.xml', content: xml }]);
      const answer = await send({ method: 'POST', path: PAGE, headers: { ...headers, 'content-length': payload.length }, body: payload });
      expect(answer).toMatchObject({ status: 200, code: '103' });
    });

    it.each([100, 10_000, 60_000])('answers 103 for elements nested %i deep', async (depth) => {
      const xml = xmlOf(`${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`);
      expect(await postXml(xml)).toMatchObject({ status: 200, code: '103' });
    });

    it('answers 103 for a billion-laughs document, without expanding anything', async () => {
      const xml = `<?xml version="1.0"?><!DOCTYPE REQUEST [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${xmlOf('<Note>&b;</Note>')}`;
      expect(await postXml(xml)).toMatchObject({ status: 200, code: '103' });
    });
  });
});

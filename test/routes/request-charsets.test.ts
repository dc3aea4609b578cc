import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useListeningApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

/**
 * Request bodies in the character set they declare (docs/API.md#character-encodings), over real HTTP:
 * urlencoded and multipart text fields by the request's `charset`, else OMIS_REQUEST_ENCODING.
 */
const PAGE = '/WebAPI/TaskManager.aspx';
const credentials = `ManagerLoginName=${logins.mkt.ManagerLoginName}&ManagerPassword=${logins.mkt.ManagerPassword}`;
const percent = (bytes: Buffer) => [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** A multipart body whose field values are given as bytes. */
function multipart(fields: Array<[string, Buffer | string, string?]>) {
  const boundary = 'omis-charset-boundary';
  const parts = fields.map(([name, value, type]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`),
      Buffer.isBuffer(value) ? value : Buffer.from(value),
      Buffer.from('\r\n'),
    ]),
  );
  return { boundary, body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]) };
}

async function post(origin: string, contentType: string, body: Buffer | string, query = '') {
  const res = await fetch(`${origin}${PAGE}${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text, xml: res.headers.get('content-type')?.startsWith('text/xml') ? parseResponse(text) : undefined };
}

describe(`request bodies in their declared charset (${databaseKind})`, () => {
  const t = useListeningApp();

  it.each([
    ['big5', '任務編號'],
    ['gbk', '任务编号'],
    ['shift_jis', 'タスク番号'],
  ])('reads a urlencoded body declared %s: escaped bytes of that charset (LaunchID %s → 111 echoing it)', async (charset, id) => {
    const answer = await post(t.origin, `application/x-www-form-urlencoded; charset=${charset}`, `${credentials}&LaunchID=${percent(iconv.encode(id, charset))}`);
    expect(answer.status).toBe(200);
    expect(answer.xml).toMatchObject({ ErrorCode: '111', ErrorMSG: "LaunchID doesn't exist", LaunchID: id });
  });

  it('reads raw (unescaped) Big5 bytes of a urlencoded body declared big5', async () => {
    const body = Buffer.concat([Buffer.from(`${credentials}&LaunchID=`), iconv.encode('任務編號', 'big5')]);
    expect((await post(t.origin, 'application/x-www-form-urlencoded; charset=Big5', body)).xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it('still reads a urlencoded body without a charset as UTF-8, and %uXXXX as ever', async () => {
    const answer = await post(t.origin, 'application/x-www-form-urlencoded', `${credentials}&LaunchID=${encodeURIComponent('任務')}%u7DE8%u865F`);
    expect(answer.xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it('answers a query with credentials from a Big5 body', async () => {
    const answer = await post(t.origin, 'application/x-www-form-urlencoded; charset=big5', `${credentials}&LaunchID=5001`);
    expect(answer.xml).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
  });

  it('reads the text fields of a multipart body declared big5', async () => {
    const { boundary, body } = multipart([
      ['ManagerLoginName', 'acme-mkt'],
      ['ManagerPassword', 'mkt-pass'],
      ['LaunchID', iconv.encode('任務編號', 'big5')],
    ]);
    expect((await post(t.origin, `multipart/form-data; boundary=${boundary}; charset=big5`, body)).xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it("decodes a multipart field by the request's charset, not the part's own Content-Type, as ASP.NET does", async () => {
    const { boundary, body } = multipart([
      ['ManagerLoginName', 'acme-mkt'],
      ['ManagerPassword', 'mkt-pass'],
      ['LaunchID', Buffer.from('任務編號'), 'text/plain; charset=big5'],
    ]);
    expect((await post(t.origin, `multipart/form-data; boundary=${boundary}`, body)).xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it.each([
    ['urlencoded', 'application/x-www-form-urlencoded; charset=x-klingon', Buffer.from(`${credentials}&LaunchID=5001`)],
    ['multipart', `multipart/form-data; boundary=${multipart([]).boundary}; charset=x-klingon`, multipart([['LaunchID', '5001']]).body],
  ])('answers a %s body in an unknown charset with 107 (HTTP 400), in the form the query string asks for', async (_kind, type, body) => {
    const xml = await post(t.origin, type, body, '?LaunchID=5001');
    expect(xml).toMatchObject({ status: 400, type: 'text/xml; charset=utf-8' });
    expect(xml.xml).toMatchObject({ ErrorCode: '107', ErrorMSG: 'Malformed request', LaunchID: '5001' });
    const csv = await post(t.origin, type, body, '?ReturnType=CSV&LaunchID=5001');
    expect(csv).toMatchObject({ status: 400, type: 'text/plain; charset=utf-8' });
    expect(csv.text).toContain('107,Malformed request,,5001');
  });

  it('keeps the XML upload rules: a BOM beats a wrong declaration', async () => {
    const doc = `<?xml version="1.0" encoding="big5"?><REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword><LaunchID>任務</LaunchID></REQUEST>`;
    const boundary = 'omis-xml-upload';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="XmlReqFilePath"; filename="r.xml"\r\nContent-Type: text/xml\r\n\r\n`),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(doc),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect((await post(t.origin, `multipart/form-data; boundary=${boundary}; charset=big5`, body)).xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務' });
  });
});

describe(`OMIS_REQUEST_ENCODING=big5 (${databaseKind})`, () => {
  const t = useListeningApp({ env: { OMIS_REQUEST_ENCODING: 'big5' } });

  it('decodes a body without a charset in Big5', async () => {
    const answer = await post(t.origin, 'application/x-www-form-urlencoded', `${credentials}&LaunchID=${percent(iconv.encode('任務編號', 'big5'))}`);
    expect(answer.xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
    const { boundary, body } = multipart([['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass'], ['LaunchID', iconv.encode('任務編號', 'big5')]]);
    expect((await post(t.origin, `multipart/form-data; boundary=${boundary}`, body)).xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it("lets a body's own charset win over it", async () => {
    const answer = await post(t.origin, 'application/x-www-form-urlencoded; charset=utf-8', `${credentials}&LaunchID=${encodeURIComponent('任務編號')}`);
    expect(answer.xml).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });

  it('still reads the query string as UTF-8', async () => {
    const res = await fetch(`${t.origin}${pageUrl({ ...logins.mkt, LaunchID: '任務編號' })}`);
    expect(parseResponse(await res.text())).toMatchObject({ ErrorCode: '111', LaunchID: '任務編號' });
  });
});

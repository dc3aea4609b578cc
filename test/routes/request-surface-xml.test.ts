import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, databaseKind, multipartBody, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { GOOD_XML, startXmlServer, type XmlServer } from '../request/xml-server.ts';
import { listen, rawRequest, xmlRequest } from './request-surface-helpers.ts';
import { parseResponse } from '../xml.ts';

/**
 * The XML request sources end to end (docs/API.md#xml-requests, the original document's note 10001), over real HTTP: XmlRequest in a
 * GET query string and in POST bodies, XmlReqFilePath uploads, XmlReqUrl fetched from a local
 * server that also misbehaves.
 */
const PAGE = '/WebAPI/TaskManager.aspx';
const mktXml = xmlRequest({ ManagerLoginName: logins.mkt.ManagerLoginName, ManagerPassword: logins.mkt.ManagerPassword, LaunchID: '5001' });

describe(`XML request sources over HTTP (${databaseKind})`, () => {
  let t: TestApp;
  let origin: string;
  let files: XmlServer;

  beforeAll(async () => {
    files = await startXmlServer();
    // The local server is 127.0.0.1: listed exactly, as an operator would list an intranet host.
    t = await buildTestApp({ env: { OMIS_XMLREQURL_HOSTS: '127.0.0.1', OMIS_XML_MAX_BYTES: '4096' } });
    await seedWith(t.db, standardSeed);
    origin = await listen(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await files?.close();
  });
  beforeEach(() => {
    files.requests.length = 0;
  });

  async function get(fields: Record<string, string>) {
    const res = await fetch(`${origin}${pageUrl(fields)}`);
    return { res, xml: parseResponse(await res.text()) };
  }

  async function post(body: FormData | URLSearchParams) {
    const res = await fetch(`${origin}${PAGE}`, { method: 'POST', body });
    return { res, xml: parseResponse(await res.text()) };
  }

  describe('XmlRequest', () => {
    it('works in a GET query string written as the original document shows it (raw < > ")', async () => {
      const doc = '<?xml version="1.0" encoding="utf-8"?><REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword></REQUEST>';
      // Only the spaces are escaped: a request line cannot hold a raw space.
      const res = await rawRequest(origin, `GET ${PAGE}?XmlRequest=${doc.replace(/ /g, '%20')}&LaunchID=5001 HTTP/1.1`);
      expect(res.status).toBe(200);
      const xml = parseResponse(res.body);
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LAUNCH?.LaunchName).toBe('Newsletter');
    });

    it('works URL-encoded in a GET query string, in any letter case', async () => {
      const { xml } = await get({ xmlrequest: mktXml });
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LaunchID).toBe('5001');
    });

    it('works in a urlencoded POST body', async () => {
      const { xml } = await post(new URLSearchParams({ XmlRequest: mktXml }));
      expect(xml.LaunchID).toBe('5001');
      expect(xml.LAUNCH?.JOB?.map((job) => job.JobID)).toEqual(['9001', '9002']);
    });

    it('works as a multipart form field', async () => {
      const form = new FormData();
      form.set('XmlRequest', mktXml);
      const { xml } = await post(form);
      expect(xml.ErrorCode).toBe('0');
    });

    it('gives way to the query string and the form: the XML fields come last', async () => {
      // The query names launch 5002 (visible to acme-mkt: its sub-account owns it); the XML says 5001.
      const { xml } = await get({ LaunchID: '5002', XmlRequest: mktXml });
      expect(xml.LaunchID).toBe('5002');
      const form = new FormData();
      form.set('XmlRequest', mktXml);
      form.set('ManagerPassword', 'wrong');
      expect((await post(form)).xml.ErrorCode).toBe('100');
    });

    it('takes the ReturnType and redirects from the XML too', async () => {
      const doc = xmlRequest({ ...logins.mkt, LaunchID: '5001', ReturnType: 'CSV' });
      const res = await fetch(`${origin}${pageUrl({ XmlRequest: doc })}`);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    });

    it.each([
      ['a DOCTYPE', '<!DOCTYPE REQUEST><REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName></REQUEST>'],
      ['an entity bomb', '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><REQUEST><ManagerLoginName>&c;</ManagerLoginName></REQUEST>'],
      ['malformed XML', '<REQUEST><ManagerLoginName>acme-mkt</REQUEST>'],
      ['another root', '<RESPONSE/>'],
      ['a document over OMIS_XML_MAX_BYTES', `<REQUEST><x>${'a'.repeat(5000)}</x></REQUEST>`],
    ])('answers 103 for %s', async (_name, doc) => {
      const { xml } = await post(new URLSearchParams({ XmlRequest: doc, LaunchID: '5001' }));
      expect(xml.ErrorCode).toBe('103');
      expect(xml.ErrorMSG).toBe('Invalid XML request');
      expect(xml.LaunchID).toBe('5001');
    });
  });

  describe('XmlReqFilePath', () => {
    function upload(name: string, content: string | Buffer, extra: Record<string, string> = {}) {
      const form = new FormData();
      for (const [key, value] of Object.entries(extra)) form.set(key, value);
      form.set('XmlReqFilePath', new Blob([content], { type: 'text/xml' }), name);
      return form;
    }

    it('reads an uploaded .xml file', async () => {
      const { xml } = await post(upload('request.xml', mktXml));
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LaunchID).toBe('5001');
    });

    it('reads an upload with a byte-order mark, the name in capitals', async () => {
      const { xml } = await post(upload('REQUEST.XML', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(mktXml)])));
      expect(xml.ErrorCode).toBe('0');
    });

    it('reads an upload sent by a stock HTML form (multipart, hidden fields beside it)', async () => {
      const body = multipartBody([['ReturnType', 'XML']], [{ field: 'XmlReqFilePath', name: 'r.xml', content: mktXml }]);
      const res = await fetch(`${origin}${PAGE}`, { method: 'POST', headers: body.headers, body: body.payload });
      expect(parseResponse(await res.text()).LaunchID).toBe('5001');
    });

    it('treats a file input left empty as no source at all', async () => {
      const body = multipartBody([...Object.entries(logins.mkt), ['LaunchID', '5001']], [{ field: 'XmlReqFilePath', name: '', content: '' }]);
      const res = await fetch(`${origin}${PAGE}`, { method: 'POST', headers: body.headers, body: body.payload });
      expect(parseResponse(await res.text()).ErrorCode).toBe('0');
    });

    it.each([
      ['a file not named .xml', () => upload('request.txt', mktXml)],
      ['a file over OMIS_XML_MAX_BYTES', () => upload('big.xml', `<REQUEST><x>${'a'.repeat(5000)}</x></REQUEST>`)],
      ['a file that is not XML', () => upload('r.xml', 'ManagerLoginName=acme-mkt')],
      ['a file and an XmlRequest at once', () => upload('r.xml', mktXml, { XmlRequest: mktXml })],
      ['a file and an XmlReqUrl at once', () => upload('r.xml', mktXml, { XmlReqUrl: 'http://127.0.0.1/ok.xml' })],
    ])('answers 103 for %s', async (_name, form) => {
      expect((await post(form())).xml.ErrorCode).toBe('103');
    });

    it('answers 103 for two uploaded files', async () => {
      const body = multipartBody([], [
        { field: 'XmlReqFilePath', name: 'a.xml', content: mktXml },
        { field: 'XmlReqFilePath', name: 'b.xml', content: mktXml },
      ]);
      const res = await fetch(`${origin}${PAGE}`, { method: 'POST', headers: body.headers, body: body.payload });
      expect(parseResponse(await res.text()).ErrorCode).toBe('103');
    });

    it('answers 103 for an XmlReqFilePath given as text (GET): no file on the server is ever read', async () => {
      const { xml } = await get({ ...logins.mkt, LaunchID: '5001', XmlReqFilePath: '/etc/hostname.xml' });
      expect(xml.ErrorCode).toBe('103');
    });
  });

  describe('XmlReqUrl', () => {
    it('fetches the document from a listed host', async () => {
      const { xml } = await get({ XmlReqUrl: `${files.origin}/ok.xml` });
      expect(xml.ErrorCode).toBe('0');
      expect(xml.LaunchID).toBe('5001');
      expect(files.requests.map((r) => r.path)).toEqual(['/ok.xml']);
    });

    it('takes XmlReqUrl from a POST form as well', async () => {
      const { xml } = await post(new URLSearchParams({ XmlReqUrl: `${files.origin}/ok.xml` }));
      expect(xml.ErrorCode).toBe('0');
    });

    it.each([
      ['a redirect (not followed)', '/redirect.xml'],
      ['a redirect to the metadata address', '/redirect-301.xml'],
      ['a 404', '/missing.xml'],
      ['an HTML page', '/html.xml'],
      ['JSON', '/json.xml'],
      ['a compressed body', '/gzip.xml'],
      ['a declared length over the limit', '/declared-huge.xml'],
      ['an endless body', '/endless.xml'],
      ['a connection cut mid-body', '/cut.xml'],
    ])('answers 104 for %s', async (_name, path) => {
      const { xml } = await get({ XmlReqUrl: `${files.origin}${path}`, LaunchID: '5001' });
      expect(xml.ErrorCode).toBe('104');
      expect(xml.ErrorMSG).toBe('XmlReqUrl could not be used');
      expect(xml.LaunchID).toBe('5001');
    });

    it('answers 104 for a server that never answers, after the 5 s deadline', async () => {
      const { xml } = await get({ XmlReqUrl: `${files.origin}/silent.xml` });
      expect(xml.ErrorCode).toBe('104');
    }, 15_000);

    it('answers 103 for a fetched document that is not a valid XML request', async () => {
      expect((await get({ XmlReqUrl: `${files.origin}/doctype.xml` })).xml.ErrorCode).toBe('103');
      expect((await get({ XmlReqUrl: `${files.origin}/not-xml.xml` })).xml.ErrorCode).toBe('103');
    });

    it.each([
      ['a path not ending in .xml', '/ok.txt'],
      ['.xml only in the query string', '/ok?f=a.xml'],
    ])('answers 103 without fetching for %s', async (_name, path) => {
      expect((await get({ XmlReqUrl: `${files.origin}${path}` })).xml.ErrorCode).toBe('103');
      expect(files.requests).toEqual([]);
    });

    it.each([
      ['an unlisted host', 'http://localhost:PORT/ok.xml'],
      ['a file: URL', 'file:///etc/passwd.xml'],
      ['an ftp: URL', 'ftp://127.0.0.1/ok.xml'],
      ['credentials in the URL', 'http://user:pw@127.0.0.1:PORT/ok.xml'],
      ['not a URL', 'ok.xml'],
    ])('answers 104 without fetching for %s', async (_name, url) => {
      expect((await get({ XmlReqUrl: url.replace('PORT', String(files.port)) })).xml.ErrorCode).toBe('104');
      expect(files.requests).toEqual([]);
    });

    it('answers 103 for XmlReqUrl together with XmlRequest', async () => {
      expect((await get({ XmlReqUrl: `${files.origin}/ok.xml`, XmlRequest: mktXml })).xml.ErrorCode).toBe('103');
      expect(files.requests).toEqual([]);
    });

    it('serves a legacy client’s fetched document exactly', async () => {
      const res = await fetch(`${files.origin}/ok.xml`);
      expect(await res.text()).toBe(GOOD_XML);
    });
  });
});

describe(`XmlReqUrl with OMIS_XMLREQURL_HOSTS=* : never an inward address (${databaseKind})`, () => {
  let t: TestApp;
  let origin: string;
  let files: XmlServer;

  beforeAll(async () => {
    files = await startXmlServer();
    t = await buildTestApp({ env: { OMIS_XMLREQURL_HOSTS: '*' } });
    await seedWith(t.db, standardSeed);
    origin = await listen(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await files?.close();
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:PORT/ok.xml'],
    ['localhost', 'http://localhost:PORT/ok.xml'],
    ['a decimal address', 'http://2130706433:PORT/ok.xml'],
    ['a hex address', 'http://0x7f.1:PORT/ok.xml'],
    ['an octal address', 'http://0177.0.0.1:PORT/ok.xml'],
    ['IPv6 loopback', 'http://[::1]:PORT/ok.xml'],
    ['an IPv4-mapped IPv6 address', 'http://[::ffff:127.0.0.1]:PORT/ok.xml'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data.xml'],
    ['a private address', 'http://10.0.0.1/ok.xml'],
    ['the unspecified address', 'http://0.0.0.0:PORT/ok.xml'],
  ])('answers 104 for %s, and nothing is fetched', async (_name, url) => {
    const res = await fetch(`${origin}${pageUrl({ XmlReqUrl: url.replace('PORT', String(files.port)), LaunchID: '5001' })}`);
    expect(parseResponse(await res.text()).ErrorCode).toBe('104');
    expect(files.requests).toEqual([]);
  });
});

describe(`XML sources and the method switch (${databaseKind})`, () => {
  let t: TestApp;
  let files: XmlServer;
  beforeAll(async () => {
    files = await startXmlServer();
    t = await buildTestApp({ env: { OMIS_XMLREQURL_HOSTS: '127.0.0.1', OMIS_ALLOWED_METHODS: 'POST' } });
  });
  afterAll(async () => {
    await t?.close();
    await files?.close();
  });

  it('answers 105 for a switched-off method before fetching anything', async () => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ XmlReqUrl: `${files.origin}/ok.xml` }) });
    expect(parseResponse(res.body).ErrorCode).toBe('105');
    expect(files.requests).toEqual([]);
  });
});

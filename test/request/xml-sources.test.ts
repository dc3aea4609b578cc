import { winningSource } from './bag-trace.ts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/error-codes.ts';
import type { UploadedFile } from '../../src/request/collect-params.ts';
import { ParamBag, type NamedValues } from '../../src/request/param-bag.ts';
import { addXmlSource, findXmlSource, type XmlSourceOptions } from '../../src/request/xml-sources.ts';
import { XmlReqUrlError } from '../../src/request/xml-req-url.ts';

const DOC = '<REQUEST><ManagerLoginName>from-xml</ManagerLoginName><LaunchID>5001</LaunchID></REQUEST>';

function bag(query: NamedValues = [], form: NamedValues = []): ParamBag {
  return new ParamBag([
    ['query', query],
    ['form', form],
  ]);
}

function upload(fileName: string, content: string | Buffer = DOC, extra: Partial<UploadedFile> = {}): UploadedFile {
  return { fieldName: 'XmlReqFilePath', fileName, content: Buffer.from(content), truncated: false, ...extra };
}

/** A fetcher that serves DOC for any URL and records what it was asked. */
function fetcher(body: string = DOC) {
  const urls: string[] = [];
  const options: XmlSourceOptions = {
    maxBytes: 256 * 1024,
    fetchUrl: async (url) => {
      urls.push(url);
      return Buffer.from(body);
    },
  };
  return { urls, options };
}

async function codeOf(run: Promise<unknown>): Promise<number | undefined> {
  try {
    await run;
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

describe('findXmlSource', () => {
  it('finds none in an ordinary request', () => {
    expect(findXmlSource(bag([['LaunchID', '1']]), [])).toBeUndefined();
  });

  it.each([
    ['XmlRequest in the query', bag([['XmlRequest', DOC]]), [], 'inline'],
    ['xmlrequest in any case, in the form', bag([], [['XMLREQUEST', DOC]]), [], 'inline'],
    ['XmlReqUrl', bag([['XmlReqUrl', 'http://x/a.xml']]), [], 'url'],
    ['an uploaded XmlReqFilePath', bag(), [upload('r.xml')], 'file'],
    ['an uploaded xmlreqfilepath (any case)', bag(), [upload('r.xml', DOC, { fieldName: 'xmlreqfilepath' })], 'file'],
  ] as const)('finds %s', (_name, given, files, kind) => {
    expect(findXmlSource(given, [...files])?.kind).toBe(kind);
  });

  it.each([
    ['a blank XmlRequest', bag([['XmlRequest', '  ']])],
    ['a blank XmlReqUrl', bag([['XmlReqUrl', '']])],
  ])('treats %s as not given', (_name, given) => {
    expect(findXmlSource(given, [])).toBeUndefined();
  });

  it('finds a form value behind a blank query value, and the other way round', () => {
    expect(findXmlSource(bag([['XmlRequest', '']], [['XmlRequest', DOC]]), [])).toEqual({ kind: 'inline', text: DOC });
    expect(findXmlSource(bag([['XmlReqUrl', ' http://x/a.xml ']], [['XmlReqUrl', '']]), [])).toEqual({ kind: 'url', url: 'http://x/a.xml' });
  });

  it('treats a file input left empty (no name, no bytes) as not given', () => {
    expect(findXmlSource(bag(), [upload('', '')])).toBeUndefined();
  });

  it('ignores files uploaded under other names', () => {
    expect(findXmlSource(bag(), [upload('r.xml', DOC, { fieldName: 'Attachment' })])).toBeUndefined();
  });

  it.each([
    ['XmlRequest and XmlReqUrl', bag([['XmlRequest', DOC]], [['XmlReqUrl', 'http://x/a.xml']]), []],
    ['XmlRequest and an upload', bag([], [['XmlRequest', DOC]]), [upload('r.xml')]],
    ['XmlReqUrl and an upload', bag([['XmlReqUrl', 'http://x/a.xml']]), [upload('r.xml')]],
    ['two uploads', bag(), [upload('a.xml'), upload('b.xml')]],
    ['XmlReqFilePath as a text value (a path on the server)', bag([['XmlReqFilePath', '/etc/passwd.xml']]), []],
    ['XmlReqFilePath as a form text value', bag([], [['XmlReqFilePath', 'C:\\req.xml']]), []],
  ])('answers 103 for %s', (_name, given, files) => {
    expect(() => findXmlSource(given, files)).toThrow(ApiError);
    try {
      findXmlSource(given, files);
    } catch (error) {
      expect((error as ApiError).code).toBe(103);
    }
  });
});

describe('addXmlSource', () => {
  it('adds the fields of an inline document below the query and the form', async () => {
    const given = bag([['ManagerLoginName', 'from-query']], [['XmlRequest', DOC]]);
    await addXmlSource(given, [], fetcher().options);
    expect(given.get('ManagerLoginName')).toBe('from-query');
    expect(given.get('LaunchID')).toBe('5001');
    expect(winningSource(given, 'LaunchID')).toBe('xml');
  });

  it('reads an uploaded file whose name ends in .xml in any case, even with a client path', async () => {
    for (const name of ['r.xml', 'R.XML', 'C:\\requests\\r.Xml']) {
      const given = bag();
      await addXmlSource(given, [upload(name)], fetcher().options);
      expect(given.get('LaunchID')).toBe('5001');
    }
  });

  it.each(['r.txt', 'r.xml.exe', 'r', 'xml'])('answers 103 for an uploaded file named %j', async (name) => {
    expect(await codeOf(addXmlSource(bag(), [upload(name)], fetcher().options))).toBe(103);
  });

  it('answers 103 for an upload that was cut at the size limit', async () => {
    expect(await codeOf(addXmlSource(bag(), [upload('r.xml', DOC, { truncated: true })], fetcher().options))).toBe(103);
  });

  it('answers 103 for an uploaded file that is not an XML request', async () => {
    expect(await codeOf(addXmlSource(bag(), [upload('r.xml', 'LaunchID=1')], fetcher().options))).toBe(103);
  });

  it('fetches an XmlReqUrl whose path ends in .xml (a query string may follow)', async () => {
    const { urls, options } = fetcher();
    const given = bag([['XmlReqUrl', 'http://x.example/dir/r.XML?v=2']]);
    await addXmlSource(given, [], options);
    expect(urls).toEqual(['http://x.example/dir/r.XML?v=2']);
    expect(given.get('LaunchID')).toBe('5001');
  });

  it.each(['http://x.example/r.txt', 'http://x.example/r.xml/', 'http://x.example/?f=r.xml', 'http://x.example/r.xml.php'])(
    'answers 103 without fetching for the path of %s',
    async (url) => {
      const { urls, options } = fetcher();
      expect(await codeOf(addXmlSource(bag([['XmlReqUrl', url]]), [], options))).toBe(103);
      expect(urls).toEqual([]);
    },
  );

  it('passes the fetcher’s 104 through', async () => {
    const options: XmlSourceOptions = {
      maxBytes: 1024,
      fetchUrl: async () => {
        throw new XmlReqUrlError('redirect (302) not followed');
      },
    };
    expect(await codeOf(addXmlSource(bag([['XmlReqUrl', 'http://x.example/r.xml']]), [], options))).toBe(104);
  });

  it('answers 103 for a fetched document that is not an XML request', async () => {
    expect(await codeOf(addXmlSource(bag([['XmlReqUrl', 'http://x.example/r.xml']]), [], fetcher('<html/>').options))).toBe(103);
  });

  it('does not follow XML sources named inside the document (no second fetch, no recursion)', async () => {
    const nested = '<REQUEST><XmlReqUrl>http://x.example/other.xml</XmlReqUrl><XmlRequest>&lt;REQUEST/&gt;</XmlRequest><LaunchID>1</LaunchID></REQUEST>';
    const { urls, options } = fetcher(nested);
    const given = bag([['XmlReqUrl', 'http://x.example/first.xml']]);
    await addXmlSource(given, [], options);
    expect(urls).toEqual(['http://x.example/first.xml']);
    expect(given.get('LaunchID')).toBe('1');
  });

  it('changes nothing when the request has no XML source', async () => {
    const given = bag([['LaunchID', '1']]);
    await addXmlSource(given, [], fetcher().options);
    expect(winningSource(given, 'LaunchID')).toBe('query');
    expect(given.get('ManagerLoginName')).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/error-codes.ts';
import { decodeReferences, decodeXmlBytes, MAX_DEPTH, parseXmlRequest, parseXmlRequestBytes } from '../../src/request/xml-request.ts';

const LIMIT = 256 * 1024;

function code(run: () => unknown): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

describe('parseXmlRequest: documents that are XML requests', () => {
  it('reads the example of the original document (note 10001)', () => {
    const doc =
      '<?xml version="1.0" encoding="utf-8"?>\r\n<REQUEST>\r\n<ManagerLoginName>API 帳號</ManagerLoginName>\r\n' +
      '<ManagerPassword>API 密碼</ManagerPassword>\r\n</REQUEST>';
    expect(parseXmlRequest(doc, LIMIT)).toEqual([
      ['ManagerLoginName', 'API 帳號'],
      ['ManagerPassword', 'API 密碼'],
    ]);
  });

  it.each([
    ['the root in any letter case', '<request><LaunchID>1</LaunchID></request>', [['LaunchID', '1']]],
    ['field names as written (the bag ignores their case)', '<REQUEST><launchid>1</launchid></REQUEST>', [['launchid', '1']]],
    ['no declaration', '<REQUEST><a>1</a></REQUEST>', [['a', '1']]],
    ['an empty element as an empty value', '<REQUEST><a/><b></b></REQUEST>', [['a', ''], ['b', '']]],
    ['a value with spaces kept (passwords)', '<REQUEST><p> pass word </p></REQUEST>', [['p', ' pass word ']]],
    ['the five XML entities', '<REQUEST><a>&lt;&gt;&amp;&quot;&apos;</a></REQUEST>', [['a', '<>&"\'']]],
    ['numeric references', '<REQUEST><a>&#20013;&#x6587;&#x1F600;</a></REQUEST>', [['a', '中文😀']]],
    ['an escaped reference left as text', '<REQUEST><a>&amp;#20013;</a></REQUEST>', [['a', '&#20013;']]],
    ['CDATA as written', '<REQUEST><a><![CDATA[<b>&amp;</b>]]></a></REQUEST>', [['a', '<b>&amp;</b>']]],
    ['comments and processing instructions ignored', '<REQUEST><!-- c --><?pi x?><a>1<!-- c -->2</a></REQUEST>', [['a', '12']]],
    ['attributes ignored', '<REQUEST kind="x"><a b="c">1</a></REQUEST>', [['a', '1']]],
    ['nested elements read as their text (InnerText)', '<REQUEST><a>1<b>2</b>3</a></REQUEST>', [['a', '123']]],
    ['white space between nested elements dropped', '<REQUEST><a>\n  <b>2</b>\n</a></REQUEST>', [['a', '2']]],
    ['text directly under REQUEST ignored', '<REQUEST>loose<a>1</a>text</REQUEST>', [['a', '1']]],
    ['repeated fields all returned (the bag joins them)', '<REQUEST><a>1</a><A>2</A></REQUEST>', [['a', '1'], ['A', '2']]],
    ['CR LF normalised to LF', '<REQUEST><a>x\r\ny\rz</a></REQUEST>', [['a', 'x\ny\nz']]],
    ['a byte-order mark in a string', '\uFEFF<REQUEST><a>1</a></REQUEST>', [['a', '1']]],
    ['an empty REQUEST', '<REQUEST/>', []],
    ['a comment before the root', '<!-- request --><REQUEST><a>1</a></REQUEST>', [['a', '1']]],
    ['nesting up to the limit', `<REQUEST>${'<a>'.repeat(MAX_DEPTH - 1)}1${'</a>'.repeat(MAX_DEPTH - 1)}</REQUEST>`, [['a', '1']]],
  ])('accepts %s', (_name, doc, fields) => {
    expect(parseXmlRequest(doc, LIMIT)).toEqual(fields);
  });
});

describe('parseXmlRequest: 103 for anything else', () => {
  it.each([
    ['a DOCTYPE', '<!DOCTYPE REQUEST><REQUEST/>'],
    ['an internal subset with entities', '<!DOCTYPE r [<!ENTITY a "x">]><REQUEST><a>&a;</a></REQUEST>'],
    ['an external entity (XXE)', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQUEST><a>&x;</a></REQUEST>'],
    ['a DOCTYPE in lower case', '<!doctype REQUEST><REQUEST/>'],
    ['an ENTITY declaration anywhere', '<REQUEST><a><!ENTITY x "y"></a></REQUEST>'],
    ['an undeclared entity', '<REQUEST><a>&nbsp;</a></REQUEST>'],
    ['a bare ampersand', '<REQUEST><a>a & b</a></REQUEST>'],
    ['a reference to a character XML forbids', '<REQUEST><a>&#0;</a></REQUEST>'],
    ['a reference to a surrogate', '<REQUEST><a>&#xD800;</a></REQUEST>'],
    ['a reference beyond Unicode', '<REQUEST><a>&#x110000;</a></REQUEST>'],
    ['a control character', '<REQUEST><a>\u0001</a></REQUEST>'],
    ['a lone surrogate', '<REQUEST><a>\uD800</a></REQUEST>'],
    ['another root', '<RESPONSE><a>1</a></RESPONSE>'],
    ['two roots', '<REQUEST/><REQUEST/>'],
    ['an unclosed element', '<REQUEST><a>1</a>'],
    ['mismatched tags', '<REQUEST><a>1</b></REQUEST>'],
    ['text only', 'ManagerLoginName=acme'],
    ['an empty document', ''],
    ['a repeated attribute', '<REQUEST a="1" a="2"/>'],
    ['an unclosed CDATA section', '<REQUEST><a><![CDATA[x</a></REQUEST>'],
    ['nesting past the limit', `<REQUEST>${'<a>'.repeat(MAX_DEPTH + 1)}1${'</a>'.repeat(MAX_DEPTH + 1)}</REQUEST>`],
    ['a field named __proto__', '<REQUEST><__proto__>1</__proto__></REQUEST>'],
  ])('refuses %s', (_name, doc) => {
    expect(code(() => parseXmlRequest(doc, LIMIT))).toBe(103);
  });

  it('refuses a document over the size limit, counted in UTF-8 bytes', () => {
    const doc = `<REQUEST><a>${'中'.repeat(400)}</a></REQUEST>`; // 1,200 bytes of text, 400 characters
    expect(code(() => parseXmlRequest(doc, 1024))).toBe(103);
    expect(parseXmlRequest(doc, 2048)).toHaveLength(1);
  });
});

describe('parseXmlRequest: hostile documents are answered at once (no expansion, no recursion)', () => {
  // The test timeout is the guard: each of these would take seconds, or crash, if handled naively.
  const hostile: Array<[string, string]> = [
    [
      'a billion laughs',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
        ']><REQUEST><a>&lol9;</a></REQUEST>',
    ],
    ['100,000 levels of nesting', `<REQUEST>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</REQUEST>`],
    ['20,000 repeats of one attribute', `<REQUEST><a ${'x="1" '.repeat(20_000)}>1</a></REQUEST>`],
    ['an attribute value that never closes', `<REQUEST><a x="${'a'.repeat(250_000)}`],
    ['250,000 opening brackets', `<REQUEST>${'<'.repeat(250_000)}`],
    ['250,000 ampersands', `<REQUEST><a>${'&'.repeat(250_000)}</a></REQUEST>`],
    ['unclosed comments', `<REQUEST>${'<!--'.repeat(60_000)}`],
  ];
  it.each(hostile)('refuses %s', (_name, doc) => {
    expect(code(() => parseXmlRequest(doc, 4 * 1024 * 1024))).toBe(103);
  });

  it('reads past 20,000 distinct attributes (well-formed; attributes are ignored)', () => {
    const doc = `<REQUEST><a ${Array.from({ length: 20_000 }, (_, i) => `x${i}="1"`).join(' ')}>1</a></REQUEST>`;
    expect(parseXmlRequest(doc, 4 * 1024 * 1024)).toEqual([['a', '1']]);
  });

  it('still reads a document of 30,000 fields within the limit', () => {
    const doc = `<REQUEST>${'<a>1</a>'.repeat(30_000)}</REQUEST>`;
    expect(parseXmlRequest(doc, LIMIT)).toHaveLength(30_000);
  });
});

describe('decodeReferences', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a &amp; b', 'a & b'],
    ['&#65;&#x42;', 'AB'],
    ['&amp;amp;', '&amp;'],
  ])('decodes %j', (input, output) => {
    expect(decodeReferences(input)).toBe(output);
  });
  it.each(['&', '&amp', '&#;', '&#x;', '&unknown;', '&#12345678;'])('refuses %j', (input) => {
    expect(code(() => decodeReferences(input))).toBe(103);
  });
});

describe('decodeXmlBytes and parseXmlRequestBytes', () => {
  const doc = '<REQUEST><a>中文</a></REQUEST>';
  it.each([
    ['UTF-8 without a BOM', Buffer.from(doc)],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)])],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')])],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, 'utf16le').swap16()])],
    [
      'Big5, as the declaration says',
      Buffer.concat([Buffer.from('<?xml version="1.0" encoding="big5"?><REQUEST><a>'), Buffer.from([0xa4, 0xa4, 0xa4, 0xe5]), Buffer.from('</a></REQUEST>')]),
    ],
  ])('reads %s', (_name, bytes) => {
    expect(parseXmlRequestBytes(bytes, LIMIT)).toEqual([['a', '中文']]);
  });

  it('refuses bytes that are not valid UTF-8', () => {
    expect(code(() => decodeXmlBytes(Buffer.from([0x3c, 0xc3, 0x28, 0x3e])))).toBe(103);
  });
  it('refuses an encoding Node does not know', () => {
    expect(code(() => decodeXmlBytes(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><REQUEST/>')))).toBe(103);
  });
  it('refuses more bytes than the limit before decoding them', () => {
    expect(code(() => parseXmlRequestBytes(Buffer.alloc(2048, 0x20), 1024))).toBe(103);
  });
});

describe('parseXmlRequest, property: any text is fields or 103, nothing else', () => {
  // Pieces of XML, well- and ill-formed, so that the parser meets every construct and its breakage.
  const piece = fc.constantFrom(
    '<REQUEST>', '</REQUEST>', '<request/>', '<a>', '</a>', '<b/>', '<![CDATA[', ']]>', '<!--', '-->', '<?pi x?>', '<?xml version="1.0"?>',
    '&amp;', '&#20013;', '&#x0;', '&', '<', '>', '"', "'", '=', ' x="1"', '<!DOCTYPE', '<!ENTITY', '\uFEFF', '\u0000', '\uD800', '中', 'text', ' ', '\n',
    '__proto__', '<__proto__>', 'constructor',
  );
  const document = fc.oneof(fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 200 }));

  it('never throws anything but ApiError 103, and fields are name/value strings', () => {
    fc.assert(
      fc.property(document, (text) => {
        try {
          const fields = parseXmlRequest(text, LIMIT);
          for (const [name, value] of fields) {
            expect(typeof name).toBe('string');
            expect(typeof value).toBe('string');
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect((error as ApiError).code).toBe(103);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXmlRequest, parseXmlRequestBytes } from '../../src/request/xml-request.ts';
import { ApiError } from '../../src/errors/error-codes.ts';
import { hostileText } from './fuzz-arbitraries.ts';

/**
 * Property tests of the XML request reader (request/xml-request.ts): any text or bytes give either
 * the document's fields or ErrorCode 103 — never another exception, never a hang; a well-formed
 * REQUEST document gives back exactly its fields.
 */
const RUNS = { numRuns: 2000 };
const MAX = 262_144;

/** Runs the reader; 'refused' for a 103, rethrows anything else (which fails the property). */
function read(run: () => ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> | 'refused' {
  try {
    return run();
  } catch (error) {
    if (error instanceof ApiError && error.code === 103) return 'refused';
    throw error;
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlName = fc.tuple(fc.constantFrom(...'abcLMN_'), fc.string({ unit: fc.constantFrom(...'abcXYZ019_.-'), maxLength: 10 })).map(([a, b]) => a + b);
/** Text XML can carry, starting and ending with a letter (white-space-only text is not content). */
const xmlValue = fc
  .string({ unit: fc.oneof(fc.constantFrom(...'abc 中文😀&<>"\'\t\n;#%'), fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c))), maxLength: 40 })
  .map((s) => `v${s}v`);

const XML_PIECES = ['<REQUEST>', '</REQUEST>', '<request>', '<a>', '</a>', '<a/>', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE r>', '<!ENTITY e "x">', '&e;', '&amp;', '&#0;', '&#x10FFFF;', '&#xD800;', '<__proto__>', '</__proto__>', '<constructor>', 'text', ' ', '\n', '=', '"', '<a b="1">', '<:a>', '<a:b>', '</a:b>'];
const xmlish = fc.array(fc.oneof(fc.constantFrom(...XML_PIECES), hostileText), { maxLength: 30 }).map((parts) => parts.join(''));

describe('parseXmlRequest', () => {
  it('answers fields or 103 for any text at all', () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, xmlish), (text) => {
        const result = read(() => parseXmlRequest(text, MAX));
        if (result !== 'refused') for (const [name, value] of result) expect(typeof name === 'string' && typeof value === 'string').toBe(true);
      }),
      RUNS,
    );
  });

  it('gives back exactly the fields of a well-formed REQUEST document', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(xmlName, xmlValue), { maxLength: 8 }), fc.constantFrom('REQUEST', 'request', 'Request'), (fields, root) => {
        const xml = `<?xml version="1.0" encoding="utf-8"?><${root}>${fields.map(([n, v]) => `<${n}>${escapeXml(v)}</${n}>`).join('')}</${root}>`;
        expect(read(() => parseXmlRequest(xml, MAX))).toEqual(fields);
      }),
      RUNS,
    );
  });

  it('answers fields or 103 for any one-character change of a valid document', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(xmlName, xmlValue), { minLength: 1, maxLength: 4 }), fc.nat(), fc.oneof(fc.constantFrom('<', '>', '&', '/', '!', '?', '"', ''), hostileText), (fields, at, insert) => {
        const xml = `<REQUEST>${fields.map(([n, v]) => `<${n}>${escapeXml(v)}</${n}>`).join('')}</REQUEST>`;
        const i = at % (xml.length + 1);
        read(() => parseXmlRequest(xml.slice(0, i) + insert + xml.slice(i + 1), MAX));
      }),
      RUNS,
    );
  });

  it('refuses every document with a DOCTYPE or ENTITY declaration', () => {
    fc.assert(
      fc.property(xmlish, fc.constantFrom('<!DOCTYPE REQUEST>', '<!doctype x [<!ENTITY a "b">]>', '<! ENTITY x "y">'), xmlish, (before, declaration, after) => {
        expect(read(() => parseXmlRequest(`${before}${declaration}${after}`, MAX))).toBe('refused');
      }),
      RUNS,
    );
  });
});

describe('parseXmlRequestBytes', () => {
  it('answers fields or 103 for any bytes (uploaded files, fetched documents)', () => {
    const bomOrDeclaration = fc.constantFrom('', '\uFEFF', '<?xml version="1.0" encoding="big5"?>', '<?xml version="1.0" encoding="x-nonsense"?>', '<?xml version="1.0" encoding="utf-16"?>');
    fc.assert(
      fc.property(bomOrDeclaration, fc.uint8Array({ maxLength: 200 }), xmlish, (head, bytes, tail) => {
        const all = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
        read(() => parseXmlRequestBytes(all, MAX));
        read(() => parseXmlRequestBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), all]), MAX));
      }),
      RUNS,
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../src/render/xml-response.ts';

/** escapeXml's shortcut for plain text must never change an answer: checked against the full path. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const full = (value: string) => value.replace(NOT_XML_CHAR, '').replace(/[&<>]/g, (ch) => ENTITIES[ch]!);

describe('escapeXml with its plain-text shortcut', () => {
  it.each(['', 'Newsletter', '週年慶 Anniversary', '😀 emoji', 'a&b', '<x>', 'tab\there', 'bell\u0007', 'lone\uD800', '\uFFFF', "it's"])(
    'escapes %j as the full path does',
    (value) => {
      expect(escapeXml(value)).toBe(full(value));
    },
  );

  it('escapes only &, < and > in text, as .NET XmlWriter does: quotes and apostrophes stay', () => {
    expect(escapeXml(`LaunchID doesn't exist`)).toBe(`LaunchID doesn't exist`);
    expect(escapeXml(`a "b" & <c> 'd'`)).toBe(`a "b" &amp; &lt;c&gt; 'd'`);
  });

  it('equals the full path for any string', () => {
    const unit = fc.oneof(fc.constantFrom('&', '<', '>', '"', "'", '\u0000', '\u0009', '\u000B', '\uD83D', '\uDE00', '\uFFFE', 'a', '週'), fc.string({ maxLength: 1 }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }).map((parts) => parts.join('')), (value) => {
        expect(escapeXml(value)).toBe(full(value));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (value) => {
          expect(escapeXml(value)).toBe(full(value));
        }),
      { numRuns: 2000 },
    );
  });
});

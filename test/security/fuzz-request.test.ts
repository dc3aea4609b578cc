import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aspnetUrlDecode, parseUrlEncoded } from '../../src/request/aspnet-decode.ts';
import { ParamBag, collapseSource, type ParamSource } from '../../src/request/param-bag.ts';
import { parseRecordId } from '../../src/request/fields.ts';
import { storableText } from '../../src/request/collect-params.ts';
import { fieldName, hostileText, wellFormedText } from './fuzz-arbitraries.ts';

/** Property tests of the request's first step: ASP.NET decoding and the parameter bag. */
const RUNS = { numRuns: 2000 };

/** %uXXXX for every UTF-16 code unit: how old ASP.NET clients (JavaScript escape()) encode. */
const escapeUnits = (text: string) => [...Array(text.length).keys()].map((i) => `%u${text.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

describe('aspnetUrlDecode', () => {
  it('never throws, and never makes a string longer', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(aspnetUrlDecode(text).length).toBeLessThanOrEqual(text.length);
      }),
      RUNS,
    );
  });

  it('undoes encodeURIComponent', () => {
    fc.assert(fc.property(wellFormedText, (text) => {
      expect(aspnetUrlDecode(encodeURIComponent(text))).toBe(text);
    }), RUNS);
  });

  it('undoes %uXXXX escaping of any code units, lone surrogates included', () => {
    fc.assert(fc.property(hostileText, (text) => {
      expect(aspnetUrlDecode(escapeUnits(text))).toBe(text);
    }), RUNS);
  });

  it('turns + into a space and leaves text without % or + alone', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const plain = text.replace(/[%+]/g, '');
        expect(aspnetUrlDecode(plain)).toBe(plain);
        expect(aspnetUrlDecode(`${plain}+${plain}`)).toBe(`${plain} ${plain}`);
      }),
      RUNS,
    );
  });

  it('is decoded once only: decoding an encoded % sign yields the literal escape', () => {
    fc.assert(fc.property(fc.constantFrom('%41', '%u0041', '%2B'), (escape) => {
      expect(aspnetUrlDecode(encodeURIComponent(escape))).toBe(escape);
    }));
  });
});

describe('parseUrlEncoded', () => {
  it('never throws; every pair has a non-empty name; no more pairs than segments', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const pairs = parseUrlEncoded(text);
        expect(pairs.length).toBeLessThanOrEqual(text.split('&').length);
        for (const [name, value] of pairs) {
          expect(name).not.toBe('');
          expect(typeof value).toBe('string');
        }
      }),
      RUNS,
    );
  });

  it('gives back the pairs a browser encoded, in order', () => {
    const pair = fc.tuple(wellFormedText.filter((s) => s !== ''), wellFormedText);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 10 }), (pairs) => {
        const encoded = pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
        expect(parseUrlEncoded(encoded)).toEqual(pairs);
      }),
      RUNS,
    );
  });
});

/** A name with the letter case of its ASCII letters flipped at random. */
const recased = (name: string, flips: boolean[]) =>
  [...name].map((ch, i) => (flips[i % Math.max(flips.length, 1)] ? ch.toUpperCase() : ch.toLowerCase())).join('');

describe('ParamBag', () => {
  const pairs = fc.array(fc.tuple(fieldName, hostileText), { maxLength: 12 });
  const sources = fc.array(fc.tuple(fc.constantFrom<ParamSource>('query', 'form', 'xml'), pairs), { maxLength: 3 });

  it('never throws, whatever the names (__proto__, constructor …) and values', () => {
    fc.assert(
      fc.property(sources, fieldName, (given, name) => {
        const bag = new ParamBag(given);
        bag.get(name);
        bag.text(name);
        bag.traced();
        bag.firstText(name, 'LaunchID');
        for (const [source] of given) bag.inSource(source, name);
      }),
      RUNS,
    );
  });

  it('joins a name repeated in one source with commas, in order, in any letter case', () => {
    fc.assert(
      fc.property(pairs, fieldName, (given, name) => {
        const expected = given.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
        const value = new ParamBag([['query', given]]).get(name);
        expect(value).toBe(expected.length === 0 ? undefined : expected.join(','));
      }),
      RUNS,
    );
  });

  it('answers a name the same in any letter case', () => {
    const asciiName = fc.string({ unit: fc.constantFrom(...'abcdeXYZ_'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(asciiName, hostileText), { maxLength: 8 }), asciiName, fc.array(fc.boolean(), { minLength: 1 }), (given, name, flips) => {
        const bag = new ParamBag([['form', given]]);
        expect(bag.get(recased(name, flips))).toBe(bag.get(name));
      }),
      RUNS,
    );
  });

  it('takes the first source that has the name (query, then form, then XML)', () => {
    fc.assert(
      fc.property(sources, fieldName, (given, name) => {
        const bag = new ParamBag(given);
        const first = given.find(([, p]) => p.some(([n]) => n.toLowerCase() === name.toLowerCase()));
        expect(bag.get(name)).toBe(first ? collapseSource(first[1]).get(name.toLowerCase()) : undefined);
      }),
      RUNS,
    );
  });
});

describe('parseRecordId', () => {
  it('accepts exactly the decimal integers 1 … 2^31-1', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const id = parseRecordId(text);
        if (id !== undefined) {
          expect(Number.isInteger(id) && id >= 1 && id <= 2 ** 31 - 1).toBe(true);
          expect(text).toMatch(/^\d+$/);
        }
      }),
      RUNS,
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (n) => {
      expect(parseRecordId(String(n))).toBe(n);
    }), RUNS);
  });
});

describe('storableText (what reaches the database)', () => {
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  it('leaves no NUL and no lone surrogate, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileText, hostileText), { maxLength: 6 }), (pairs) => {
        const clean = storableText(pairs);
        expect(clean.length).toBe(pairs.length);
        clean.forEach(([name, value], i) => {
          for (const [text, original] of [[name, pairs[i]![0]], [value, pairs[i]![1]]] as const) {
            expect(text.includes('\u0000') || LONE.test(text)).toBe(false);
            expect(text.length).toBe(original.length);
            if (!original.includes('\u0000') && !LONE.test(original)) expect(text).toBe(original);
          }
        });
      }),
      RUNS,
    );
  });
});

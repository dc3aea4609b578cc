import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeValue, omisQueryString, substitutePlaceholders } from '../../src/render/placeholders.ts';
import { wellFormed } from '../../src/render/well-formed.ts';
import { anyString, arbitraryResponse, errorAnswer, jobResponse, launchResponse } from './render-fixtures.ts';

describe('substitutePlaceholders', () => {
  const job = jobResponse();

  it.each([
    ['%errorcode%', '0'],
    ['%errormsg%', ''],
    ['%launchid%', '5001'],
    ['%jobid%', '9001'],
    ['%userid%', '1002'],
    ['%customerid%', 'ACME'],
    ['%reportpath%', encodeURIComponent('/WebAPI/Report.aspx?JobID=9001&Expires=1&Signature=abc')],
    ['%LaunchID%', '5001'],
    ['%LAUNCHID%', '5001'],
    ['%OmisQueryString%', omisQueryString(job)],
  ])('replaces %s', (placeholder, value) => {
    expect(substitutePlaceholders(`/done.aspx?v=${placeholder}`, job)).toBe(`/done.aspx?v=${value}`);
  });

  it('fills %omisquerystring% with every top-level field, in the contract order, encoded', () => {
    expect(omisQueryString(errorAnswer(111, { launchId: '5 & 6' }))).toBe(
      "ErrorCode=111&ErrorMSG=LaunchID%20doesn't%20exist&LaunchID=5%20%26%206&JobID=&UserID=&CustomerID=&ReportPath=",
    );
  });

  it('makes a placeholder for a field the answer lacks empty', () => {
    expect(substitutePlaceholders('/x?l=%launchid%&j=%jobid%&u=%userid%', errorAnswer(100))).toBe('/x?l=&j=&u=');
  });

  it('leaves unknown %words% and lone percent signs alone', () => {
    expect(substitutePlaceholders('/x?a=%other%&b=100%&c=%20', errorAnswer(100))).toBe('/x?a=%other%&b=100%&c=%20');
  });

  it('does not expand placeholders inside substituted values', () => {
    const tricky = { ...errorAnswer(111), launchId: '%jobid%', jobId: 'J' };
    expect(substitutePlaceholders('/x?l=%launchid%&j=%jobid%', tricky)).toBe('/x?l=%25jobid%25&j=J');
  });

  it('encodes the characters that could change the URL: / ? # & = @ : \\ and spaces', () => {
    const tricky = { ...errorAnswer(111), errorMsg: '/?#&=@:\\ x' };
    expect(substitutePlaceholders('/x?m=%errormsg%', tricky)).toBe('/x?m=%2F%3F%23%26%3D%40%3A%5C%20x');
  });

  it('turns a lone surrogate into U+FFFD instead of throwing', () => {
    expect(encodeValue('a\uD800b')).toBe('a%EF%BF%BDb');
  });
});

describe('substitutePlaceholders, property: any values in, a valid URL out', () => {
  const templates = [
    'https://client.example/done.aspx?code=%errorcode%&msg=%errormsg%&l=%launchid%&j=%jobid%&u=%userid%&c=%customerid%&r=%reportpath%',
    'https://client.example/%launchid%/%jobid%?%omisquerystring%#%errormsg%',
    'http://client.example:8080/p/%CUSTOMERID%-%UserId%.html',
  ];

  it('keeps the scheme, host and port, and every value decodes back to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...templates), arbitraryResponse, (template, response) => {
        const out = substitutePlaceholders(template, response);
        const url = new URL(out);
        const before = new URL(template.replace(/%[a-z]+%/gi, ''));
        expect(url.origin).toBe(before.origin);
        // Only URL characters: nothing a header or a browser could read another way.
        expect(out).toMatch(/^[\x21-\x7E]+$/);
        const sane = wellFormed;
        if (template.includes('code=')) {
          expect(url.searchParams.get('msg')).toBe(sane(response.errorMsg));
          expect(url.searchParams.get('l')).toBe(sane(response.launchId));
          expect(url.searchParams.get('r')).toBe(sane(response.reportPath));
        }
        if (template.includes('%omisquerystring%')) {
          expect(url.searchParams.get('CustomerID')).toBe(sane(response.customerId));
          expect([...url.searchParams.keys()]).toEqual(['ErrorCode', 'ErrorMSG', 'LaunchID', 'JobID', 'UserID', 'CustomerID', 'ReportPath']);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a substituted value contains only unreserved characters and %XX', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        expect(encodeValue(value)).toMatch(/^(?:[A-Za-z0-9\-_.!~*'()]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(encodeValue(value))).toBe(wellFormed(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('works for a launch answer too', () => {
    expect(substitutePlaceholders('/x?l=%launchid%&j=%jobid%', launchResponse())).toBe('/x?l=5001&j=');
  });
});

import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { bodyDecoder, charsetParameter, UnknownCharsetError } from '../../src/request/charsets.ts';
import { aspnetUrlDecode, parseUrlEncoded, parseUrlEncodedBytes } from '../../src/request/aspnet-decode.ts';

/** Percent-escapes every byte of `text` in `charset`, as a client posting a form in that charset does. */
const escaped = (text: string, charset: string) => [...iconv.encode(text, charset)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

describe('charsetParameter', () => {
  it.each([
    ['application/x-www-form-urlencoded; charset=big5', 'big5'],
    ['application/x-www-form-urlencoded;charset="Big5"', 'Big5'],
    ['multipart/form-data; boundary=xyz; CHARSET=gbk', 'gbk'],
    ['application/x-www-form-urlencoded', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(charsetParameter(header)).toBe(expected);
  });
});

describe('bodyDecoder', () => {
  const type = (charset: string) => `application/x-www-form-urlencoded; charset=${charset}`;

  it.each([
    ['big5', '任務編號'],
    ['BIG5', '任務編號'],
    ['cp950', '任務編號'],
    ['gbk', '任务编号'],
    ['gb2312', '任务编号'],
    ['shift_jis', 'タスク番号'],
    ['euc-kr', '작업 번호'],
    ['utf-16le', '任務編號'],
    ['iso-8859-1', 'Müller'],
    ['windows-1252', '€uro'],
  ])('decodes a body declared %s', (charset, text) => {
    expect(bodyDecoder(type(charset), 'utf-8')(iconv.encode(text, charset))).toBe(text);
  });

  it('decodes with the configured encoding when the body declares none', () => {
    expect(bodyDecoder('application/x-www-form-urlencoded', 'big5')(iconv.encode('任務', 'big5'))).toBe('任務');
    expect(bodyDecoder(undefined, 'utf-8')(Buffer.from('任務'))).toBe('任務');
  });

  it('reads .NET\'s name for UTF-16 ("unicode")', () => {
    expect(bodyDecoder(type('unicode'), 'utf-8')(iconv.encode('任務', 'utf-16le'))).toBe('任務');
  });

  it('ignores UTF-7, as ASP.NET does: the configured encoding applies', () => {
    expect(bodyDecoder(type('utf-7'), 'utf-8')(Buffer.from('+ADw-'))).toBe('+ADw-');
  });

  it.each(['x-made-up', 'base64', 'hex', 'binary', 'utf-8x', '"'])('refuses a charset it cannot read (%j)', (charset) => {
    expect(() => bodyDecoder(type(charset), 'utf-8')).toThrowError(UnknownCharsetError);
  });
});

describe('parseUrlEncodedBytes (ASP.NET HttpValueCollection over bytes)', () => {
  const big5 = bodyDecoder('x; charset=big5', 'utf-8');
  const utf8 = bodyDecoder(undefined, 'utf-8');

  it('decodes percent-escaped bytes of Big5', () => {
    expect(parseUrlEncodedBytes(Buffer.from(`LaunchID=${escaped('任務編號', 'big5')}&a=1`), big5)).toEqual([
      ['LaunchID', '任務編號'],
      ['a', '1'],
    ]);
  });

  it('decodes raw Big5 bytes, and raw bytes together with escaped ones', () => {
    const bytes = iconv.encode('任務', 'big5');
    const body = Buffer.concat([Buffer.from('LaunchID='), bytes.subarray(0, 3), Buffer.from(`%${bytes[3]!.toString(16)}+x`)]);
    expect(parseUrlEncodedBytes(body, big5)).toEqual([['LaunchID', '任務 x']]);
  });

  it('keeps %uXXXX a UTF-16 code unit and an invalid escape literal text, whatever the charset', () => {
    expect(parseUrlEncodedBytes(Buffer.from('a=%u4EFB%zz%u12&b=%'), big5)).toEqual([
      ['a', '任%zz%u12'],
      ['b', '%'],
    ]);
  });

  it('gives in UTF-8 what the query string parser gives', () => {
    for (const text of ['a=1&b=2', 'LaunchID=%E4%BB%BB%E5%8B%99&x=+y+', 'a=%u4EFB&&=x&noeq&c=%zz', 'n=任務&m=%E4%BB', '']) {
      expect(parseUrlEncodedBytes(Buffer.from(text), utf8), text).toEqual(parseUrlEncoded(text));
    }
    expect(aspnetUrlDecode('%E4%BB%BB')).toBe('任');
  });
});

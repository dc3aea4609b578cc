import { describe, expect, it } from 'vitest';
import { aspnetUrlDecode, parseUrlEncoded } from '../../src/request/aspnet-decode.ts';

describe('aspnetUrlDecode (HttpUtility.UrlDecode)', () => {
  it.each([
    ['plain', 'plain'],
    ['a+b', 'a b'],
    ['a%20b', 'a b'],
    ['%2B', '+'],
    ['%e4%bb%bb%e5%8b%99', '任務'],
    ['%E4%BB%BB%E5%8B%99', '任務'],
    ['%u4EFB%u52D9', '任務'],
    ['%U4efb', '任'],
    ['%uD83D%uDE00', '😀'],
    ['%F0%9F%98%80', '😀'],
    ['100%', '100%'],
    ['100%2', '100%2'],
    ['%zz', '%zz'],
    ['%u12', '%u12'],
    ['%u12zz', '%u12zz'],
    ['%%41', '%A'],
    ['%ff', '\uFFFD'],
    ['%e4%bb', '\uFFFD'],
    ['%e4%bbA', '\uFFFDA'],
    ['<REQUEST>', '<REQUEST>'],
    ['任務', '任務'],
    ['a%2Bb+c', 'a+b c'],
    ['%41%u0042%43', 'ABC'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(aspnetUrlDecode(input)).toBe(expected);
  });
});

describe('parseUrlEncoded (HttpValueCollection)', () => {
  it.each<[string, Array<[string, string]>]>([
    ['', []],
    ['a=1', [['a', '1']]],
    ['a=1&b=2', [['a', '1'], ['b', '2']]],
    ['a=1&a=2', [['a', '1'], ['a', '2']]],
    ['a=x=y', [['a', 'x=y']]],
    ['a=', [['a', '']]],
    ['novalue', []],
    ['=orphan', []],
    ['a=1&&b=2', [['a', '1'], ['b', '2']]],
    ['L%61unchID=5', [['LaunchID', '5']]],
    ['q=a+b%26c', [['q', 'a b&c']]],
    ['x=<a>&y=%3Cb%3E', [['x', '<a>'], ['y', '<b>']]],
  ])('%j', (input, expected) => {
    expect(parseUrlEncoded(input)).toEqual(expected);
  });
});

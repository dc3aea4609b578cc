import { describe, expect, it } from 'vitest';
import { percentEncodeRequestLine, readableTarget } from '../../src/request/raw-request-line.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
/** Where Node's parser stops in such a line: the first byte ≥ 0x80. */
const firstHigh = (chunk: Buffer) => chunk.findIndex((byte) => byte >= 0x80);

describe('percentEncodeRequestLine', () => {
  it('percent-encodes the raw bytes of the request-target and keeps the rest byte for byte', () => {
    const chunk = bytes('GET /p?LaunchID=任務 HTTP/1.1\r\nHost: x\r\nX-Name: 任\r\n\r\nbody 任');
    expect(percentEncodeRequestLine(chunk, firstHigh(chunk))!.toString('utf8')).toBe('GET /p?LaunchID=%E4%BB%BB%E5%8B%99 HTTP/1.1\r\nHost: x\r\nX-Name: 任\r\n\r\nbody 任');
  });

  it.each(['POST', 'HEAD'])('takes %s', (method) => {
    const chunk = bytes(`${method} /p?a=é HTTP/1.0\r\n\r\n`);
    expect(percentEncodeRequestLine(chunk, firstHigh(chunk))!.toString('latin1')).toBe(`${method} /p?a=%C3%A9 HTTP/1.0\r\n\r\n`);
  });

  it.each([
    ['no raw byte at all', 'GET /p?a=1 HTTP/1.1\r\n\r\n', 5],
    ['a line without its CRLF yet', 'GET /p?a=任 HTTP/1.1', undefined],
    ['a line ending in a bare LF', 'GET /p?a=任 HTTP/1.1\n\r\n', undefined],
    ['a CR inside the target', 'GET /p?a=任\r HTTP/1.1\r\n\r\n', undefined],
    ['a control byte inside the target', 'GET /p?a=任\u0001 HTTP/1.1\r\n\r\n', undefined],
    ['DEL inside the target', 'GET /p?a=任\u007f HTTP/1.1\r\n\r\n', undefined],
    ['a space too many', 'GET /p?a=任 x HTTP/1.1\r\n\r\n', undefined],
    ['two spaces between parts', 'GET  /p?a=任 HTTP/1.1\r\n\r\n', undefined],
    ['another method', 'PUT /p?a=任 HTTP/1.1\r\n\r\n', undefined],
    ['the tail of a method (UN|LOCK)', 'LOCK /p?a=任 HTTP/1.1\r\n\r\n', undefined],
    ['a lower-case method', 'get /p?a=任 HTTP/1.1\r\n\r\n', undefined],
    ['another version', 'GET /p?a=任 HTTP/2.0\r\n\r\n', undefined],
    ['the chunk starting mid-line', '任 HTTP/1.1\r\n\r\n', undefined],
    ['a pipelined second request', 'GET /a HTTP/1.1\r\n\r\nGET /p?a=任 HTTP/1.1\r\n\r\n', undefined],
  ])('leaves %s alone', (_what, text, at) => {
    const chunk = bytes(text);
    expect(percentEncodeRequestLine(chunk, at ?? Math.max(0, firstHigh(chunk)))).toBeUndefined();
  });

  it('only when the parser failed inside the request-target of that line', () => {
    const chunk = bytes('GET /p?a=任 HTTP/1.1\r\n\r\n');
    expect(percentEncodeRequestLine(chunk, 1)).toBeUndefined();
    expect(percentEncodeRequestLine(chunk, chunk.indexOf(' HTTP'))).toBeUndefined();
    expect(percentEncodeRequestLine(chunk, chunk.length - 2)).toBeUndefined();
  });
});

describe('readableTarget', () => {
  it('reads the target of a well-formed first line, raw bytes percent-encoded', () => {
    expect(readableTarget(bytes('GET /p?ReturnType=CSV&LaunchID=任 HTTP/1.1\r\n X: folded\r\n\r\n'))).toBe('/p?ReturnType=CSV&LaunchID=%E4%BB%BB');
  });

  it.each([undefined, bytes('\u0016\u0003\u0001'), bytes('GET /p?a=\u0001 HTTP/1.1\r\n'), bytes('GET /p HTTP/1.1')])('reads nothing from %j', (chunk) => {
    expect(readableTarget(chunk)).toBeUndefined();
  });
});

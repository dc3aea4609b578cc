/**
 * The request line of a request Node's HTTP parser refused (docs/SECURITY.md#raw-utf-8-in-the-request-line).
 *
 * Old clients (PHP's file_get_contents, `curl -g`, hand-written sockets) send the query string's
 * characters as raw UTF-8, which IIS accepts and Node's parser, rightly strict, refuses. Such a
 * request is taken again with only the request-target's bytes ≥ 0x80 written as `%XX` — what a
 * careful client would have sent — and everything else byte for byte as it came, for the strict
 * parser to judge afresh. Only a request line that is otherwise exactly right is rewritten.
 */

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;

/** The methods such clients send; a method's tail that is itself a method (UN|LOCK) cannot pass for one. */
const METHODS = new Set(['GET', 'POST', 'HEAD']);
const VERSION = /^HTTP\/1\.[01]$/;

interface RequestLine {
  method: string;
  target: Buffer;
  version: string;
  /** Where the line's CRLF ends: the headers start here. */
  end: number;
}

/** The chunk's first line when it is `METHOD SP target SP HTTP/1.x CRLF`, with no other space or control byte. */
function firstLine(chunk: Buffer): RequestLine | undefined {
  const lf = chunk.indexOf(LF);
  if (lf < 1 || chunk[lf - 1] !== CR) return undefined;
  const line = chunk.subarray(0, lf - 1);
  const first = line.indexOf(SP);
  const second = line.indexOf(SP, first + 1);
  if (first < 1 || second < 0 || line.indexOf(SP, second + 1) >= 0) return undefined;
  const target = line.subarray(first + 1, second);
  // Controls (CR, a bare LF cannot be here), DEL and spaces stay refused: only bytes ≥ 0x80 are taken.
  if (target.length === 0 || target.some((byte) => byte <= SP || byte === 0x7f)) return undefined;
  return { method: line.subarray(0, first).toString('latin1'), target, version: line.subarray(second + 1).toString('latin1'), end: lf + 1 };
}

/**
 * The chunk with its request line's raw bytes ≥ 0x80 percent-encoded, or undefined when it is not a
 * request line this may be done to: the chunk must start with it (the parser failed at the start of
 * a request, `errorAt` inside the request-target), the method must be GET, POST or HEAD, the version
 * HTTP/1.0 or 1.1, and the target must hold such bytes. The rest of the chunk (headers, body) is kept
 * byte for byte.
 */
export function percentEncodeRequestLine(chunk: Buffer, errorAt: number): Buffer | undefined {
  const line = firstLine(chunk);
  if (!line || !METHODS.has(line.method) || !VERSION.test(line.version)) return undefined;
  const targetStart = line.method.length + 1;
  if (errorAt < targetStart || errorAt >= targetStart + line.target.length) return undefined;
  if (!line.target.some((byte) => byte >= 0x80)) return undefined;
  return Buffer.concat([Buffer.from(`${line.method} ${percentEncodeHigh(line.target)} ${line.version}\r\n`, 'latin1'), chunk.subarray(line.end)]);
}

/**
 * The request-target of a refused request, when its first line can still be read (for the query
 * string's ReturnType and IDs in the 107 answer), raw bytes percent-encoded; undefined otherwise.
 */
export function readableTarget(chunk: Buffer | undefined): string | undefined {
  if (!chunk) return undefined;
  const line = firstLine(chunk);
  if (!line || !VERSION.test(line.version) || !/^[A-Z]+$/.test(line.method)) return undefined;
  return percentEncodeHigh(line.target);
}

function percentEncodeHigh(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 ? `%${byte.toString(16).toUpperCase()}` : String.fromCharCode(byte);
  return text;
}

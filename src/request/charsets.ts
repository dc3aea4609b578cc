import iconv from 'iconv-lite';
import { charsetName, isUtf7 } from '../config/charset-names.ts';

/**
 * How a request body's bytes become text (docs/API.md#character-encodings), as ASP.NET decides its
 * ContentEncoding: the `charset` parameter of the request's Content-Type, else the configured request
 * encoding (OMIS_REQUEST_ENCODING, the Web.config `requestEncoding`). It applies to urlencoded bodies
 * and to every text field of a multipart body: like ASP.NET, a part's own Content-Type and a
 * `_charset_` field are not looked at. Uploaded XML files keep their own rules (xml-request.ts).
 */
export type Decode = (bytes: Uint8Array) => string;

/** A body declared in a character set this server cannot read: refused with 107 (HTTP 400). */
export class UnknownCharsetError extends Error {
  readonly statusCode = 400;
  constructor(readonly charset: string) {
    super(`unknown charset ${JSON.stringify(charset.slice(0, 40))}`);
    this.name = 'UnknownCharsetError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const decoders = new Map<string, Decode>([['utf-8', (bytes) => utf8.decode(bytes)]]);

/** The decoder of a character set name charsetName accepted. Invalid bytes become U+FFFD; a BOM is kept as text. */
export function decoderFor(name: string): Decode {
  let decode = decoders.get(name);
  if (!decode) {
    decode = (bytes) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, { stripBOM: false });
    decoders.set(name, decode);
  }
  return decode;
}

/** The `charset` parameter of a Content-Type header, unquoted; undefined when there is none. */
export function charsetParameter(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = param.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/**
 * The decoder of a request body: its declared charset, else `fallback` (the configured encoding).
 * UTF-7 is ignored as ASP.NET ignores it; any other name this server cannot read is refused.
 */
export function bodyDecoder(contentType: string | undefined, fallback: string): Decode {
  const declared = charsetParameter(contentType);
  if (declared === undefined || declared.trim() === '' || isUtf7(declared)) return decoderFor(charsetName(fallback) ?? 'utf-8');
  const name = charsetName(declared);
  if (name === undefined) throw new UnknownCharsetError(declared);
  return decoderFor(name);
}

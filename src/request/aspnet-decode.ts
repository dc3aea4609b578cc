/**
 * ASP.NET's HttpUtility.UrlDecode, which legacy clients were written against (docs/API.md#url-decoding):
 * `+` is a space, `%XX` are bytes of UTF-8, `%uXXXX` is one UTF-16 code unit, and an escape that is
 * not valid stays as literal text. Invalid UTF-8 becomes U+FFFD, as .NET's decoder makes it.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const decodeUtf8 = (bytes: Uint8Array) => utf8.decode(bytes);

export function aspnetUrlDecode(text: string): string {
  // Fast path: nothing to decode.
  if (!text.includes('%') && !text.includes('+')) return text;
  // Characters outside ASCII arrive raw in a query string when a client did not encode them: they
  // stay as they are, and the escapes of each ASCII run between them are decoded as bytes.
  return text.replace(/[\x00-\x7f]+/g, (ascii) => aspnetUrlDecodeBytes(Buffer.from(ascii, 'latin1'), decodeUtf8));
}

const PLUS = 0x2b;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const LOWER_U = 0x75;
const UPPER_U = 0x55;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * HttpUtility.UrlDecode of bytes in a character set (a request body): `+` is a space, `%XX` a byte,
 * both decoded together with the raw bytes around them by `decode` (Big5, Shift_JIS…, or UTF-8);
 * `%uXXXX` is one UTF-16 code unit whatever the character set; an invalid escape stays as literal text.
 */
export function aspnetUrlDecodeBytes(bytes: Uint8Array, decode: (bytes: Uint8Array) => string): string {
  if (!bytes.includes(PERCENT) && !bytes.includes(PLUS)) return decode(bytes);
  let out = '';
  const pending = new Uint8Array(bytes.length);
  let count = 0;
  const flush = () => {
    if (count > 0) out += decode(pending.subarray(0, count));
    count = 0;
  };
  for (let i = 0; i < bytes.length; i++) {
    let byte = bytes[i]!;
    if (byte === PLUS) {
      byte = 0x20;
    } else if (byte === PERCENT) {
      if (bytes[i + 1] === LOWER_U || bytes[i + 1] === UPPER_U) {
        const units = [2, 3, 4, 5].map((k) => hexValue(bytes[i + k]));
        if (units.every((unit) => unit >= 0)) {
          flush();
          out += String.fromCharCode((units[0]! << 12) | (units[1]! << 8) | (units[2]! << 4) | units[3]!);
          i += 5;
          continue;
        }
      } else {
        const high = hexValue(bytes[i + 1]);
        const low = hexValue(bytes[i + 2]);
        if (high >= 0 && low >= 0) {
          byte = (high << 4) | low;
          i += 2;
        }
      }
    }
    pending[count++] = byte;
  }
  flush();
  return out;
}

/**
 * A urlencoded body in its character set, split as ASP.NET's HttpValueCollection splits bytes: on `&`,
 * name and value at the first `=`, each decoded by aspnetUrlDecodeBytes. (In the character sets ASP.NET
 * reads forms in, `&`, `=`, `%` and `+` are never part of a multibyte character.) Segments without a
 * name are dropped, as parseUrlEncoded drops them.
 */
export function parseUrlEncodedBytes(body: Uint8Array, decode: (bytes: Uint8Array) => string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(AMPERSAND, start);
    if (end < 0) end = body.length;
    const eq = body.subarray(start, end).indexOf(EQUALS);
    if (eq >= 0) {
      const name = aspnetUrlDecodeBytes(body.subarray(start, start + eq), decode);
      if (name !== '') pairs.push([name, aspnetUrlDecodeBytes(body.subarray(start + eq + 1, end), decode)]);
    }
    start = end + 1;
  }
  return pairs;
}

/**
 * Splits `a=1&b=2` the way ASP.NET's HttpValueCollection does: on `&`, name and value at the first
 * `=`, both decoded. A segment with no `=` has no name in ASP.NET and cannot be asked for by name,
 * so it is dropped here; so are empty segments.
 */
export function parseUrlEncoded(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (text === '') return pairs;
  for (const segment of text.split('&')) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    const name = aspnetUrlDecode(segment.slice(0, eq));
    if (name === '') continue;
    pairs.push([name, aspnetUrlDecode(segment.slice(eq + 1))]);
  }
  return pairs;
}

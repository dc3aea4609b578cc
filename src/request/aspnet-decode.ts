/**
 * ASP.NET's HttpUtility.UrlDecode, which legacy clients were written against (docs/API.md#url-decoding):
 * `+` is a space, `%XX` are bytes of UTF-8, `%uXXXX` is one UTF-16 code unit, and an escape that is
 * not valid stays as literal text. Invalid UTF-8 becomes U+FFFD, as .NET's decoder makes it.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const HEX = /^[0-9a-fA-F]$/;

function isHex(text: string, from: number, count: number): boolean {
  if (from + count > text.length) return false;
  for (let i = from; i < from + count; i++) if (!HEX.test(text[i]!)) return false;
  return true;
}

export function aspnetUrlDecode(text: string): string {
  // Fast path: nothing to decode.
  if (!text.includes('%') && !text.includes('+')) return text;
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) {
      out += utf8.decode(Uint8Array.from(bytes));
      bytes = [];
    }
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '+') {
      flush();
      out += ' ';
    } else if (ch === '%') {
      if (text[i + 1] === 'u' || text[i + 1] === 'U') {
        if (isHex(text, i + 2, 4)) {
          flush();
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 5;
          continue;
        }
      } else if (isHex(text, i + 1, 2)) {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
        continue;
      }
      flush();
      out += '%';
    } else {
      flush();
      // Characters outside ASCII arrive raw in a query string when a client did not encode them.
      out += ch;
    }
  }
  flush();
  return out;
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

import iconv from 'iconv-lite';

/**
 * Character set names as a request's `charset` parameter or OMIS_REQUEST_ENCODING give them. The code
 * pages are iconv-lite's (Big5, GBK, GB18030, Shift_JIS, EUC-KR, UTF-16, the Windows and ISO pages…),
 * plus the names .NET gives UTF-16. iconv-lite's byte codecs (base64, hex, binary) are not character
 * sets and are not taken.
 */
const DOTNET_NAMES: Record<string, string> = { unicode: 'utf-16le', unicodefffe: 'utf-16be', 'utf-16': 'utf-16le' };
const NOT_TEXT = new Set(['base64', 'hex', 'binary']);

const squeeze = (name: string) => name.toLowerCase().replace(/[^0-9a-z]/g, '');

/** The name to decode with, or undefined when the name is no character set this server can read. */
export function charsetName(given: string): string | undefined {
  const name = given.trim().toLowerCase();
  if (name === '' || NOT_TEXT.has(squeeze(name))) return undefined;
  const mapped = DOTNET_NAMES[name] ?? name;
  return iconv.encodingExists(mapped) ? mapped : undefined;
}

/**
 * UTF-7, which ASP.NET refuses to decode a request with (its `+…-` runs can smuggle `<` past filters):
 * a request declaring it is read with the configured encoding instead, and it cannot be configured.
 */
export function isUtf7(given: string): boolean {
  return ['utf7', 'unicode11utf7', 'csunicode11utf7', 'xunicode20utf7'].includes(squeeze(given));
}

import { DateTime } from 'luxon';

/**
 * ExpireTime as a request writes it (docs/API.md#expiretime): `yyyy-MM-dd HH:mm:ss` or
 * `yyyy/MM/dd HH:mm:ss`, a wall-clock time in the server's time zone.
 */
const FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy/MM/dd HH:mm:ss'];
const SHAPE = /^\d{4}[-/]\d{2}[-/]\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * The instant a wall-clock text names in `zone`, or undefined when it is not a real calendar time
 * (Feb 30, hour 24, a time skipped by a daylight-saving change).
 */
export function parseExpireTime(text: string, zone: string): Date | undefined {
  const trimmed = text.trim();
  if (!SHAPE.test(trimmed) || trimmed[4] !== trimmed[7]) return undefined;
  const format = trimmed[4] === '-' ? FORMATS[0]! : FORMATS[1]!;
  const parsed = DateTime.fromFormat(trimmed, format, { zone, setZone: true });
  if (!parsed.isValid) return undefined;
  // Luxon moves a time inside a DST gap forward; such a time never appears on a clock there.
  if (parsed.toFormat(format) !== trimmed) return undefined;
  return parsed.toJSDate();
}

import { DateTime } from 'luxon';

/**
 * ExpireTime as the contract writes it (CONTRACT.md §5): `yyyy-MM-dd HH:mm:ss` or
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

// Formatting through luxon costs ~30 µs, a tenth of a whole query's CPU (docs/PERFORMANCE.md);
// the same few expiry instants are shown over and over, so their texts are remembered (bounded).
const FORMATTED_LIMIT = 10_000;
const formatted = new Map<string, string>();

/** Shown back as `yyyy-MM-dd HH:mm:ss` in the server's time zone; empty when there is none. */
export function formatExpireTime(date: Date | null | undefined, zone: string): string {
  if (!date) return '';
  const key = `${date.getTime()}|${zone}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
    if (formatted.size >= FORMATTED_LIMIT) formatted.delete(formatted.keys().next().value as string);
    formatted.set(key, text);
  }
  return text;
}

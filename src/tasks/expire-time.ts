/**
 * ExpireTime as answers show it: `yyyy-MM-dd HH:mm:ss` in the server's time zone, empty when the
 * launch has none. One Intl formatter per zone, made once (a formatter is costly to make, cheap to use).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The formatter's plain text, `MM/dd/y G, HH:mm:ss` in en-US, read back by a pattern: format() costs a
 * quarter of formatToParts(), which builds an object per field, and this runs for every launch answered
 * (docs/PERFORMANCE.md). Should an ICU release ever write that text otherwise, the pattern does not
 * match and the parts are read instead, so the answer never depends on it.
 */
const EN_US_TEXT = /^(\d{2})\/(\d{2})\/(\d+) (AD|BC), (\d{2}):(\d{2}):(\d{2})$/;

export function formatExpireTime(date: Date | null | undefined, zone: string): string {
  if (!date) return '';
  const formatter = formatterFor(zone);
  const match = EN_US_TEXT.exec(formatter.format(date));
  if (match) {
    const [, month, day, year, era, hour, minute, second] = match;
    return `${isoYear(year!, era!)}-${month}-${day} ${hour}:${minute}:${second}`;
  }
  const parts: Record<string, string> = {};
  for (const { type, value } of formatter.formatToParts(date)) parts[type] = value;
  return `${isoYear(parts.year!, parts.era!)}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Intl counts years by era (1 BC, 1 AD); the page writes the astronomical year (0 before 1), as ISO does. */
function isoYear(year: string, era: string): string {
  return String(era === 'BC' ? 1 - Number(year) : Number(year)).padStart(4, '0');
}

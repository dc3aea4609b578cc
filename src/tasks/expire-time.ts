/**
 * ExpireTime as answers show it: `yyyy-MM-dd HH:mm:ss` in the server's time zone, empty when the
 * launch has none. One Intl formatter per zone, made once (a formatter is costly to make, cheap to use),
 * with the texts it made by instant: the same few expiry instants come back on every answer (a launch
 * and each of its jobs), and even the pattern read below costs about a microsecond each, 3 % of a
 * launch query's server CPU (docs/PERFORMANCE.md). Emptied when full, so it stays small whatever the data.
 */
interface ZoneFormat {
  formatter: Intl.DateTimeFormat;
  texts: Map<number, string>;
}

const zones = new Map<string, ZoneFormat>();
const TEXTS_PER_ZONE = 4096;

function zoneFormat(zone: string): ZoneFormat {
  let format = zones.get(zone);
  if (!format) {
    const formatter = new Intl.DateTimeFormat('en-US', {
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
    format = { formatter, texts: new Map() };
    zones.set(zone, format);
  }
  return format;
}

export function formatExpireTime(date: Date | null | undefined, zone: string): string {
  if (!date) return '';
  const { formatter, texts } = zoneFormat(zone);
  const instant = date.getTime();
  let text = texts.get(instant);
  if (text === undefined) {
    text = formatWith(formatter, date);
    if (texts.size >= TEXTS_PER_ZONE) texts.clear();
    texts.set(instant, text);
  }
  return text;
}

/**
 * The formatter's plain text, `MM/dd/y G, HH:mm:ss` in en-US, read back by a pattern: format() costs a
 * quarter of formatToParts(), which builds an object per field, and this runs for every launch answered
 * (docs/PERFORMANCE.md). Should an ICU release ever write that text otherwise, the pattern does not
 * match and the parts are read instead, so the answer never depends on it.
 */
const EN_US_TEXT = /^(\d{2})\/(\d{2})\/(\d+) (AD|BC), (\d{2}):(\d{2}):(\d{2})$/;

function formatWith(formatter: Intl.DateTimeFormat, date: Date): string {
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

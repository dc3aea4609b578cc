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

export function formatExpireTime(date: Date | null | undefined, zone: string): string {
  if (!date) return '';
  const parts: Record<string, string> = {};
  for (const { type, value } of formatterFor(zone).formatToParts(date)) parts[type] = value;
  // Intl counts years by era (1 BC, 1 AD); the page writes the astronomical year (0 before 1), as ISO does.
  const year = String(parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year)).padStart(4, '0');
  return `${year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatExpireTime } from '../../src/tasks/expire-time.ts';

/** formatExpireTime remembers its texts: the remembered text is always the one luxon writes. */
describe('formatExpireTime, remembered', () => {
  const luxon = (date: Date, zone: string) => DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');

  it('keeps one instant in two zones apart', () => {
    const date = new Date('2026-12-31T15:59:59Z');
    expect(formatExpireTime(date, 'Asia/Taipei')).toBe('2026-12-31 23:59:59');
    expect(formatExpireTime(date, 'UTC')).toBe('2026-12-31 15:59:59');
    expect(formatExpireTime(date, 'Asia/Taipei')).toBe('2026-12-31 23:59:59');
  });

  it('stays right past its bound, for the first instants and the last', () => {
    const start = Date.UTC(2027, 0, 1);
    const dates = Array.from({ length: 12_000 }, (_, i) => new Date(start + i * 61_000));
    for (const date of dates) expect(formatExpireTime(date, 'Asia/Taipei')).toBe(luxon(date, 'Asia/Taipei'));
    for (const date of [dates[0]!, dates[5_000]!, dates.at(-1)!]) expect(formatExpireTime(date, 'Asia/Taipei')).toBe(luxon(date, 'Asia/Taipei'));
  });

  it('is empty without a date', () => {
    expect(formatExpireTime(null, 'Asia/Taipei')).toBe('');
    expect(formatExpireTime(undefined, 'Asia/Taipei')).toBe('');
  });
});

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatExpireTime } from '../../src/tasks/expire-time.ts';

/** formatExpireTime (one Intl formatter per zone) writes exactly what luxon writes, in every zone asked for. */
describe('formatExpireTime', () => {
  const luxon = (date: Date, zone: string) => DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');

  it('keeps one instant in two zones apart', () => {
    const date = new Date('2026-12-31T15:59:59Z');
    expect(formatExpireTime(date, 'Asia/Taipei')).toBe('2026-12-31 23:59:59');
    expect(formatExpireTime(date, 'UTC')).toBe('2026-12-31 15:59:59');
    expect(formatExpireTime(date, 'Asia/Taipei')).toBe('2026-12-31 23:59:59');
  });

  it('agrees with luxon across a year of instants, DST changes and midnights included, in several zones', () => {
    const start = Date.UTC(2030, 0, 1);
    for (const zone of ['Asia/Taipei', 'UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe']) {
      for (let i = 0; i < 3_000; i++) {
        const date = new Date(start + i * 10_513_001);
        expect(formatExpireTime(date, zone)).toBe(luxon(date, zone));
      }
    }
  });

  it('writes years before 1000 with four digits, as luxon does', () => {
    const date = new Date('0099-06-01T12:00:00Z');
    expect(formatExpireTime(date, 'UTC')).toBe(luxon(date, 'UTC'));
  });

  it('answers an instant it has written before, and one it no longer keeps, as the first time', () => {
    const zone = 'Europe/Berlin';
    const instants = Array.from({ length: 10_000 }, (_, i) => Date.UTC(2031, 2, 30) + i * 61_001);
    const first = instants.map((ms) => formatExpireTime(new Date(ms), zone));
    // Far past what a zone keeps: the early texts were let go and are made again.
    for (const [i, ms] of instants.entries()) {
      expect(formatExpireTime(new Date(ms), zone)).toBe(first[i]);
      if (i % 97 === 0) expect(first[i]).toBe(luxon(new Date(ms), zone));
    }
  });

  it('is empty without a date', () => {
    expect(formatExpireTime(null, 'Asia/Taipei')).toBe('');
    expect(formatExpireTime(undefined, 'Asia/Taipei')).toBe('');
  });
});

/** The pattern read of the formatter's text and the formatToParts read agree, BC years and years past 9999 included. */
describe('formatExpireTime, read from the formatter text', () => {
  const parts = (date: Date, zone: string) => {
    const formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', era: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const p: Record<string, string> = {};
    for (const { type, value } of formatter.formatToParts(date)) p[type] = value;
    const year = String(p.era === 'BC' ? 1 - Number(p.year) : Number(p.year)).padStart(4, '0');
    return `${year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };

  it.each(['-000100-03-01T00:00:00Z', '0000-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '0999-07-04T04:05:06Z', '+012345-01-01T00:00:00Z', '2026-03-08T10:00:00Z'])('%s', (iso) => {
    for (const zone of ['UTC', 'Asia/Taipei', 'America/New_York', 'Asia/Kathmandu']) {
      expect(formatExpireTime(new Date(iso), zone)).toBe(parts(new Date(iso), zone));
    }
  });
});

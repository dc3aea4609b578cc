import { describe, expect, it } from 'vitest';
import { parseExpireTime } from '../../src/request/expire-time.ts';
import { formatExpireTime } from '../../src/tasks/expire-time.ts';

/** ExpireTime (docs/API.md#expiretime): both documented formats, a real calendar time in the server's zone. */
describe('parseExpireTime', () => {
  it.each([
    ['2031-12-31 23:59:59', 'Asia/Taipei', '2031-12-31T15:59:59.000Z'],
    ['2031/12/31 23:59:59', 'Asia/Taipei', '2031-12-31T15:59:59.000Z'],
    ['2012-11-23 09:00:59', 'Asia/Taipei', '2012-11-23T01:00:59.000Z'],
    ['2010/12/31 21:13:20', 'Asia/Taipei', '2010-12-31T13:13:20.000Z'],
    ['2028-02-29 00:00:00', 'Asia/Taipei', '2028-02-28T16:00:00.000Z'],
    ['2031-01-01 00:00:00', 'UTC', '2031-01-01T00:00:00.000Z'],
    [' 2031-01-01 00:00:00 ', 'UTC', '2031-01-01T00:00:00.000Z'],
    ['2031-07-01 12:00:00', 'America/New_York', '2031-07-01T16:00:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => {
    expect(parseExpireTime(text, zone)?.toISOString()).toBe(iso);
  });

  it.each([
    ['Feb 30', '2031-02-30 10:00:00'],
    ['Feb 29 of a common year', '2030-02-29 10:00:00'],
    ['April 31', '2031/04/31 10:00:00'],
    ['month 13', '2031-13-01 10:00:00'],
    ['month 0', '2031-00-10 10:00:00'],
    ['day 0', '2031-01-00 10:00:00'],
    ['hour 24', '2031-01-01 24:00:00'],
    ['minute 60', '2031-01-01 10:60:00'],
    ['second 60', '2031-01-01 10:00:60'],
    ['mixed separators', '2031-01/01 10:00:00'],
    ['single digits', '2031-1-1 1:00:00'],
    ['no seconds', '2031-01-01 10:00'],
    ['a T separator', '2031-01-01T10:00:00'],
    ['a zone suffix', '2031-01-01 10:00:00Z'],
    ['the form placeholder', 'yyyy/MM/dd HH:mm:ss'],
    ['dots', '2031.01.01 10:00:00'],
    ['empty', ''],
    ['full-width digits', '２０３１-01-01 10:00:00'],
  ])('refuses %s (%s)', (_name, text) => {
    expect(parseExpireTime(text, 'Asia/Taipei')).toBeUndefined();
  });

  it('refuses a wall-clock time that a daylight-saving change skips', () => {
    expect(parseExpireTime('2031-03-09 02:30:00', 'America/New_York')).toBeUndefined();
    expect(parseExpireTime('2031-03-09 03:30:00', 'America/New_York')?.toISOString()).toBe('2031-03-09T07:30:00.000Z');
  });

  it('shows a time back in the zone as yyyy-MM-dd HH:mm:ss, empty when there is none', () => {
    expect(formatExpireTime(new Date('2031-12-31T15:59:59Z'), 'Asia/Taipei')).toBe('2031-12-31 23:59:59');
    expect(formatExpireTime(null, 'Asia/Taipei')).toBe('');
  });
});

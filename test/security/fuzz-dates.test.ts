import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseExpireTime } from '../../src/request/expire-time.ts';
import { formatExpireTime } from '../../src/tasks/expire-time.ts';
import { hostileText } from './fuzz-arbitraries.ts';

/** Property tests of ExpireTime parsing (docs/API.md#expiretime): total, strict, and its own inverse. */
const RUNS = { numRuns: 2000 };
const ZONES = ['Asia/Taipei', 'UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const zone = fc.constantFrom(...ZONES);
const SHAPE = /^\d{4}([-/])\d{2}\1\d{2} \d{2}:\d{2}:\d{2}$/;

const wallClock = fc.record({
  year: fc.integer({ min: 1000, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const text = (c: { year: number; month: number; day: number; hour: number; minute: number; second: number }, sep: string) =>
  `${pad(c.year, 4)}${sep}${pad(c.month)}${sep}${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;

describe('parseExpireTime', () => {
  it('never throws, and accepts only the two shapes', () => {
    fc.assert(
      fc.property(hostileText, zone, (input, z) => {
        const parsed = parseExpireTime(input, z);
        if (parsed !== undefined) {
          expect(input.trim()).toMatch(SHAPE);
          expect(Number.isNaN(parsed.getTime())).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('reads every real wall-clock time back as written, with either separator', () => {
    fc.assert(
      fc.property(wallClock, zone, fc.constantFrom('-', '/'), (clock, z, sep) => {
        const written = text(clock, sep);
        const parsed = parseExpireTime(written, z);
        const real = DateTime.fromObject(clock, { zone: z });
        // Feb 30 and times a daylight-saving change skips are not real; luxon would shift them.
        const exists = real.isValid && real.toFormat('yyyy-MM-dd HH:mm:ss') === text(clock, '-');
        if (!exists) {
          expect(parsed).toBeUndefined();
          return;
        }
        expect(parsed?.getTime()).toBe(real.toMillis());
        expect(formatExpireTime(parsed, z)).toBe(text(clock, '-'));
      }),
      RUNS,
    );
  });

  it('refuses a real time with one character changed, unless the change is another real time', () => {
    fc.assert(
      fc.property(wallClock, zone, fc.nat(18), fc.constantFrom(...'0123456789-/: xT'), (clock, z, at, ch) => {
        const written = text({ ...clock, day: Math.min(clock.day, 28) }, '-');
        const mutated = written.slice(0, at) + ch + written.slice(at + 1);
        const parsed = parseExpireTime(mutated, z);
        if (parsed !== undefined) expect(formatExpireTime(parsed, z)).toBe(mutated.replace(/\//g, '-'));
      }),
      RUNS,
    );
  });

  it('formats any instant, and the text parses back to the same second', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), zone, (date, z) => {
        const written = formatExpireTime(date, z);
        expect(written).toMatch(SHAPE);
        const back = parseExpireTime(written, z);
        expect(back).toBeDefined();
        expect(formatExpireTime(back, z)).toBe(written);
        // An ambiguous time (clocks set back) may read as either of its two instants.
        expect(Math.abs(back!.getTime() - Math.floor(date.getTime() / 1000) * 1000)).toBeLessThanOrEqual(3 * 3600 * 1000);
      }),
      RUNS,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ReportPathCache } from '../../src/reports/report-path-cache.ts';
import { checkReportLink, reportPathFor } from '../../src/reports/report-link.ts';

const SECRET = 'cache-test-secret-0123456789';
const TTL = 3600;

describe('ReportPathCache', () => {
  it('gives exactly the link reportPathFor gives, at any moment of a window', () => {
    const start = Date.UTC(2026, 10, 29, 8, 0, 0);
    for (const offset of [0, 1, 999, 1000, 1_799_999, 3_599_999, 3_600_000, 7_200_001, 86_400_000]) {
      let now = start + offset;
      const cache = new ReportPathCache(SECRET, TTL, 100, () => now);
      expect(cache.pathFor(9001)).toBe(reportPathFor(SECRET, 9001, TTL, new Date(now)));
      now += 1;
      expect(cache.pathFor(9001)).toBe(reportPathFor(SECRET, 9001, TTL, new Date(now)));
    }
  });

  it('signs anew when the window turns, and the new link is valid', () => {
    let now = Date.UTC(2026, 10, 29, 8, 59, 59, 500);
    const cache = new ReportPathCache(SECRET, TTL, 100, () => now);
    const before = cache.pathFor(9001);
    now += 1000;
    const after = cache.pathFor(9001);
    expect(after).not.toBe(before);
    expect(after).toBe(reportPathFor(SECRET, 9001, TTL, new Date(now)));
    const query = Object.fromEntries(new URL(after, 'http://x').searchParams);
    expect(checkReportLink(SECRET, { jobId: query.JobID, expires: query.Expires, signature: query.Signature }, new Date(now))).toEqual({ ok: true, jobId: 9001 });
  });

  it('keeps jobs apart', () => {
    const cache = new ReportPathCache(SECRET, TTL);
    expect(cache.pathFor(9001)).toContain('JobID=9001&');
    expect(cache.pathFor(9002)).toContain('JobID=9002&');
    expect(cache.pathFor(9001)).toContain('JobID=9001&');
  });

  it('holds at most maxEntries jobs', () => {
    const cache = new ReportPathCache(SECRET, TTL, 50);
    for (let jobId = 1; jobId <= 500; jobId++) cache.pathFor(jobId);
    expect(cache.size).toBe(50);
  });
});

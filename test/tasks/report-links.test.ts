import { describe, expect, it } from 'vitest';
import { checkReportLink, reportPathFor, ReportLinks } from '../../src/tasks/report-link.ts';

/** ReportLinks signs a job's link once per window and answers exactly what reportPathFor answers. */
describe('ReportLinks', () => {
  const secret = 'a-secret-of-enough-length-for-the-test';
  const ttl = 3600;
  const query = (path: string) => {
    const url = new URL(path, 'http://h');
    return { jobId: url.searchParams.get('JobID') ?? undefined, expires: url.searchParams.get('Expires') ?? undefined, signature: url.searchParams.get('Signature') ?? undefined };
  };

  it('answers what reportPathFor answers, at every instant of two windows and their edges', () => {
    const links = new ReportLinks(secret, ttl);
    const start = Date.UTC(2026, 11, 5, 10, 0, 0);
    for (const offset of [-1, 0, 1, 1_799_000, 3_599_999, 3_600_000, 3_600_001, 7_199_999, 7_200_000]) {
      const now = new Date(start + offset);
      for (const jobId of [9001, 9002, 9001]) expect(links.pathFor(jobId, now)).toBe(reportPathFor(secret, jobId, ttl, now));
    }
  });

  it('gives links that the report route accepts, and a new link once the window turns', () => {
    const links = new ReportLinks(secret, ttl);
    const now = new Date(Date.UTC(2026, 11, 5, 10, 0, 0));
    const first = links.pathFor(9001, now);
    expect(checkReportLink(secret, query(first), now)).toEqual({ ok: true, jobId: 9001 });
    const later = new Date(now.getTime() + ttl * 1000);
    const second = links.pathFor(9001, later);
    expect(second).not.toBe(first);
    expect(checkReportLink(secret, query(second), later)).toEqual({ ok: true, jobId: 9001 });
  });

  it('still signs every job once full', () => {
    const links = new ReportLinks(secret, ttl, 2);
    const now = new Date(Date.UTC(2026, 11, 5, 10, 0, 0));
    for (const jobId of [1, 2, 3, 4, 3]) expect(links.pathFor(jobId, now)).toBe(reportPathFor(secret, jobId, ttl, now));
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A job's ReportPath (docs/API.md#recipient-reports-reportpath): a link that streams the job's recipient report, signed with
 * HMAC-SHA256 over JobID and Expires so that it cannot be altered, extended or pointed elsewhere.
 */
export const REPORT_PATH = '/WebAPI/Report.aspx';

function signature(secret: string, jobId: number, expires: number): string {
  return createHmac('sha256', secret).update(`report:${jobId}:${expires}`).digest('base64url');
}

/**
 * Expiry is rounded up to a whole window so that repeated queries within one window return the
 * same link (stable for clients that compare answers, cacheable for us).
 */
export function reportPathFor(secret: string, jobId: number, ttlSeconds: number, now: Date = new Date()): string {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expires = (Math.floor(nowSeconds / ttlSeconds) + 2) * ttlSeconds;
  return `${REPORT_PATH}?JobID=${jobId}&Expires=${expires}&Signature=${signature(secret, jobId, expires)}`;
}

export type ReportLinkCheck = { ok: true; jobId: number } | { ok: false; reason: 'malformed' | 'expired' | 'signature' };

export function checkReportLink(
  secret: string,
  query: { jobId?: string | undefined; expires?: string | undefined; signature?: string | undefined },
  now: Date = new Date(),
): ReportLinkCheck {
  const { jobId, expires, signature: given } = query;
  if (!jobId || !expires || !given || !/^\d{1,10}$/.test(jobId) || !/^\d{1,12}$/.test(expires)) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = Buffer.from(signature(secret, Number(jobId), Number(expires)));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { ok: false, reason: 'signature' };
  if (Number(expires) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, jobId: Number(jobId) };
}

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
 * The ReportPath of every job answered, signed once per job and window: a launch's answer carries a
 * link for each of its jobs, at 1.6 µs an HMAC, so a client polling a launch of fifty jobs would
 * otherwise pay fifty HMACs per answer (docs/PERFORMANCE.md).
 * The links of one window are the same whoever asks; the memo is dropped when the window turns, and
 * holds at most `maxEntries` links (past that, links are signed each time, as without it).
 */
export class ReportLinks {
  readonly #secret: string;
  readonly #ttlSeconds: number;
  readonly #maxEntries: number;
  #window = Number.NaN;
  readonly #paths = new Map<number, string>();

  constructor(secret: string, ttlSeconds: number, maxEntries = 10_000) {
    this.#secret = secret;
    this.#ttlSeconds = ttlSeconds;
    this.#maxEntries = maxEntries;
  }

  pathFor(jobId: number, now?: Date): string {
    // The clock read as a number: this runs for every job answered, most often on a memo hit.
    const window = windowOf(now?.getTime() ?? Date.now(), this.#ttlSeconds);
    if (window !== this.#window) {
      this.#window = window;
      this.#paths.clear();
    }
    let path = this.#paths.get(jobId);
    if (path === undefined) {
      path = pathInWindow(this.#secret, jobId, this.#ttlSeconds, window);
      if (this.#paths.size < this.#maxEntries) this.#paths.set(jobId, path);
    }
    return path;
  }
}

/**
 * Expiry is rounded up to a whole window so that repeated queries within one window return the
 * same link (stable for clients that compare answers, cacheable for us).
 */
export function reportPathFor(secret: string, jobId: number, ttlSeconds: number, now: Date = new Date()): string {
  return pathInWindow(secret, jobId, ttlSeconds, windowOf(now.getTime(), ttlSeconds));
}

/** The number of the link window the instant `nowMs` falls in. */
function windowOf(nowMs: number, ttlSeconds: number): number {
  return Math.floor(Math.floor(nowMs / 1000) / ttlSeconds);
}

function pathInWindow(secret: string, jobId: number, ttlSeconds: number, window: number): string {
  const expires = (window + 2) * ttlSeconds;
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

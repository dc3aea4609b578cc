import { reportPathFor } from './report-link.ts';

/**
 * A job's signed ReportPath is the same for every answer within one link window (report-link.ts
 * rounds Expires to whole windows), so it is signed once per job per window instead of once per
 * job per answer: an HMAC saved per job shown, 10,000 of them for a launch of 10,000 jobs.
 * Bounded: at most `maxEntries` jobs, the oldest entry leaves first.
 */
export class ReportPathCache {
  readonly #entries = new Map<number, { window: number; path: string }>();

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly maxEntries = 20_000,
    private readonly now: () => number = Date.now,
  ) {}

  pathFor(jobId: number): string {
    const nowMs = this.now();
    const window = Math.floor(Math.floor(nowMs / 1000) / this.ttlSeconds);
    const hit = this.#entries.get(jobId);
    if (hit && hit.window === window) return hit.path;
    const path = reportPathFor(this.secret, jobId, this.ttlSeconds, new Date(nowMs));
    this.#entries.delete(jobId);
    this.#entries.set(jobId, { window, path });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as number);
    return path;
  }

  get size(): number {
    return this.#entries.size;
  }
}

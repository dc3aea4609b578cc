import { ERROR_MESSAGES, type ErrorCode } from '../errors/error-codes.ts';
import type { SandboxRuleInput } from '../store/sandbox.ts';

export type { InjectedAnswer, SandboxRuleInput } from '../store/sandbox.ts';

/**
 * Sandbox rules (docs/CONSOLE.md#sandbox): for one account, the next N requests to TaskManager.aspx,
 * or those of the next T seconds, are delayed and/or answered with a chosen ErrorCode, so that a
 * client's error handling can be tried against a real endpoint. Pure: what a rule may be.
 */
/** Longer than any client's usual timeout (.NET's 100 s), short enough to end. */
export const MAX_LATENCY_MS = 120_000;
export const MAX_REQUESTS = 100_000;
export const MAX_SECONDS = 7 * 24 * 3600;

/**
 * Codes a rule may answer with: every answer code of the contract except 0 (no error), 201 (a
 * job's own ERRORCODE, never a request's) and 102 (its message names a field the request gave).
 */
export const INJECTABLE_CODES: readonly ErrorCode[] = (Object.keys(ERROR_MESSAGES).map(Number) as ErrorCode[]).filter(
  (code) => code !== 0 && code !== 201 && code !== 102,
);

export class SandboxRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxRuleError';
  }
}

function whole(text: string | undefined, name: string, max: number): number | null {
  const value = text?.trim() ?? '';
  if (value === '') return null;
  if (!/^\d{1,9}$/.test(value) || Number(value) > max) throw new SandboxRuleError(`${name} must be a whole number from 0 to ${max}`);
  return Number(value);
}

/**
 * A rule from the fields of the console's form or the CLI's options (all text, blank = not given).
 * It must do something (latency or an ErrorCode) and end (a count or a time, or both: whichever
 * comes first), so that a forgotten rule cannot break a client for good.
 */
export function parseSandboxRule(fields: { latencyMs?: string; errorCode?: string; requests?: string; seconds?: string }): SandboxRuleInput {
  const latencyMs = whole(fields.latencyMs, 'latency (ms)', MAX_LATENCY_MS) ?? 0;
  const code = whole(fields.errorCode, 'ErrorCode', 99_999);
  if (code !== null && !INJECTABLE_CODES.includes(code as ErrorCode)) {
    throw new SandboxRuleError(`ErrorCode ${code} is not an answer code of the page (one of ${INJECTABLE_CODES.join(', ')})`);
  }
  const requests = whole(fields.requests, 'requests', MAX_REQUESTS);
  const seconds = whole(fields.seconds, 'seconds', MAX_SECONDS);
  if (latencyMs === 0 && code === null) throw new SandboxRuleError('give a latency, an ErrorCode, or both');
  if ((requests ?? 0) === 0 && (seconds ?? 0) === 0) throw new SandboxRuleError('give a number of requests or of seconds for the rule to end');
  return { latencyMs, errorCode: code, requests: requests || null, seconds: seconds || null };
}

/** How a rule reads in the console and on the command line. */
export function describeRule(rule: { latencyMs: number; errorCode: number | null }): string {
  const parts: string[] = [];
  if (rule.latencyMs > 0) parts.push(`${rule.latencyMs} ms latency`);
  if (rule.errorCode !== null) parts.push(`ErrorCode ${rule.errorCode}`);
  return parts.join(' + ');
}

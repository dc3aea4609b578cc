import { describe, expect, it } from 'vitest';
import { describeRule, INJECTABLE_CODES, MAX_LATENCY_MS, parseSandboxRule, SandboxRuleError } from '../../src/tasks/sandbox-rule.ts';

describe('sandbox rules (pure)', () => {
  it('reads a rule from text fields, blank meaning not given', () => {
    expect(parseSandboxRule({ latencyMs: '1500', errorCode: '', requests: '3', seconds: '' })).toEqual({ latencyMs: 1500, errorCode: null, requests: 3, seconds: null });
    expect(parseSandboxRule({ errorCode: ' 9999 ', seconds: '60' })).toEqual({ latencyMs: 0, errorCode: 9999, requests: null, seconds: 60 });
    expect(parseSandboxRule({ latencyMs: '10', errorCode: '101', requests: '5', seconds: '30' })).toEqual({ latencyMs: 10, errorCode: 101, requests: 5, seconds: 30 });
  });

  it.each([
    [{ requests: '3' }, 'give a latency, an ErrorCode, or both'],
    [{ latencyMs: '0', errorCode: '', requests: '3' }, 'give a latency, an ErrorCode, or both'],
    [{ errorCode: '9999' }, 'give a number of requests or of seconds'],
    [{ errorCode: '9999', requests: '0', seconds: '0' }, 'give a number of requests or of seconds'],
    [{ errorCode: '0', requests: '1' }, 'is not an answer code'],
    [{ errorCode: '201', requests: '1' }, 'is not an answer code'],
    [{ errorCode: '102', requests: '1' }, 'is not an answer code'],
    [{ errorCode: '42', requests: '1' }, 'is not an answer code'],
    [{ errorCode: '-1', requests: '1' }, 'ErrorCode must be a whole number'],
    [{ latencyMs: String(MAX_LATENCY_MS + 1), requests: '1' }, 'latency (ms) must be a whole number from 0 to 120000'],
    [{ latencyMs: '1.5', requests: '1' }, 'latency (ms) must be a whole number'],
    [{ errorCode: '9999', requests: 'many' }, 'requests must be a whole number'],
  ])('refuses %j: %s', (fields, message) => {
    expect(() => parseSandboxRule(fields)).toThrow(SandboxRuleError);
    expect(() => parseSandboxRule(fields)).toThrow(message);
  });

  it('may inject every answer code of the contract but 0, 102 and 201', () => {
    expect(INJECTABLE_CODES).toContain(9999);
    expect(INJECTABLE_CODES).toContain(101);
    expect(INJECTABLE_CODES).toContain(1000);
    expect(INJECTABLE_CODES).not.toContain(0);
    expect(INJECTABLE_CODES).not.toContain(102);
    expect(INJECTABLE_CODES).not.toContain(201);
  });

  it('describes a rule in words', () => {
    expect(describeRule({ latencyMs: 1500, errorCode: null })).toBe('1500 ms latency');
    expect(describeRule({ latencyMs: 0, errorCode: 9999 })).toBe('ErrorCode 9999');
    expect(describeRule({ latencyMs: 200, errorCode: 101 })).toBe('200 ms latency + ErrorCode 101');
  });
});

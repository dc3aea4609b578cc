import { describe, expect, it } from 'vitest';
import { ParamBag } from '../../src/request/param-bag.ts';
import { readIntent as readIntentOf, requiredFields } from '../../src/request/intent.ts';
import { requestedAction } from '../../src/request/actions.ts';
import { isApiError } from '../../src/errors/error-codes.ts';

/** What a request asks for (docs/API.md#checking-order): 102 before authentication, 112/113/114/118 after. */
const NOW = new Date('2026-11-29T00:00:00Z');
const bag = (fields: Record<string, string>) => new ParamBag([['query', Object.entries(fields)]]);
/** The intent as the page reads it: the action looked up in the actions table first. */
const readIntent = (given: ParamBag, zone: string, now: Date) => readIntentOf(given, requestedAction(given.text('LaunchAction'), given.text('JobAction')), zone, now);
const credentials = { ManagerLoginName: 'acme', ManagerPassword: 'pw' };

function codeOf(work: () => unknown): number | 'ok' {
  try {
    work();
    return 'ok';
  } catch (error) {
    if (isApiError(error)) return error.code;
    throw error;
  }
}

describe('readIntent', () => {
  it.each([
    [{ LaunchID: '5001' }, { kind: 'query', target: { launchId: 5001 } }],
    [{ JobID: '9001', LaunchID: '5001' }, { kind: 'query', target: { launchId: 5001, jobId: 9001 } }],
    [{ LaunchID: '5001', LaunchAction: '2' }, { kind: 'launch-action', action: 'terminate', target: { launchId: 5001 } }],
    [{ LaunchID: '5001', LaunchAction: ' 3 ' }, { kind: 'launch-action', action: 'pause', target: { launchId: 5001 } }],
    [{ JobID: '9001', JobAction: '5' }, { kind: 'job-action', action: 'restart', target: { jobId: 9001 } }],
    [{ JobID: 'abc' }, { kind: 'query', target: { jobId: null } }],
    [{ LaunchID: '5001', EmailAddress: 'A@B.com' }, { kind: 'query', target: { launchId: 5001 }, recipients: { emailKey: 'a@b.com' } }],
    [{ LaunchID: '5001', SMSNumber: '0912-345-678' }, { kind: 'query', target: { launchId: 5001 }, recipients: { smsKey: '+886912345678' } }],
    [{ LaunchID: '5001', ExternRefNum: 'R-1', JobType: '2' }, { kind: 'query', target: { launchId: 5001 }, recipients: { externRefKey: 'r-1', jobType: 'SMS' } }],
  ])('%o → %o', (fields, want) => {
    expect(readIntent(bag(fields), 'Asia/Taipei', NOW)).toEqual(want);
  });

  it('reads ExpireTime for LaunchAction 5 in the server zone', () => {
    const intent = readIntent(bag({ LaunchID: '5001', LaunchAction: '5', ExpireTime: '2027/01/01 08:00:00' }), 'Asia/Taipei', NOW);
    expect(intent).toMatchObject({ kind: 'launch-action', action: 'change-expiry' });
    expect(intent.kind === 'launch-action' && intent.expireTime?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    [{ LaunchID: '5001', LaunchAction: '0' }, 112],
    [{ LaunchID: '5001', LaunchAction: '6' }, 112],
    [{ LaunchID: '5001', LaunchAction: '1,2' }, 112],
    [{ LaunchID: '5001', LaunchAction: '２' }, 112],
    [{ JobID: '9001', JobAction: '0' }, 113],
    [{ JobID: '9001', JobAction: 'x' }, 113],
    [{ JobID: '9001', LaunchID: '5001', JobAction: '1', LaunchAction: '1' }, 112],
    [{ LaunchID: '5001', LaunchAction: '5' }, 114],
    [{ LaunchID: '5001', LaunchAction: '5', ExpireTime: '2026-11-29 08:00:00' }, 114],
    [{ LaunchID: '5001', LaunchAction: '5', ExpireTime: '2026-11-29 08:00:01' }, 'ok'],
    [{ LaunchID: '5001', LaunchAction: '5', ExpireTime: '2027-02-29 08:00:00' }, 114],
    [{ LaunchID: '5001', ExternRefNum: 'R', JobType: 'FAX' }, 118],
    [{ LaunchID: '5001', JobType: '3' }, 118],
    // ExpireTime without LaunchAction 5 is not looked at.
    [{ LaunchID: '5001', LaunchAction: '2', ExpireTime: 'nonsense' }, 'ok'],
  ])('%o → %s', (fields, want) => {
    expect(codeOf(() => readIntent(bag(fields), 'Asia/Taipei', NOW))).toBe(want);
  });
});

describe('requiredFields', () => {
  it.each([
    [{ ManagerPassword: 'pw', LaunchID: '1' }, 'ManagerLoginName'],
    [{ ManagerLoginName: 'acme', LaunchID: '1' }, 'ManagerPassword'],
    [{ ...credentials }, 'LaunchID or JobID'],
    [{ ...credentials, JobID: '9001', LaunchAction: '1' }, 'LaunchID'],
    [{ ...credentials, LaunchID: '5001', JobAction: '1' }, 'JobID'],
    [{ ...credentials, LaunchID: '5001', ExternRefNum: 'R-1' }, 'JobType'],
  ])('%o misses %s (102)', (fields, field) => {
    try {
      requiredFields(bag(fields));
      expect.unreachable();
    } catch (error) {
      expect(isApiError(error) && [error.code, error.field]).toEqual([102, field]);
    }
  });

  it('accepts a password of spaces (passwords are taken as given)', () => {
    expect(requiredFields(bag({ ManagerLoginName: 'acme', ManagerPassword: '  ', LaunchID: '1' }))).toEqual({ login: 'acme', password: '  ' });
  });
});

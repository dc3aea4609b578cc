import { describe, expect, it } from 'vitest';
import { ParamBag } from '../../src/request/param-bag.ts';
import { requestedAction } from '../../src/audit/requested-action.ts';
import { describeState } from '../../src/audit/audit-format.ts';

/** What an audit entry says was asked, read from the raw fields before validation. */
const bag = (fields: Record<string, string>) => new ParamBag([['query', Object.entries(fields)]]);

describe('requestedAction', () => {
  it.each([
    [{ LaunchID: '5001' }, undefined],
    [{ LaunchID: '5001', LaunchAction: '' }, undefined],
    [{ LaunchID: '5001', LaunchAction: '1' }, { action: 'launch.delete', targetType: 'launch', targetId: 5001 }],
    [{ LaunchID: '5001', LaunchAction: '5', ExpireTime: 'x' }, { action: 'launch.change-expiry', targetType: 'launch', targetId: 5001 }],
    [{ LaunchID: '5001', LaunchAction: '9' }, { action: 'launch.invalid', targetType: 'launch', targetId: 5001 }],
    [{ LaunchAction: '2' }, { action: 'launch.terminate', targetType: 'launch', targetId: null }],
    [{ JobID: '9001', JobAction: '5' }, { action: 'job.restart', targetType: 'job', targetId: 9001 }],
    [{ JobID: '9001,9002', JobAction: '3' }, { action: 'job.pause', targetType: 'job', targetId: null }],
    [{ JobID: '9001', JobAction: '2', LaunchID: '5001', LaunchAction: '2' }, { action: 'launch.invalid', targetType: 'launch', targetId: 5001 }],
  ])('%o → %o', (fields, want) => {
    const got = requestedAction(bag(fields));
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('keeps the request values (cut to 200 characters), not the credentials', () => {
    const got = requestedAction(bag({ ManagerLoginName: 'acme', ManagerPassword: 'secret', LaunchID: '5001', LaunchAction: '5', ExpireTime: 'x'.repeat(500) }))!;
    expect(Object.keys(got.request).sort()).toEqual(['ExpireTime', 'LaunchAction', 'LaunchID']);
    expect(got.request.ExpireTime).toHaveLength(201);
    expect(JSON.stringify(got)).not.toContain('secret');
  });
});

describe('describeState', () => {
  it.each([
    [null, ''],
    [{ request: { LaunchID: '6001', LaunchAction: '2' } }, '[LaunchID=6001 LaunchAction=2]'],
    [{ job: { jobId: 1, launchId: 2, status: 6, errorCode: 201, pausedByLaunch: false, pointsCharged: 0, deleted: false }, rootPoints: 40 }, '[STATUS 6 ERRORCODE 201; points 40]'],
    [{ launch: { launchId: 2, status: 1, errorCode: -1, launchCount: 0, expireTime: null, deleted: true }, jobs: [{ jobId: 7, launchId: 2, status: 6, errorCode: -1, pausedByLaunch: false, pointsCharged: 0, deleted: true }] }, '[STATUS 1 ERRORCODE -1 deleted; jobs 7:-1]'],
    [{ launch: { launchId: 2, status: 1, errorCode: 0, launchCount: 0, expireTime: '2031-01-01T00:00:00.000Z', deleted: false }, request: { ExpireTime: '2031/01/01 08:00:00' } }, '[STATUS 1 ERRORCODE 0; expires 2031-01-01T00:00:00.000Z]'],
  ])('%o → %s', (state, want) => {
    expect(describeState(state as never, Boolean(state && 'request' in state && state.request && 'ExpireTime' in state.request))).toBe(want);
  });
});
